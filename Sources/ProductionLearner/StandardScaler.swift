/// Online feature standardization with River's `preprocessing.StandardScaler` semantics: per
/// feature a running mean and population variance (Welford's update, in `Double`); `transform`
/// maps `x` to `(x − mean) / √variance`, or to 0 while the variance is 0; without `withStd`, to
/// `x − mean`. `learn` updates the statistics, `transform` never does: as in a River pipeline, the
/// loop transforms a sample for prediction before learning it, and for training after.
///
///     var s = StandardScaler(featureCount: 2)
///     s.learn(x, rows: 1); s.transform(x, rows: 1, into: z)
public struct StandardScaler: Sendable, Equatable {
    public let featureCount: Int
    public let withStd: Bool
    public private(set) var count = 0
    public private(set) var mean: [Double]
    public private(set) var variance: [Double]
    private var inverseStd: [Double]  // 1/√variance (0 where the variance is 0; 1 without `withStd`), kept by `learn`

    public init(featureCount: Int, withStd: Bool = true) {
        self.featureCount = featureCount
        self.withStd = withStd
        mean = [Double](repeating: 0, count: featureCount)
        variance = [Double](repeating: 0, count: featureCount)
        inverseStd = [Double](repeating: withStd ? 0 : 1, count: featureCount)
    }

    /// Updates the statistics with `rows` samples (row-major), one after another.
    public mutating func learn(_ x: UnsafePointer<Float>, rows: Int) {
        let f = featureCount
        guard rows > 0, f > 0 else { return }
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                var n = count
                for r in 0..<rows {
                    n += 1
                    let inv = 1 / Double(n)
                    let row = x + r * f
                    for j in 0..<f {
                        let xi = Double(row[j]), old = m[j]
                        m[j] = old + (xi - old) * inv
                        v[j] += ((xi - old) * (xi - m[j]) - v[j]) * inv
                    }
                }
                count = n
            }
        }
        if withStd {
            for j in 0..<f { inverseStd[j] = variance[j] > 0 ? 1 / variance[j].squareRoot() : 0 }
        }
    }

    /// Writes the standardized `rows` samples to `z` (may equal `x`).
    public func transform(_ x: UnsafePointer<Float>, rows: Int, into z: UnsafeMutablePointer<Float>) {
        let f = featureCount
        guard f > 0 else { return }
        mean.withUnsafeBufferPointer { m in
            inverseStd.withUnsafeBufferPointer { s in
                for r in 0..<rows {
                    let base = r * f
                    for j in 0..<f { z[base + j] = Float((Double(x[base + j]) - m[j]) * s[j]) }
                }
            }
        }
    }
}
