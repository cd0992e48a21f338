import Foundation

/// Kernels the production learners need beyond `Kernels`: losses, optimizer updates and the
/// factorization-machine reductions. Contiguous `Float` buffers; none allocates.
extension Kernels {
    /// `log(1 + exp(z))` without overflow.
    @inlinable
    public static func softplus(_ z: Float) -> Float {
        max(z, 0) + log1pf(expf(-abs(z)))
    }

    /// Binary cross-entropy of logits: `out` gets the mean loss, `logits[i]` is replaced by
    /// `scale * (sigmoid(logit) - y)` — the gradient of the mean loss with respect to the logit
    /// when `scale = 1/rows`. Labels are 0/1 (anything positive counts as 1).
    @inlinable
    public static func binaryCrossEntropyBackward(
        _ logits: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, count n: Int, scale: Float
    ) -> Float {
        var loss: Float = 0
        for i in 0..<n {
            let z = logits[i]
            let y: Float = labels[i] > 0 ? 1 : 0
            // `softplus` and `sigmoid` both start from exp(−|z|): computed once, the same bits.
            let e = expf(-abs(z))
            loss += max(z, 0) + log1pf(e) - y * z
            logits[i] = logitGradient(z, expMinusAbs: e, label: y, scale: scale)
        }
        return loss / Float(max(n, 1))
    }

    /// `scale · (sigmoid(z) − y)` from `e = exp(−|z|)`: `Kernels.sigmoid`'s bits.
    @inlinable @inline(__always)
    static func logitGradient(_ z: Float, expMinusAbs e: Float, label y: Float, scale: Float) -> Float {
        scale * ((z >= 0 ? 1 : e) / (1 + e) - y)
    }

    /// The largest logit magnitude for which `binaryCrossEntropyGradient` skips the loss: each
    /// sample's loss is then at most `2·10³⁰ + ln 2`, so its sum over fewer than `boundedRows`
    /// samples (and the mean) stays finite in `Float`.
    public static let boundedLogit: Float = 1e30
    /// The most samples whose loss `binaryCrossEntropyGradient` may skip (`boundedLogit`).
    public static let boundedRows = 100_000_000

    /// `binaryCrossEntropyBackward` for an update that needs the loss only to know it is finite:
    /// the same gradient in `logits`; nil (the loss not computed) when every logit is within
    /// `boundedLogit`, so that the loss is finite; otherwise the mean loss, computed.
    @inlinable
    public static func binaryCrossEntropyGradient(
        _ logits: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, count n: Int, scale: Float
    ) -> Float? {
        var unbounded = n < boundedRows ? 0 : 1
        for i in 0..<n { unbounded |= abs(logits[i]) <= boundedLogit ? 0 : 1 }  // NaN counts as unbounded
        guard unbounded == 0 else {
            return binaryCrossEntropyBackward(logits, labels: labels, count: n, scale: scale)
        }
        for i in 0..<n {
            let z = logits[i]
            logits[i] = logitGradient(z, expMinusAbs: expf(-abs(z)), label: labels[i] > 0 ? 1 : 0, scale: scale)
        }
        return nil
    }

    /// Categorical cross-entropy of softmax probabilities (`rows × cols`): returns the mean loss and
    /// turns `probabilities` into `scale * (P - onehot(labels))`, the logit gradient.
    @inlinable
    public static func softmaxCrossEntropyBackward(
        _ probabilities: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, cols: Int, scale: Float
    ) -> Float {
        var loss: Float = 0
        for r in 0..<rows {
            let row = probabilities + r * cols
            let y = Int(labels[r])
            // An out-of-range label would write outside the row; stop rather than corrupt memory.
            precondition(y >= 0 && y < cols, "label \(y) outside 0..<\(cols)")
            // Clamp keeps the loss finite when a probability underflows to 0.
            loss -= logf(max(row[y], .leastNormalMagnitude))
            softmaxRowGradient(row, label: y, cols: cols, scale: scale)
        }
        return loss / Float(max(rows, 1))
    }

