/// Figures of one policy on one environment over one or more seeds: the mean curve, window means,
/// retrains, compute and recovery after each drift onset. What `drifttune simulate` prints.
public struct EpisodeSummary: Sendable, Equatable, Codable {
    /// One period averaged over the seeds.
    public struct Period: Sendable, Equatable, Codable {
        public var period: Int
        public var metric: Double
        public var reward: Double
        public var compute: Double
        /// Seeds that fine-tuned / fully retrained before this period.
        public var fineTunes: Int
        public var fullRetrains: Int
        /// Learning rate and batch size of the first seed (the hand-written policies use one setting).
        public var learningRate: Float
        public var batchSize: Int
        public var activeEvents: [String]
    }

    /// Recovery after one drift onset over the seeds.
    public struct RecoveryFigure: Sendable, Equatable, Codable {
        public var event: String
        public var onset: Int
        /// Mean periods to recover over the seeds that recovered (nil if none did).
        public var meanPeriods: Double?
        public var recovered: Int
        public var seeds: Int
    }

    public var environment: String
    public var policy: String
    public var metricName: String
    public var seeds: [UInt64]
    /// Mean metric over steps (periods 1…), averaged over seeds.
    public var meanMetric: Double
    /// Mean metric of periods 1–10 and of the last 20 periods.
    public var firstTenMetric: Double
    public var lastTwentyMetric: Double
    /// Per seed: mean metric over steps.
    public var seedMeanMetrics: [Double]
    public var meanReward: Double
    public var meanRetrains: Double
    public var meanCompute: Double
    public var periods: [Period]
    public var recoveries: [RecoveryFigure]
    /// Seeds whose episode ended early, and why.
    public var terminations: [String]

    /// Summarizes episodes of one policy on the environment whose drift events are `events`.
    public init(episodes: [EpisodeResult], events: [DriftEvent]) {
        precondition(!episodes.isEmpty, "at least one episode")
        let first = episodes[0]
        environment = first.environment
        policy = first.policy
        metricName = first.metricName
        seeds = episodes.map(\.seed)
        let length = episodes.map { $0.periods.count }.max() ?? 0
        let last = length - 1
        meanMetric = mean(episodes.map(\.meanMetric))
        firstTenMetric = mean(episodes.map { $0.meanMetric(periods: 1..<11) })
        lastTwentyMetric = mean(episodes.map { $0.meanMetric(periods: max(1, last - 19)..<(last + 1)) })
        seedMeanMetrics = episodes.map(\.meanMetric)
        meanReward = mean(episodes.map(\.totalReward))
        meanRetrains = mean(episodes.map { Double($0.retrains) })
        meanCompute = mean(episodes.map(\.compute))
        periods = (0..<length).map { p in
            let rows = episodes.compactMap { p < $0.periods.count ? $0.periods[p] : nil }
            return Period(period: p, metric: mean(rows.map(\.metric)), reward: mean(rows.map(\.reward)),
                          compute: mean(rows.map(\.compute)),
                          fineTunes: rows.filter { $0.retrain == .fineTune }.count,
                          fullRetrains: rows.filter { $0.retrain == .fullRetrain }.count,
                          learningRate: rows.first?.learningRate ?? 0, batchSize: rows.first?.batchSize ?? 0,
                          activeEvents: rows.first?.activeEvents ?? [])
        }
        var figures: [RecoveryFigure] = []
        let perSeed = episodes.map { $0.recoveries(events: events) }
        for (i, r) in (perSeed.first ?? []).enumerated() {
            let all = perSeed.compactMap { i < $0.count ? $0[i] : nil }
            let done = all.compactMap(\.periods)
            figures.append(RecoveryFigure(event: r.event, onset: r.onset,
                                          meanPeriods: done.isEmpty ? nil : mean(done.map(Double.init)),
                                          recovered: done.count, seeds: all.count))
        }
        recoveries = figures
        terminations = episodes.compactMap { e in e.terminationReason.map { "seed \(e.seed): \($0)" } }
    }
}
