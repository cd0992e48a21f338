import Foundation
import PolicyRuntime
import Simulation

/// A trained policy against hand-written baselines on the same held-out episodes: the best fixed
/// configuration among the environment's default grid (`FixedSettingsTable.grid()` plus the spec's
/// own learning rate and batch size, with and without periodic retraining), and retrain-on-ADWIN.
/// Rewards are episode totals; intervals are 95% Student-t, and the paired interval of the
/// agent's advantage uses that every method plays the same seeds.
public struct BaselineComparison: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var method: String
        public var rewards: [Double]
        public var interval: ConfidenceInterval
        /// 95% interval of (agent − this method) per seed; nil for the agent's own row.
        public var agentAdvantage: ConfidenceInterval?

        enum CodingKeys: String, CodingKey {
            case method, rewards, interval
            case agentAdvantage = "agent_advantage"
        }
    }

    public var environment: String
    public var seeds: [UInt64]
    /// Agent first, then the best fixed configuration, then ADWIN.
    public var rows: [Row]
    /// Mean reward of every fixed configuration tried (label → mean over the seeds).
    public var fixedCandidates: [String: Double]

    enum CodingKeys: String, CodingKey {
        case environment, seeds, rows
        case fixedCandidates = "fixed_candidates"
    }

    /// Plays every baseline on `seeds` and compares with `agentRewards` (episode totals on the same
    /// seeds, in order). Baselines run in parallel across cores.
    public static func run(environment: TuningEnvironment, seeds: [UInt64], agentRewards: [Double]) -> BaselineComparison {
        precondition(agentRewards.count == seeds.count, "one agent reward per seed")
        let actions = environment.actions
        var settings = FixedSettingsTable.grid().filter {
            $0.learningRateBin < actions.learningRates.count && $0.batchSizeBin < actions.batchSizes.count
        }
        let d = environment.defaultAction
        for k in [0, 5] where !settings.contains(FixedSetting(learningRateBin: d.learningRateBin, batchSizeBin: d.batchSizeBin, retrainEvery: k)) {
            settings.append(FixedSetting(learningRateBin: d.learningRateBin, batchSizeBin: d.batchSizeBin, retrainEvery: k))
        }
        let policies: [any TuningPolicy] = settings.map(\.policy) + [AlarmRetrainPolicy(signal: .adwin)]
        let jobs = policies.indices.flatMap { p in seeds.map { (p, $0) } }
        var runner = VectorizedEnvironment(environments: Array(repeating: environment, count: jobs.count))
        let totals = runner.map { env, i -> Double in
            env.runEpisode(policy: policies[jobs[i].0], seed: jobs[i].1).totalReward
        }
        func rewards(_ p: Int) -> [Double] { (0..<seeds.count).map { totals[p * seeds.count + $0] } }
        var candidates: [String: Double] = [:]
        for (i, s) in settings.enumerated() { candidates[s.label(actions)] = ConfidenceInterval.studentT(rewards(i)).estimate }
        let best = settings.indices.max { ConfidenceInterval.studentT(rewards($0)).estimate < ConfidenceInterval.studentT(rewards($1)).estimate }!
        func row(_ name: String, _ r: [Double]) -> Row {
            Row(method: name, rewards: r, interval: .studentT(r),
                agentAdvantage: .studentT(zip(agentRewards, r).map { $0 - $1 }))
        }
        var agent = row("agent", agentRewards)
        agent.agentAdvantage = nil
        return BaselineComparison(
            environment: environment.spec.name, seeds: seeds,
            rows: [agent, row("best fixed (\(settings[best].label(actions)))", rewards(best)),
                   row("retrain on ADWIN", rewards(settings.count))],
            fixedCandidates: candidates)
    }

    /// A Markdown table: mean episode reward [95% CI], and the agent's paired advantage [95% CI].
    public func markdown() -> String {
        var lines = ["| method | mean episode reward [95% CI] | agent − method [95% CI] |", "|---|---:|---:|"]
        for r in rows {
            let i = r.interval
            let adv = r.agentAdvantage.map { String(format: "%+.3f [%+.3f, %+.3f]", $0.estimate, $0.lower, $0.upper) } ?? "–"
            lines.append(String(format: "| %@ | %.3f [%.3f, %.3f] | %@ |", r.method, i.estimate, i.lower, i.upper, adv))
        }
        return lines.joined(separator: "\n")
    }
}
