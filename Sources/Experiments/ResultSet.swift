/// One tidy row of `summary.csv`.
public struct SummaryRow: Sendable, Equatable {
    public var scenario: String
    public var environment: String
    public var method: String
    public var seed: UInt64
    public var metric: String
    public var value: Double
    /// The agent seed of the run (1-based) when the scenario trains several agents
    /// (`agent_seeds`), nil otherwise: the `training_seed` column of `summary.csv`.
    public var trainingSeed: Int? = nil
}

/// One tidy row of `curves.csv`. Evaluation curves (`metric`, `retrain`, `learning_rate`,
/// `batch_size`) have a seed and one row per period; training curves (`training_reward`) and drift
/// onsets (`drift_onset:EVENT`, method empty) have no seed.
public struct CurveRow: Sendable, Equatable {
    public var scenario: String
    public var environment: String
    public var method: String
    public var seed: UInt64?
    public var curve: String
    public var step: Int
    public var value: Double
}

/// Everything the tables and the report are built from: the two CSVs plus the statistics
/// settings. `drifttune report` rebuilds it from the files alone.
public struct ResultSet: Sendable, Equatable {
    public var scenario: String
    public var summary: [SummaryRow]
    public var curves: [CurveRow]
    public var statistics: StatisticsSettings

    /// Environments, methods and metrics in first-appearance order.
    public var environments: [String] { ordered(summary.map(\.environment)) }
    public var methods: [String] { ordered(summary.map(\.method)) }
    public var metrics: [String] { ordered(summary.map(\.metric)) }

    /// Values of `metric` for `method` on `environment`, by seed.
    public func values(environment: String, method: String, metric: String) -> [(seed: UInt64, value: Double)] {
        summary.filter { $0.environment == environment && $0.method == method && $0.metric == metric }
            .map { ($0.seed, $0.value) }
    }

    /// The runs of `method` on `environment` as a matrix: one row per training seed (one row for a
    /// method trained once or not at all), one column per held-out seed, columns in the same seed
    /// order in every row. Seeds missing from any row are left out, so rows stay paired.
    public func matrix(environment: String, method: String, metric: String) -> (seeds: [UInt64], rows: [[Double]]) {
        var byRun: [Int: [UInt64: Double]] = [:]
        for r in summary where r.environment == environment && r.method == method && r.metric == metric {
            byRun[r.trainingSeed ?? 1, default: [:]][r.seed] = r.value
        }
        let runs = byRun.keys.sorted()
        guard let first = runs.first, let firstRow = byRun[first] else { return ([], []) }
        let seeds = firstRow.keys.filter { s in runs.allSatisfy { byRun[$0]?[s] != nil } }.sorted()
        return (seeds, runs.map { r in seeds.map { byRun[r]?[$0] ?? .nan } })
    }

    /// True when some method has runs from more than one training seed.
    public var hasTrainingSeeds: Bool { summary.contains { ($0.trainingSeed ?? 1) > 1 } }

    private func ordered(_ xs: [String]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for x in xs where seen.insert(x).inserted { out.append(x) }
        return out
    }
}
