import Linalg
import Testing
@testable import Experiments

@Test func bootstrapIsSeededAndBracketsTheMean() {
    let xs = [0.81, 0.84, 0.86, 0.80, 0.90, 0.83, 0.85, 0.88]
    let a = Bootstrap.mean(xs, resamples: 2000, confidence: 0.95, seed: 3)
    let b = Bootstrap.mean(xs, resamples: 2000, confidence: 0.95, seed: 3)
    #expect(a == b)
    #expect(a.lower < a.estimate && a.estimate < a.upper)
    #expect(abs(a.estimate - Statistics.mean(xs)) < 1e-15)
    // A single value or constant sample has a zero-width interval.
    #expect(Bootstrap.mean([2], resamples: 100, confidence: 0.95, seed: 1) == ConfidenceInterval(estimate: 2, lower: 2, upper: 2))
    let constant = Bootstrap.mean([1, 1, 1], resamples: 100, confidence: 0.95, seed: 1)
    #expect(constant.lower == 1 && constant.upper == 1)
}

/// Coverage sanity: for normal samples of 30, the 95% percentile-bootstrap interval of the mean
/// should cover the true mean in roughly 95% of repetitions (the percentile bootstrap
/// under-covers a little at small n; 88–99% is the sane band for 300 repetitions).
@Test func bootstrapCoverageIsNearNominal() {
    var rng = RandomSource(seed: 11)
    var covered = 0
    let reps = 300
    for r in 0..<reps {
        let xs = (0..<30).map { _ in 5 + 2 * rng.nextGaussian() }
        let ci = Bootstrap.mean(xs, resamples: 400, confidence: 0.95, seed: UInt64(r))
        if ci.lower <= 5 && 5 <= ci.upper { covered += 1 }
    }
    let rate = Double(covered) / Double(reps)
    #expect(rate > 0.88 && rate < 0.99, "coverage \(rate)")
}

@Test func stratifiedBootstrapKeepsStrataWeights() {
    // Two strata with very different sizes: the estimate is the mean of the stratum means.
    let ci = Bootstrap.mean(strata: [[0, 0, 0, 0, 0, 0, 0, 0.2], [10]], resamples: 500, confidence: 0.95, seed: 5)
    #expect(abs(ci.estimate - 5.0125) < 1e-12)
    // The single-value stratum never varies, so the interval stays within 5 ± 0.1.
    #expect(ci.lower >= 5 && ci.upper <= 5.1)
}

@Test func unpairedDifferenceCoversTheShift() {
    let a = [1.0, 1.2, 0.9, 1.1, 1.0]
    let b = a.map { $0 + 1 }
    let ci = Bootstrap.difference(b, a, resamples: 1000, confidence: 0.95, seed: 2)
    #expect(abs(ci.estimate - 1) < 1e-12)
    #expect(ci.lower < 1 && ci.upper > 1 && ci.excludesZero)
}
