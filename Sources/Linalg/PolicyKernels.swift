/// Kernels the policy-gradient agent needs beyond `Kernels`: a vectorizable tanh, log-softmax and
/// bias-add fused with activation.
///
/// Like `Kernels`, every loop works on contiguous `Float` buffers and none allocates.
public enum PolicyKernels {
    /// `x[i] = tanh(x[i])` through a clamped 13/6 rational approximation (Eigen's fast tanh,
    /// a few ulp from `tanhf`), branch-free so the loop vectorizes — `tanhf` in a loop is the
    /// slowest part of an MLP forward pass otherwise.
    @inlinable
    public static func fastTanhInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { x[i] = fastTanh(x[i]) }
    }

    /// Scalar form of `fastTanhInPlace`.
    @inlinable
    public static func fastTanh(_ value: Float) -> Float {
        let clamp: Float = 7.90531110763549805
        let x = min(max(value, -clamp), clamp)
        let x2 = x * x
        var p: Float = -2.76076847742355e-16
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 - 8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * x
        var q: Float = 1.19825839466702e-06
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        let r = p / q
        return abs(value) < 0.0004 ? value : r
    }

    /// Adds `bias` to each of `rows` rows of width `cols`, then applies tanh (`fastTanh`).
    @inlinable
    public static func addBiasTanh(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, _ bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { row[c] = fastTanh(row[c] + bias[c]) }
        }
    }

    /// Adds `bias` to each of `rows` rows of width `cols`, then applies ReLU.
    @inlinable
    public static func addBiasRelu(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, _ bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { row[c] = max(0, row[c] + bias[c]) }
        }
    }

    /// Log-softmax of a segment of `width` logits at column `offset` in each of `rows` rows of
    /// stride `stride`: writes log-probabilities to `logProbs` and probabilities to `probs`
    /// (both laid out like `logits`).
    @inlinable
    public static func logSoftmaxSegments(
        _ logits: UnsafePointer<Float>, rows: Int, stride: Int, offset: Int, width: Int,
        logProbs: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let z = logits + r * stride + offset
            let lp = logProbs + r * stride + offset
            let p = probs + r * stride + offset
            var m = -Float.infinity
            for c in 0..<width where z[c] > m { m = z[c] }
            var s: Float = 0
            for c in 0..<width {
                let e = expf(z[c] - m)
                p[c] = e
                s += e
            }
            let logS = logf(s)
            let inv = 1 / s
            for c in 0..<width {
                lp[c] = z[c] - m - logS
                p[c] *= inv
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
