import Dispatch
import Foundation
import PolicyRuntime

/// One hand-set configuration: a fixed learning rate and batch size bin, retraining every
/// `retrainEvery` periods (0: never), or when `retrainSignal` fires if one is given.
public struct FixedSetting: Sendable, Hashable, Codable {
    public var learningRateBin: Int
    public var batchSizeBin: Int
    public var retrainEvery: Int
    /// Retrain on this drift signal instead of periodically (`AlarmRetrainPolicy`); nil: periodic.
    public var retrainSignal: AlarmRetrainPolicy.Signal? = nil

    public init(learningRateBin: Int, batchSizeBin: Int, retrainEvery: Int, retrainSignal: AlarmRetrainPolicy.Signal? = nil) {
        self.learningRateBin = learningRateBin
        self.batchSizeBin = batchSizeBin
        self.retrainEvery = retrainEvery
        self.retrainSignal = retrainSignal
    }

    /// A policy that follows the setting.
    public var policy: any TuningPolicy {
        let base = FixedPolicy(learningRateBin: learningRateBin, batchSizeBin: batchSizeBin)
        if let signal = retrainSignal { return AlarmRetrainPolicy(signal: signal, base: base) }
        return retrainEvery > 0 ? PeriodicRetrainPolicy(every: retrainEvery, base: base) : base
    }

    /// E.g. `lr=0.03 b=32 K=5` (or `K=adwin`) with the values of `actions`.
    public func label(_ actions: ActionBins) -> String {
        let lr = actions.learningRates[min(learningRateBin, actions.learningRates.count - 1)]
        let b = actions.batchSizes[min(batchSizeBin, actions.batchSizes.count - 1)]
        let k = retrainSignal?.rawValue ?? (retrainEvery > 0 ? "\(retrainEvery)" : "never")
        return String(format: "lr=%.3g b=%d K=%@", lr, b, k)
    }
}

/// Mean reward per period of fixed settings across domains and drift kinds, to show that no single
/// hand-set configuration is best everywhere.
public struct FixedSettingsTable: Sendable, Codable {
    /// Column names, `environment/drift-kind` (or `environment/all`).
    public var columns: [String]
    public var settings: [FixedSetting]
    public var settingLabels: [String]
    /// `scores[s][c]`: mean reward per period of setting `s` in column `c`, over the seeds.
    public var scores: [[Double]]

    /// Index of the best setting in each column.
    public var best: [Int] {
        columns.indices.map { c in settings.indices.max { scores[$0][c] < scores[$1][c] }! }
    }

    /// True when no setting is best in every column.
    public var noSingleBest: Bool { Set(best).count > 1 }

    /// The setting whose worst shortfall against each column's best is smallest, and that shortfall
    /// (mean reward per period): what the best one-size-fits-all choice gives up somewhere.
    public var minimaxRegret: (setting: Int, regret: Double) {
        let b = best
        let regrets = settings.indices.map { s in columns.indices.map { c in scores[b[c]][c] - scores[s][c] }.max() ?? 0 }
        let s = regrets.indices.min { regrets[$0] < regrets[$1] } ?? 0
        return (s, regrets.isEmpty ? 0 : regrets[s])
    }

    /// A Markdown table; the best cell of each column is starred.
    public func markdown() -> String {
        let b = best
        var lines = ["| setting | " + columns.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---:|", count: columns.count)]
        for s in settings.indices {
            let cells = columns.indices.map { c in String(format: "%.3f", scores[s][c]) + (b[c] == s ? "*" : "") }
            lines.append("| \(settingLabels[s]) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// A grid of settings: the given learning-rate and batch bins × retraining periods.
    public static func grid(learningRateBins: [Int] = [1, 2, 3, 4], batchSizeBins: [Int] = [0, 2],
                            retrainEvery: [Int] = [0, 5]) -> [FixedSetting] {
        learningRateBins.flatMap { l in batchSizeBins.flatMap { b in retrainEvery.map { FixedSetting(learningRateBin: l, batchSizeBin: b, retrainEvery: $0) } } }
    }

    /// One spec per drift kind present in `spec` (keeping only that kind's events), plus `all`.
    public static func variants(of spec: EnvironmentSpec) -> [(String, EnvironmentSpec)] {
        var out: [(String, EnvironmentSpec)] = []
        for kind in DriftEvent.Kind.allCases where spec.drift.contains(where: { $0.kind == kind }) {
            var s = spec
            s.drift = spec.drift.filter { $0.kind == kind }
            out.append(("\(spec.name)/\(kind.rawValue)", s))
        }
        out.append(("\(spec.name)/all", spec))
        return out
    }

    /// Runs every setting on every variant of every spec for every seed (in parallel across cores).
    public static func compute(specs: [EnvironmentSpec], settings: [FixedSetting], seeds: [UInt64],
                               components: EnvironmentComponents, byDriftKind: Bool = true) throws -> FixedSettingsTable {
        let columns = specs.flatMap { byDriftKind ? variants(of: $0) : [("\($0.name)/all", $0)] }
        var environments: [TuningEnvironment] = []
        var jobs: [(column: Int, setting: Int, seed: UInt64)] = []
        for (c, column) in columns.enumerated() {
            environments.append(try TuningEnvironment(spec: column.1, components: components))
            for s in settings.indices { for seed in seeds { jobs.append((c, s, seed)) } }
        }
        var runner = VectorizedEnvironment(environments: jobs.map { environments[$0.column] })
        let rewards = runner.map { env, i -> Double in
            let job = jobs[i]
            let r = env.runEpisode(policy: settings[job.setting].policy, seed: job.seed)
            return r.totalReward / Double(max(r.periods.count - 1, 1))
        }
        var scores = [[Double]](repeating: [Double](repeating: 0, count: columns.count), count: settings.count)
        for (i, job) in jobs.enumerated() { scores[job.setting][job.column] += rewards[i] / Double(seeds.count) }
        // Concrete values when every spec shares the action bins, bin indices otherwise.
        let actions = specs[0].actionBins
        let shared = specs.allSatisfy { $0.actionBins == actions }
        let labels = settings.map { s in
            shared ? s.label(actions)
                : "lr bin \(s.learningRateBin) batch bin \(s.batchSizeBin) K=\(s.retrainEvery > 0 ? "\(s.retrainEvery)" : "never")"
        }
        return FixedSettingsTable(columns: columns.map(\.0), settings: settings, settingLabels: labels, scores: scores)
    }
}
