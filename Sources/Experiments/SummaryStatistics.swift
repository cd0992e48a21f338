/// The numbers `summary.md` and `report.html` share, computed once here so the two pages always
/// agree: each cell's mean with its bootstrap CI and IQM, the best method per column, the agent's
/// paired advantage over the best non-reference baseline, and the headroom rows.
public enum SummaryStatistics {
    /// One cell of the tables: a method's metric over the held-out seeds.
    public struct Cell: Sendable, Equatable {
        public var interval: ConfidenceInterval
        public var interquartileMean: Double
        /// Held-out seeds in the sample.
        public var count: Int
        /// Training seeds (runs per held-out seed): more than 1 for the agent with `agent_seeds`,
        /// whose interval is then the two-level bootstrap over training and held-out seeds.
        public var trainingSeeds: Int = 1
    }

    /// Agent − best non-reference baseline, episode reward, paired by seed.
    public struct AgentComparison: Sendable, Equatable {
        public var baseline: String
        /// Per held-out seed: the agent (mean over its training seeds) − the baseline.
        public var differences: [Double]
        public var interval: ConfidenceInterval
        /// The runs behind the comparison (training seeds × the paired held-out seeds).
        public var agentRuns: TrainingSeedStatistics.Runs = []
        public var baselineRuns: TrainingSeedStatistics.Runs = []
        /// Training seeds of the agent.
        public var trainingSeeds: Int { max(agentRuns.count, 1) }
        /// Seeds both methods ran on.
        public var seeds: Int { differences.count }
        /// "better", "worse" or "not distinguishable".
        public var verdict: String {
            interval.excludesZero ? (interval.estimate > 0 ? "better" : "worse") : "not distinguishable"
        }
    }

    /// One row of the headroom table.
    public struct HeadroomRow: Sendable, Equatable {
        public var environment: String
        public var planner: Double
        public var hindsight: Double
        /// planner − static-hindsight, paired over seeds.
        public var headroom: ConfidenceInterval
        public var seeds: Int
        /// (agent − static-hindsight) / (planner − static-hindsight), when the headroom is positive.
        public var captured: Double?
    }

    /// Mean [CI] and IQM of `metric` for `method` on `env`, with the cell's own bootstrap seed.
    /// With several training seeds the interval is the two-level bootstrap
    /// (`TrainingSeedStatistics`) and the IQM is over every run and seed.
    public static func cell(_ set: ResultSet, env: String, method: String, metric: String) -> Cell {
        let st = set.statistics
        let seed = SummaryMarkdown.seed(set, env, method, metric)
        let runs = set.matrix(environment: env, method: method, metric: metric)
        if runs.rows.count > 1 {
            let ci = TrainingSeedStatistics.interval(strata: [[runs.rows]], resamples: st.resamples, confidence: st.confidence,
                                                     seed: seed) { TrainingSeedStatistics.mean($0[0][0]) }
            return Cell(interval: ci, interquartileMean: TrainingSeedStatistics.interquartileMean(runs.rows),
                        count: runs.seeds.count, trainingSeeds: runs.rows.count)
        }
        let xs = set.values(environment: env, method: method, metric: metric).map(\.value)
        let ci = Bootstrap.mean(xs, resamples: st.resamples, confidence: st.confidence, seed: seed)
        return Cell(interval: ci, interquartileMean: Statistics.interquartileMean(xs), count: xs.count)
    }

    /// Methods with results on `env`, in table order.
    public static func methods(_ set: ResultSet, env: String) -> [String] {
        set.methods.filter { m in set.summary.contains { $0.environment == env && $0.method == m } }
    }

    /// Held-out seeds with results on `env`.
    public static func seedCount(_ set: ResultSet, env: String) -> Int {
        Set(set.summary.filter { $0.environment == env }.map(\.seed)).count
    }

    /// The best non-reference method of each metric in `metrics` (by mean; higher or lower per
    /// `Metric.higherIsBetter`).
    public static func best(_ set: ResultSet, env: String, metrics: [String]) -> [String: String] {
        let candidates = methods(set, env: env).filter { !SummaryMarkdown.isReference($0) }
        var best: [String: String] = [:]
        for metric in metrics {
            let higher = Metric(rawValue: metric)?.higherIsBetter ?? true
            let scored = candidates.map { ($0, Statistics.mean(set.values(environment: env, method: $0, metric: metric).map(\.value))) }
            if let b = (higher ? scored.max { $0.1 < $1.1 } : scored.min { $0.1 < $1.1 }) { best[metric] = b.0 }
        }
        return best
    }

