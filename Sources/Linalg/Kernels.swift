import Foundation

/// Element-wise and row-wise kernels the learners and the agent need, on contiguous `Float` buffers.
///
/// Loops are written so the compiler can vectorize them; none allocates.
public enum Kernels {
    /// Numerically stable logistic function.
    @inlinable
    public static func sigmoid(_ z: Float) -> Float {
        if z >= 0 {
            return 1 / (1 + expf(-z))
        }
        let e = expf(z)
        return e / (1 + e)
    }

    /// Replaces each of `rows` rows of width `cols` by its softmax (max-subtracted for stability).
    @inlinable
    public static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let row = x + r * cols
            var m = -Float.infinity
            for c in 0..<cols where row[c] > m { m = row[c] }
            var s: Float = 0
            for c in 0..<cols {
                let e = expf(row[c] - m)
                row[c] = e
                s += e
            }
            let inv = 1 / s
            for c in 0..<cols { row[c] *= inv }
        }
    }

    /// Adds `bias` (length `cols`) to each of `rows` rows.
    @inlinable
    public static func addRowVector(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, _ bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { row[c] += bias[c] }
        }
    }

    /// `out[c] = scale * Σ_r x[r, c]` — the bias gradient of a batch.
    @inlinable
    public static func columnSums(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, scale: Float = 1, into out: UnsafeMutablePointer<Float>
    ) {
        for c in 0..<cols { out[c] = 0 }
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { out[c] += row[c] }
        }
        if scale != 1 { for c in 0..<cols { out[c] *= scale } }
    }

    /// `x[i] = max(0, x[i])`.
    @inlinable
    public static func reluInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { x[i] = max(0, x[i]) }
    }

    /// `grad[i] *= (activation[i] > 0 ? 1 : 0)` — backward through ReLU given its output.
    @inlinable
    public static func reluBackward(_ grad: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n where activation[i] <= 0 { grad[i] = 0 }
    }

    /// `x[i] = tanh(x[i])`.
    @inlinable
    public static func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { x[i] = tanhf(x[i]) }
    }

    /// `grad[i] *= 1 - activation[i]²` — backward through tanh given its output.
    @inlinable
    public static func tanhBackward(_ grad: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { grad[i] *= 1 - activation[i] * activation[i] }
    }

    /// True when all `n` elements are finite.
    @inlinable
    public static func allFinite(_ x: UnsafePointer<Float>, count n: Int) -> Bool {
        // Summing x*0 turns any NaN/inf into NaN; one branch at the end instead of one per element.
        var acc: Float = 0
        for i in 0..<n { acc += x[i] * 0 }
        return acc == 0
    }

    /// True when all elements of `x` are finite.
    public static func allFinite(_ x: [Float]) -> Bool {
        x.withUnsafeBufferPointer { allFinite($0.baseAddress!, count: $0.count) }
    }

    /// Index of the largest of `n` elements (first on ties).
    @inlinable
    public static func argmax(_ x: UnsafePointer<Float>, count n: Int) -> Int {
        var best = 0
        for i in 1..<max(n, 1) where x[i] > x[best] { best = i }
        return best
    }
}
