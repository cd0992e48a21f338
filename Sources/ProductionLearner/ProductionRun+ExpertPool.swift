import Foundation
import Learners
import PolicyRuntime

/// How `drifttune learn --policy leader` chooses among its experts.
public struct ExpertPoolSettings: Sendable, Equatable {
    /// Weight of the past in each expert's score: after a period, `score = decay × score + metric`.
    /// 0 follows the last period's best; values near 1 follow the best over the whole run.
    public var decay: Double = 0.9

    public init(decay: Double = 0.9) { self.decay = decay }
}

extension ProductionRun {
    /// Follow the leader over static settings: the loop with an expert pool (`ExpertPool`: one
    /// learner per learning-rate × batch-size bin, each learning online at its own setting) under
    /// `LeaderRule`, which serves each period the expert with the best decayed score of past
    /// periods' metric. Period 0 serves the default action's expert. Every expert pays its compute,
    /// which the summary and log count. The log's observation (schema v4), alarms, loss and `metric`
    /// are the served stream's; `expert_metrics` holds every expert's metric, in pool order
    /// (learning rate fastest), null for one that has left.
    public func runExpertPool<Source: RowSource>(_ source: inout Source, pool: ExpertPoolSettings,
                                                 log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        guard pool.decay.isFinite, (0...1).contains(pool.decay) else {
            throw LearnerError.invalidConfiguration(what: "expert pool decay", value: "\(pool.decay)", expected: "0 to 1")
        }
        var run = self
        run.settings.experts = true
        run.settings.expertDecay = pool.decay
        return try run.run(&source, policy: LeaderRule(), log: log)
    }
}