    /// The agent against the best non-reference baseline on `env` (by mean episode reward), or nil
    /// without an agent, a baseline or common seeds.
    public static func agentComparison(_ set: ResultSet, env: String) -> AgentComparison? {
        let methods = methods(set, env: env)
        guard methods.contains("agent") else { return nil }
        let metric = Metric.episodeReward.rawValue
        let baselines = methods.filter { $0 != "agent" && !SummaryMarkdown.isReference($0) }
        guard let bestBaseline = baselines.max(by: {
            Statistics.mean(set.values(environment: env, method: $0, metric: metric).map(\.value))
                < Statistics.mean(set.values(environment: env, method: $1, metric: metric).map(\.value))
        }) else { return nil }
        let st = set.statistics
        let seed = SummaryMarkdown.seed(set, env, "agent-vs", bestBaseline)
        let (agentRuns, baselineRuns) = pairedRuns(set, env: env, "agent", bestBaseline)
        if agentRuns.count > 1 {
            let d = (0..<(agentRuns.first?.count ?? 0)).map { s in
                Statistics.mean(agentRuns.map { $0[s] }) - Statistics.mean(baselineRuns.map { $0[s] })
            }
            guard !d.isEmpty else { return nil }
            let ci = TrainingSeedStatistics.interval(strata: [[agentRuns, baselineRuns]], resamples: st.resamples,
                                                     confidence: st.confidence, seed: seed) {
                TrainingSeedStatistics.meanDifference($0[0][0], $0[0][1])
            }
            return AgentComparison(baseline: bestBaseline, differences: d, interval: ci, agentRuns: agentRuns, baselineRuns: baselineRuns)
        }
        let d = SummaryMarkdown.pairedDifferences(set, env: env, "agent", bestBaseline)
        guard !d.isEmpty else { return nil }
        let ci = Bootstrap.mean(d, resamples: st.resamples, confidence: st.confidence, seed: seed)
        return AgentComparison(baseline: bestBaseline, differences: d, interval: ci, agentRuns: agentRuns, baselineRuns: baselineRuns)
    }

    /// The episode-reward runs of `a` and `b` on `env`, restricted to the held-out seeds both have,
    /// in the same seed order (training seeds × seeds).
    public static func pairedRuns(_ set: ResultSet, env: String, _ a: String, _ b: String,
                                  metric: String = Metric.episodeReward.rawValue)
        -> (TrainingSeedStatistics.Runs, TrainingSeedStatistics.Runs) {
        let x = set.matrix(environment: env, method: a, metric: metric)
        let y = set.matrix(environment: env, method: b, metric: metric)
        let common = Set(x.seeds).intersection(y.seeds)
        func keep(_ m: (seeds: [UInt64], rows: [[Double]])) -> TrainingSeedStatistics.Runs {
            let columns = m.seeds.indices.filter { common.contains(m.seeds[$0]) }
            return m.rows.map { row in columns.map { row[$0] } }
        }
        return (keep(x), keep(y))
    }

    /// The mean over environments of the agent's paired advantage (stratified bootstrap,
    /// environments as strata); nil with fewer than two environments.
    public static func overallAgentAdvantage(_ set: ResultSet, _ comparisons: [AgentComparison]) -> ConfidenceInterval? {
        guard comparisons.count > 1 else { return nil }
        let st = set.statistics
        let seed = SummaryMarkdown.seed(set, "all", "agent-improvement")
        if comparisons.contains(where: { $0.trainingSeeds > 1 }) {
            return TrainingSeedStatistics.interval(strata: comparisons.map { [$0.agentRuns, $0.baselineRuns] }, resamples: st.resamples,
                                                   confidence: st.confidence, seed: seed) { strata in
                Statistics.mean(strata.map { TrainingSeedStatistics.meanDifference($0[0], $0[1]) })
            }
        }
        return Bootstrap.mean(strata: comparisons.map(\.differences), resamples: st.resamples, confidence: st.confidence, seed: seed)
    }

    /// Headroom rows (planner − static-hindsight), or nil without both methods.
    public static func headroom(_ set: ResultSet) -> [HeadroomRow]? {
        let planner = Method.planner.description, hindsight = Method.staticHindsight.description
        guard set.methods.contains(planner), set.methods.contains(hindsight) else { return nil }
        let st = set.statistics
        var rows: [HeadroomRow] = []
        for env in set.environments {
            guard let p = mean(set, env, planner), let h = mean(set, env, hindsight) else { continue }
            let d = SummaryMarkdown.pairedDifferences(set, env: env, planner, hindsight)
            let ci = Bootstrap.mean(d, resamples: st.resamples, confidence: st.confidence,
                                    seed: SummaryMarkdown.seed(set, env, "headroom"))
            var captured: Double? = nil
            if let a = mean(set, env, "agent"), p - h > 0 { captured = (a - h) / (p - h) }
            rows.append(HeadroomRow(environment: env, planner: p, hindsight: h, headroom: ci, seeds: d.count, captured: captured))
        }
        return rows
    }

    /// Mean episode reward of `method` on `env`, nil without runs.
    public static func mean(_ set: ResultSet, _ env: String, _ method: String,
                            metric: String = Metric.episodeReward.rawValue) -> Double? {
        let xs = set.values(environment: env, method: method, metric: metric).map(\.value)
        return xs.isEmpty ? nil : Statistics.mean(xs)
    }
}
