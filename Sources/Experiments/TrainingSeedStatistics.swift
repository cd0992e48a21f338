import Linalg

/// Statistics over training seeds and held-out seeds together, for scenarios that train several
/// agents (`agent_seeds`), after rliable's practice (Agarwal et al., "Deep RL at the edge of the
/// statistical precipice", 2021): the mean and the interquartile mean (IQM) with stratified
/// bootstrap CIs, the probability of improvement, and performance profiles.
///
/// A method's runs on one environment form a matrix: a row per training seed (one row for a
/// method trained once or not at all), a column per held-out seed. The *two-level* bootstrap
/// draws, in every resample and every stratum (environment), the held-out seeds with replacement
/// once for all methods — so comparisons stay paired by seed — and each method's training seeds
/// with replacement on their own, so the interval carries both sources of variation. With one
/// training seed it is the ordinary paired bootstrap over held-out seeds.
///
///     let ci = TrainingSeedStatistics.interval(strata: [[agent, baseline]], resamples: 2000, confidence: 0.95, seed: 7) {
///         TrainingSeedStatistics.probabilityOfImprovement($0[0][0], over: $0[0][1])
///     }
public enum TrainingSeedStatistics {
    /// Rows (training seeds) × columns (held-out seeds).
    public typealias Runs = [[Double]]

    /// Percentile CI of `statistic`, computed on `strata` (strata × methods × runs) and on its
    /// two-level resamples. Every method of a stratum must have the same number of columns.
    public static func interval(strata: [[Runs]], resamples: Int, confidence: Double, seed: UInt64,
                                statistic: ([[Runs]]) -> Double) -> ConfidenceInterval {
        let estimate = statistic(strata)
        let varies = strata.contains { methods in
            methods.contains { $0.count > 1 } || (methods.first?.first?.count ?? 0) > 1
        }
        guard varies, resamples > 0 else { return ConfidenceInterval(estimate: estimate, lower: estimate, upper: estimate) }
        var rng = RandomSource(seed: seed)
        var stats = [Double](repeating: 0, count: resamples)
        var drawn = strata
        for r in 0..<resamples {
            for (s, methods) in strata.enumerated() {
                let columns = methods.first?.first?.count ?? 0
                let picks = (0..<columns).map { _ in rng.nextInt(below: columns) }
                for (m, runs) in methods.enumerated() {
                    drawn[s][m] = (0..<runs.count).map { _ in
                        let row = runs[rng.nextInt(below: runs.count)]
                        return picks.map { row[$0] }
                    }
                }
            }
            stats[r] = statistic(drawn)
        }
        let alpha = (1 - confidence) / 2
        return ConfidenceInterval(estimate: estimate, lower: Statistics.quantile(stats, alpha),
                                  upper: Statistics.quantile(stats, 1 - alpha))
    }

    /// Mean over every run and seed.
    public static func mean(_ runs: Runs) -> Double { Statistics.mean(runs.flatMap { $0 }) }

    /// Interquartile mean over every run and seed: the mean of the middle 50%, robust to a few
    /// failed training runs and easier to estimate than the median.
    public static func interquartileMean(_ runs: Runs) -> Double { Statistics.interquartileMean(runs.flatMap { $0 }) }

    /// mean(a) − mean(b), where `b` is paired with `a` by column.
    public static func meanDifference(_ a: Runs, _ b: Runs) -> Double { mean(a) - mean(b) }

    /// P(X > Y): the chance that a run of `a` on a held-out seed beats a run of `b` on the same
    /// seed (ties count one half), over every pair of training runs and every seed. 0.5 means
    /// neither is ahead; it is scale-free, so it averages across environments.
    public static func probabilityOfImprovement(_ a: Runs, over b: Runs) -> Double {
        guard let columns = a.first?.count, columns > 0, !b.isEmpty else { return .nan }
        var wins = 0.0, pairs = 0.0
        for x in a {
            for y in b {
                for s in 0..<columns {
                    wins += x[s] > y[s] ? 1 : x[s] == y[s] ? 0.5 : 0
                    pairs += 1
                }
            }
        }
        return wins / pairs
    }

    /// A performance profile: for each threshold τ, the share of a method's episodes (every run,
    /// every seed) whose value exceeds τ.
    public static func profile(_ runs: Runs, thresholds: [Double]) -> [Double] {
        let values = runs.flatMap { $0 }
        guard !values.isEmpty else { return thresholds.map { _ in .nan } }
        return thresholds.map { t in Double(values.filter { $0 > t }.count) / Double(values.count) }
    }

    /// `count` thresholds evenly spaced over the range of `values` (a profile's x axis).
    public static func thresholds(spanning values: [Double], count: Int) -> [Double] {
        guard let lo = values.min(), let hi = values.max(), count > 1 else { return values.min().map { [$0] } ?? [] }
        return (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
    }
}
