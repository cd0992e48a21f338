import Linalg

/// Orthogonal weight initialization as PyTorch's `nn.init.orthogonal_` (which CleanRL uses):
/// a Gaussian matrix orthonormalized by QR, signs fixed by R's diagonal, times `gain`.
enum OrthogonalInitialization {
    /// A `rows × cols` row-major matrix with orthonormal rows (rows ≤ cols) or orthonormal columns
    /// (rows > cols), scaled by `gain`.
    static func matrix(rows: Int, cols: Int, gain: Double, rng: inout RandomSource) -> [Float] {
        let tall = max(rows, cols), narrow = min(rows, cols)
        // Columns of a tall × narrow Gaussian matrix, orthonormalized by modified Gram–Schmidt.
        var q = [[Double]](repeating: [], count: narrow)
        for j in 0..<narrow {
            var v = (0..<tall).map { _ in rng.nextGaussian() }
            for i in 0..<j {
                var d = 0.0
                for k in 0..<tall { d += q[i][k] * v[k] }
                for k in 0..<tall { v[k] -= d * q[i][k] }
            }
            var norm = 0.0
            for k in 0..<tall { norm += v[k] * v[k] }
            norm = norm.squareRoot()
            // MGS gives R's diagonal positive, which is the sign convention of orthogonal_.
            q[j] = v.map { $0 / max(norm, 1e-12) }
        }
        var out = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                let value = rows >= cols ? q[c][r] : q[r][c]
                out[r * cols + c] = Float(gain * value)
            }
        }
        return out
    }
}
