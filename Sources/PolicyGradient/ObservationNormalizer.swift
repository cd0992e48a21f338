/// Running mean and variance of observations (Welford / Chan et al. batch merge, in `Double`),
/// used to feed the network `clip((x − μ) / sqrt(σ² + ε), −c, c)`.
///
/// The statistics are part of the policy: they are saved in checkpoints and must be applied,
/// frozen, wherever the policy acts.
///
///     var norm = ObservationNormalizer(size: 4)
///     norm.update(batch: obs, rows: 8)       // statistics now include 8 observations
///     norm.normalize(&obs, rows: 8)          // in place
public struct ObservationNormalizer: Codable, Sendable, Equatable {
    public private(set) var mean: [Double]
    /// Population variance (M2 / count).
    public private(set) var variance: [Double]
    /// Observations seen so far. Starts at ε like Gymnasium's `RunningMeanStd` so the first
    /// update is well defined.
    public private(set) var count: Double
    public var epsilon: Double
    /// Normalized values are clipped to `[-clip, clip]`.
    public var clip: Float

    public init(size: Int, clip: Float = 10, epsilon: Double = 1e-8) {
        mean = [Double](repeating: 0, count: size)
        variance = [Double](repeating: 1, count: size)
        count = 1e-4
        self.clip = clip
        self.epsilon = epsilon
    }

    public var size: Int { mean.count }

    /// Merges the statistics of `rows` observations stored row-major in `batch`.
    public mutating func update(batch: UnsafePointer<Float>, rows: Int) {
        guard rows > 0 else { return }
        let d = size
        let n = Double(rows)
        for j in 0..<d {
            var s = 0.0
            for r in 0..<rows { s += Double(batch[r * d + j]) }
            let batchMean = s / n
            var m2 = 0.0
            for r in 0..<rows {
                let e = Double(batch[r * d + j]) - batchMean
                m2 += e * e
            }
            let delta = batchMean - mean[j]
            let total = count + n
            mean[j] += delta * n / total
            let combined = variance[j] * count + m2 + delta * delta * count * n / total
            variance[j] = combined / total
        }
        count += n
    }

    /// Convenience form of `update(batch:rows:)` for arrays.
    public mutating func update(_ batch: [Float], rows: Int) {
        precondition(batch.count == rows * size, "normalizer batch has \(batch.count) values, expected \(rows * size)")
        batch.withUnsafeBufferPointer { update(batch: $0.baseAddress!, rows: rows) }
    }

    /// Normalizes `rows` observations in place with the current (frozen) statistics.
    public func normalize(_ batch: UnsafeMutablePointer<Float>, rows: Int) {
        let d = size
        var scale = [Float](repeating: 0, count: d)
        var shift = [Float](repeating: 0, count: d)
        for j in 0..<d {
            let s = 1 / (variance[j] + epsilon).squareRoot()
            scale[j] = Float(s)
            shift[j] = Float(-mean[j] * s)
        }
        for r in 0..<rows {
            let row = batch + r * d
            for j in 0..<d { row[j] = min(max(row[j] * scale[j] + shift[j], -clip), clip) }
        }
    }

    /// Normalizes an array of `rows` observations and returns it.
    public func normalized(_ batch: [Float], rows: Int = 1) -> [Float] {
        var out = batch
        out.withUnsafeMutableBufferPointer { normalize($0.baseAddress!, rows: rows) }
        return out
    }
}
