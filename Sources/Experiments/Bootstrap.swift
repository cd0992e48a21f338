import Linalg

/// A confidence interval around a point estimate.
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double

    /// True when the interval lies strictly above or strictly below zero.
    public var excludesZero: Bool { lower > 0 || upper < 0 }
}

/// Percentile bootstrap confidence intervals, seeded so tables are reproducible.
///
/// *Stratified*: each resample draws, within every stratum (an environment, say), as many values
/// with replacement as the stratum holds, so every stratum keeps its weight. With one stratum this
/// is the ordinary bootstrap.
///
///     let ci = Bootstrap.mean(strata: [[0.9, 0.8, 0.85]], resamples: 2000, confidence: 0.95, seed: 1)
public enum Bootstrap {
    /// CI of the mean of the per-stratum means.
    public static func mean(strata: [[Double]], resamples: Int, confidence: Double, seed: UInt64) -> ConfidenceInterval {
        let strata = strata.filter { !$0.isEmpty }
        let estimate = Statistics.mean(strata.map(Statistics.mean))
        guard !strata.isEmpty, strata.contains(where: { $0.count > 1 }) else {
            return ConfidenceInterval(estimate: estimate, lower: estimate, upper: estimate)
        }
        var rng = RandomSource(seed: seed)
        var stats = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var total = 0.0
            for s in strata {
                var sum = 0.0
                for _ in 0..<s.count { sum += s[rng.nextInt(below: s.count)] }
                total += sum / Double(s.count)
            }
            stats[r] = total / Double(strata.count)
        }
        let alpha = (1 - confidence) / 2
        return ConfidenceInterval(estimate: estimate, lower: Statistics.quantile(stats, alpha),
                                  upper: Statistics.quantile(stats, 1 - alpha))
    }

    /// CI of the mean of one sample.
    public static func mean(_ xs: [Double], resamples: Int, confidence: Double, seed: UInt64) -> ConfidenceInterval {
        mean(strata: [xs], resamples: resamples, confidence: confidence, seed: seed)
    }

    /// CI of `mean(a) − mean(b)` for independent samples (each resampled on its own).
    public static func difference(_ a: [Double], _ b: [Double], resamples: Int, confidence: Double,
                                  seed: UInt64) -> ConfidenceInterval {
        let estimate = Statistics.mean(a) - Statistics.mean(b)
        guard a.count > 1 || b.count > 1, !a.isEmpty, !b.isEmpty else {
            return ConfidenceInterval(estimate: estimate, lower: estimate, upper: estimate)
        }
        var rng = RandomSource(seed: seed)
        var stats = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sa = 0.0, sb = 0.0
            for _ in 0..<a.count { sa += a[rng.nextInt(below: a.count)] }
            for _ in 0..<b.count { sb += b[rng.nextInt(below: b.count)] }
            stats[r] = sa / Double(a.count) - sb / Double(b.count)
        }
        let alpha = (1 - confidence) / 2
        return ConfidenceInterval(estimate: estimate, lower: Statistics.quantile(stats, alpha),
                                  upper: Statistics.quantile(stats, 1 - alpha))
    }
}