    /// Turns one row of probabilities into `scale · (p − onehot(y))`.
    @inlinable @inline(__always)
    static func softmaxRowGradient(_ row: UnsafeMutablePointer<Float>, label y: Int, cols: Int, scale: Float) {
        row[y] -= 1
        for c in 0..<cols { row[c] *= scale }
    }

    /// `softmaxCrossEntropyBackward` for an update that needs the loss only to know it is finite:
    /// the same gradient in `probabilities`; nil (the loss not computed) when every label's
    /// probability is finite, so that each row's clamped loss is within ±89 and the mean is
    /// finite; otherwise the mean loss, computed.
    @inlinable
    public static func softmaxCrossEntropyGradient(
        _ probabilities: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, cols: Int, scale: Float
    ) -> Float? {
        for r in 0..<rows {
            let y = Int(labels[r])
            precondition(y >= 0 && y < cols, "label \(y) outside 0..<\(cols)")
            if !probabilities[r * cols + y].isFinite {
                return softmaxCrossEntropyBackward(probabilities, labels: labels, rows: rows, cols: cols, scale: scale)
            }
        }
        for r in 0..<rows {
            softmaxRowGradient(probabilities + r * cols, label: Int(labels[r]), cols: cols, scale: scale)
        }
        return nil
    }

    /// `Σ x[i]²` over `n` elements.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var s: Float = 0
        for i in 0..<n { s += x[i] * x[i] }
        return s
    }

    /// `out[r] = Σ_c x[r,c]² · w[c]` for each of `rows` rows.
    @inlinable
    public static func rowWeightedSquares(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, weights w: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let row = x + r * cols
            var s: Float = 0
            for c in 0..<cols { s += row[c] * row[c] * w[c] }
            out[r] = s
        }
    }

    /// `out[c] = Σ_r g[r] · x[r,c]²` — the column reduction the FM factor gradient needs.
    @inlinable
    public static func columnWeightedSquares(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, rowWeights g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        for c in 0..<cols { out[c] = 0 }
        for r in 0..<rows {
            let row = x + r * cols
            let gr = g[r]
            for c in 0..<cols { out[c] += gr * row[c] * row[c] }
        }
    }

    /// `out[r] = Σ_c x[r,c]²` for each row.
    @inlinable
    public static func rowSumsOfSquares(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            out[r] = sumOfSquares(x + r * cols, count: cols)
        }
    }

    /// `x[r,c] *= s[r]` — scales each row by its own factor.
    @inlinable
    public static func scaleRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, by s: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * cols
            let f = s[r]
            for c in 0..<cols { row[c] *= f }
        }
    }

    /// `y[i] -= a[i] · b[i]` (the `- V ⊙ (q ⊗ 1)` term with `b` broadcast by the caller per row).
    @inlinable
    public static func subtractScaledRows(
        _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int, matrix a: UnsafePointer<Float>, rowScales q: UnsafePointer<Float>
    ) {
        for r in 0..<rows {
            let yr = y + r * cols, ar = a + r * cols
            let f = q[r]
            for c in 0..<cols { yr[c] -= f * ar[c] }
        }
    }

    /// Heavy-ball momentum step: `v = mu·v + g; p -= lr·v`.
    @inlinable
    public static func momentumStep(
        _ p: UnsafeMutablePointer<Float>, velocity v: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
        count n: Int, learningRate lr: Float, momentum mu: Float
    ) {
        for i in 0..<n {
            let vi = mu * v[i] + g[i]
            v[i] = vi
            p[i] -= lr * vi
        }
    }

    /// Adam step with bias correction folded into the step size: `m`, `v` are the first and second
    /// moments; `stepSize = lr·√(1-β2ᵗ)/(1-β1ᵗ)` and `epsilonHat = ε·√(1-β2ᵗ)` (Kingma & Ba, §2).
    @inlinable
    public static func adamStep(
        _ p: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        gradient g: UnsafePointer<Float>, count n: Int, beta1: Float, beta2: Float, stepSize: Float, epsilonHat: Float
    ) {
        for i in 0..<n {
            let gi = g[i]
            let mi = beta1 * m[i] + (1 - beta1) * gi
            let vi = beta2 * v[i] + (1 - beta2) * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= stepSize * mi / (vi.squareRoot() + epsilonHat)
        }
    }
}
