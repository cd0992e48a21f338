import PolicyGradient
import Testing
import Linalg

@Test func normalizerMergesBatchesLikeOnePass() {
    var rng = RandomSource(seed: 3)
    let rows = 50, d = 3
    let data = (0..<(rows * d)).map { i in Float(rng.nextGaussian() * Double(1 + i % d) + Double(i % d) * 5) }
    var once = ObservationNormalizer(size: d)
    once.update(data, rows: rows)
    var pieces = ObservationNormalizer(size: d)
    pieces.update(Array(data[0..<(20 * d)]), rows: 20)
    pieces.update(Array(data[(20 * d)...]), rows: 30)
    for j in 0..<d {
        #expect(abs(once.mean[j] - pieces.mean[j]) < 1e-9)
        #expect(abs(once.variance[j] - pieces.variance[j]) < 1e-9)
        // Against the direct formula (the 1e-4 prior count is negligible here).
        let column = (0..<rows).map { Double(data[$0 * d + j]) }
        let mean = column.reduce(0, +) / Double(rows)
        let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows)
        #expect(abs(once.mean[j] - mean) < 1e-4 * max(1, abs(mean)))
        #expect(abs(once.variance[j] - variance) < 1e-4 * variance)
    }
}

@Test func normalizerStandardizesAndClips() {
    var norm = ObservationNormalizer(size: 2, clip: 3)
    norm.update([0, 1, 2, 3, 4, 5], rows: 3)
    let out = norm.normalized([2, 3, 100, -100], rows: 2)
    #expect(abs(out[0]) < 1e-3)
    #expect(out[2] == 3)
    #expect(abs(out[1]) < 1e-3)
    #expect(out[3] == -3)
}
