/// The "over training seeds" part of `summary.md`, `report.html` and `training-seeds.csv`, for
/// scenarios that train several agents (`agent_seeds`): computed once here so the three agree.
extension SummaryStatistics {
    /// What the agent's training seeds show on one environment (episode reward).
    public struct TrainingSeedSummary: Sendable {
        public struct Improvement: Sendable {
            public var baseline: String
            public var isReference: Bool
            /// P(agent > baseline) with its two-level bootstrap CI.
            public var probability: ConfidenceInterval
            /// The runs behind it, for the average over environments.
            var agentRuns: TrainingSeedStatistics.Runs
            var baselineRuns: TrainingSeedStatistics.Runs
        }

        public var environment: String
        public var trainingSeeds: Int
        public var heldOutSeeds: Int
        /// Each training seed's mean over the held-out seeds, with a bootstrap CI over those seeds.
        public var perTrainingSeed: [ConfidenceInterval]
        /// Mean and IQM over every run and seed, two-level bootstrap CIs.
        public var mean: ConfidenceInterval
        public var interquartileMean: ConfidenceInterval
        /// Against every other method, in table order.
        public var improvements: [Improvement]
        /// Performance profile: thresholds, and per method (table order) the share of episodes above each.
        public var thresholds: [Double]
        public var profiles: [(method: String, shares: [Double])]
    }

    /// Profile thresholds in tables: these quantiles of every episode reward on the environment.
    public static let profileQuantiles: [Double] = [0.1, 0.25, 0.5, 0.75, 0.9]

    /// The agent's training-seed summary on `env`, nil unless it has runs from several training seeds.
    /// `thresholdCount` thresholds span the rewards from their 10% quantile to the largest (the
    /// report's curve); 0 uses `profileQuantiles`.
    public static func trainingSeeds(_ set: ResultSet, env: String, thresholdCount: Int = 0) -> TrainingSeedSummary? {
        let metric = Metric.episodeReward.rawValue
        let agent = set.matrix(environment: env, method: "agent", metric: metric)
        guard agent.rows.count > 1 else { return nil }
        let st = set.statistics
        let perSeed = agent.rows.enumerated().map { k, row in
            Bootstrap.mean(row, resamples: st.resamples, confidence: st.confidence,
                           seed: SummaryMarkdown.seed(set, env, "agent-seed", "\(k + 1)"))
        }
        let mean = TrainingSeedStatistics.interval(strata: [[agent.rows]], resamples: st.resamples, confidence: st.confidence,
                                                   seed: SummaryMarkdown.seed(set, env, "agent", metric)) {
            TrainingSeedStatistics.mean($0[0][0])
        }
        let iqm = TrainingSeedStatistics.interval(strata: [[agent.rows]], resamples: st.resamples, confidence: st.confidence,
                                                  seed: SummaryMarkdown.seed(set, env, "agent", "iqm")) {
            TrainingSeedStatistics.interquartileMean($0[0][0])
        }
        let others = methods(set, env: env).filter { $0 != "agent" }
        var improvements: [TrainingSeedSummary.Improvement] = []
        for b in others {
            let (a, y) = pairedRuns(set, env: env, "agent", b)
            guard a.first?.isEmpty == false, !y.isEmpty else { continue }
            let p = TrainingSeedStatistics.interval(strata: [[a, y]], resamples: st.resamples, confidence: st.confidence,
                                                    seed: SummaryMarkdown.seed(set, env, "improvement", b)) {
                TrainingSeedStatistics.probabilityOfImprovement($0[0][0], over: $0[0][1])
            }
            improvements.append(.init(baseline: b, isReference: SummaryMarkdown.isReference(b), probability: p,
                                      agentRuns: a, baselineRuns: y))
        }
        let all = methods(set, env: env).map { set.matrix(environment: env, method: $0, metric: metric) }
        let rewards = all.flatMap { $0.rows.flatMap { $0 } }
        // The curve spans the rewards from their 10% quantile up, so one far-off method (the frozen
        // learner) does not squeeze the others into a sliver; below the range its share is 0.
        let low = Statistics.quantile(rewards, profileQuantiles[0])
        let thresholds = thresholdCount > 1
            ? TrainingSeedStatistics.thresholds(spanning: rewards.filter { $0 >= low }, count: thresholdCount)
            : profileQuantiles.map { Statistics.quantile(rewards, $0) }
        let profiles = zip(methods(set, env: env), all).map { ($0, TrainingSeedStatistics.profile($1.rows, thresholds: thresholds)) }
        return TrainingSeedSummary(environment: env, trainingSeeds: agent.rows.count, heldOutSeeds: agent.seeds.count,
                                   perTrainingSeed: perSeed, mean: mean, interquartileMean: iqm, improvements: improvements,
                                   thresholds: thresholds, profiles: profiles)
    }

    /// P(agent > baseline) averaged over environments (stratified two-level bootstrap, environments
    /// as strata), for every baseline present in all of `summaries`; empty with fewer than two.
    public static func overallImprovement(_ set: ResultSet, _ summaries: [TrainingSeedSummary])
        -> [(baseline: String, isReference: Bool, probability: ConfidenceInterval)] {
        guard summaries.count > 1, let first = summaries.first else { return [] }
        let st = set.statistics
        return first.improvements.compactMap { i in
            let strata = summaries.compactMap { s in s.improvements.first { $0.baseline == i.baseline } }
            guard strata.count == summaries.count else { return nil }
            let ci = TrainingSeedStatistics.interval(strata: strata.map { [$0.agentRuns, $0.baselineRuns] }, resamples: st.resamples,
                                                     confidence: st.confidence, seed: SummaryMarkdown.seed(set, "all", "improvement", i.baseline)) {
                Statistics.mean($0.map { TrainingSeedStatistics.probabilityOfImprovement($0[0], over: $0[1]) })
            }
            return (i.baseline, i.isReference, ci)
        }
    }
}
