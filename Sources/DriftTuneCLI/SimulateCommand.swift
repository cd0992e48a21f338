import ArgumentParser
import Foundation
import PolicyRuntime
import Simulation
import YAMLConfig

/// `drifttune simulate`: run a hand-written policy on a simulated drift environment.
public struct SimulateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a hand-written tuning policy on a drift environment and print its trajectory.",
        discussion: """
            Prints a per-period table (metric, sparkline, retrains, learning rate, batch size, active drift \
            events) and a summary: mean metric, retrains, compute and recovery time after each drift onset \
            (periods until the metric is within 2 points of its pre-drift level). With several seeds the \
            table shows means over seeds and the retrain column counts seeds. `oracle` is told the drift \
            schedule: an upper reference, not a deployable policy.
            """
    )

    @OptionGroup var location: EnvironmentOptions

    @Option(help: "Environment name, or a path to a spec file (.yaml).")
    var env: String

    @Option(help: "Policy: \(PolicyName.help), or a policy file (whose action bins must be the environment's).")
    var policy = "fixed"

    @Option(help: "Learning rate (nearest bin) for fixed, periodic and alarm policies.")
    var lr: Double?

    @Option(help: "Batch size (nearest bin) for fixed, periodic and alarm policies.")
    var batch: Int?

    @Option(help: "Seed of the episode.")
    var seed: UInt64 = 0

    @Option(help: "Several seeds, A..B inclusive (overrides --seed); run in parallel.")
    var seeds: String?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let spec = try location.catalog().load(env)
            let seedList = try seeds.map(SeedRange.parse) ?? [seed]
            let summary = try SimulationRun.run(spec: spec, policy: policy, learningRate: lr, batchSize: batch,
                                                seeds: seedList)
            try emit(json ? try SimulationOutput.json(summary) : SimulationOutput.table(summary))
        }
    }
}

/// The logic behind `simulate`, reachable from tests.
public enum SimulationRun {
    /// Runs `policy` on `spec` once per seed (in parallel) with the production learners and detectors.
    public static func run(spec: EnvironmentSpec, policy name: String, learningRate: Double?, batchSize: Int?,
                           seeds: [UInt64]) throws -> EpisodeSummary {
        if let lr = learningRate, !(lr > 0 && lr.isFinite) { throw UserError("--lr \(lr): expected a positive number") }
        if let b = batchSize, b < 1 { throw UserError("--batch \(b): expected a positive integer") }
        let actions = spec.actionBins
        let policy: any TuningPolicy
        if let rule = PolicyName.parse(name, spec: spec, learningRateBin: learningRate.map(actions.nearestLearningRateBin),
                                       batchSizeBin: batchSize.map(actions.nearestBatchSizeBin)) {
            policy = rule
        } else if FileManager.default.fileExists(atPath: name) {
            let schema = spec.loopSettings.observationSchema
            let loaded = try TunedPolicy.load(name, expectingSchema: schema.version, expectingFeatures: schema.names)
            guard loaded.document.actions == actions else {
                throw UserError("--policy \(name): its action bins differ from \(spec.name)'s; the simulator runs a policy in its own environment's bins")
            }
            policy = loaded
        } else {
            throw UserError("--policy \(name): expected one of \(PolicyName.help), or a policy file (no such file)")
        }
        var envs = try VectorizedEnvironment(spec: spec, count: seeds.count, components: .standard)
        let episodes = envs.runEpisodes(policy: policy, seeds: seeds)
        return EpisodeSummary(episodes: episodes, events: spec.drift)
    }
}

/// How `simulate` and `envs compare` print.
public enum SimulationOutput {
    static let bars = Array("▁▂▃▄▅▆▇█")

    /// One block character per value, scaled from the smallest to the largest.
    public static func sparkline(_ values: [Double]) -> String {
        guard let lo = values.min(), let hi = values.max() else { return "" }
        return String(values.map { v in
            bars[hi > lo ? min(bars.count - 1, Int((v - lo) / (hi - lo) * Double(bars.count - 1) + 0.5)) : 0]
        })
    }

    /// Retrain marks under the sparkline: `R` full retrain, `F` fine-tune, lower case when fewer
    /// than half of the seeds did so, `·` none.
    public static func retrainMarks(_ periods: [EpisodeSummary.Period], seeds: Int) -> String {
        String(periods.map { p -> Character in
            let any = p.fullRetrains + p.fineTunes
            if any == 0 { return "·" }
            let full = p.fullRetrains >= p.fineTunes
            return 2 * any >= seeds ? (full ? "R" : "F") : (full ? "r" : "f")
        })
    }

    public static func table(_ s: EpisodeSummary) -> String {
        let n = s.seeds.count
        var out: [String] = []
        let first = s.seeds.first.map(String.init) ?? "-", last = s.seeds.last.map(String.init) ?? "-"
        let seedText = n == 1 ? "seed \(first)" : "seeds \(first)..\(last) (means over \(n))"
        out.append("\(s.environment) · policy \(s.policy) · \(seedText) · metric \(s.metricName)")
        out.append("")
        out.append("period  \(s.metricName.padding(toLength: 8, withPad: " ", startingAt: 0))     retrain     lr        batch  drift")
        let spark = Array(sparkline(s.periods.map(\.metric)))
        for (i, p) in s.periods.enumerated() {
            let retrain: String
            if n == 1 {
                retrain = p.fullRetrains > 0 ? "full" : p.fineTunes > 0 ? "fine-tune" : ""
            } else {
                retrain = p.fullRetrains + p.fineTunes == 0 ? "" : "\(p.fullRetrains + p.fineTunes)/\(n)"
            }
            out.append(String(format: "%6d  %.4f  %@  %@  %-8.3g  %5d  %@", p.period, p.metric, String(spark[i]),
                              retrain.padding(toLength: 10, withPad: " ", startingAt: 0), Double(p.learningRate),
                              p.batchSize, p.activeEvents.joined(separator: ", ")))
        }
        out.append("")
        out.append("metric   " + String(spark))
        out.append("retrains " + retrainMarks(s.periods, seeds: n) + "   (R full retrain, F fine-tune; lower case: under half the seeds)")
        out.append("")
        out.append(String(format: "mean %@ %.4f (periods 1–10 %.4f, last 20 %.4f)", s.metricName, s.meanMetric,
                          s.firstTenMetric, s.lastTwentyMetric))
        if n > 1 {
            out.append("per seed: " + s.seedMeanMetrics.map { String(format: "%.3f", $0) }.joined(separator: " "))
        }
        out.append(String(format: "retrains %.1f · compute %.1f units · reward %.2f", s.meanRetrains, s.meanCompute,
                          s.meanReward))
        if !s.recoveries.isEmpty {
            out.append("recovery (periods until within 2 points of the pre-drift level):")
            for r in s.recoveries {
                let value = r.meanPeriods.map { String(format: "%.1f", $0) } ?? "never"
                let share = n > 1 ? " (\(r.recovered)/\(r.seeds) seeds recovered)" : ""
                out.append("  period \(r.onset) \(r.event): \(value)\(share)")
            }
        }
        for t in s.terminations { out.append("ended early: \(t)") }
        return out.joined(separator: "\n")
    }

    /// Key-sorted snake_case JSON (`SnakeCaseJSON`) of any encodable result.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = SnakeCaseJSON.encoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
