import Linalg

/// Binary logistic regression trained by minibatch gradient descent on the mean cross-entropy
/// plus `½·l2·‖w‖²` (the intercept is not penalized).
///
/// Parameters are laid out `[w₀ … w_{d−1}, b]`. Initialized at zero (the loss is convex), so the
/// seed only matters for API symmetry with the other learners.
///
///     var lr = LogisticRegression(featureCount: 2, learningRate: 0.1, batchSize: 1)
///     lr.partialFit([1, 0], labels: [1])
///     let p = lr.predictProbabilities([1, 0], rows: 1)   // [1 − p, p]
///
/// River's `linear_model.LogisticRegression(optimizer=optim.SGD(lr))` is
/// `LogisticRegression(featureCount:learningRate: lr, batchSize: 1, interceptLearningRate: 0.01)`:
/// River also updates the intercept at its own `intercept_lr` (default 0.01), uses the raw
/// per-sample gradient (our batch mean at batch size 1), and clips each loss gradient to ±1e12,
/// which never binds for the log loss (its gradient lies in [−1, 1]).
public struct LogisticRegression: CoreBackedLearner {
    public let featureCount: Int
    public var classCount: Int { 2 }
    /// Strength of the L2 penalty on the weights (per batch-mean loss).
    public var l2: Float
    var core: LearnerCore

    /// - Parameters:
    ///   - learningRate: step size per minibatch update (gradients are batch means).
    ///   - batchSize: samples per update for `partialFit(stream:)` and `retrain`.
    ///   - interceptLearningRate: step size of the intercept; nil means `learningRate`.
    public init(
        featureCount: Int, learningRate: Float = 0.01, batchSize: Int = 32, l2: Float = 0,
        optimizer: OptimizerKind = .sgd, interceptLearningRate: Float? = nil, seed: UInt64 = 0
    ) {
        precondition(featureCount > 0, "featureCount must be positive")
        self.featureCount = featureCount
        self.l2 = l2
        core = LearnerCore(parameterCount: featureCount + 1, optimizer: optimizer, learningRate: learningRate,
                           batchSize: batchSize)
        self.interceptLearningRate = interceptLearningRate
    }

    /// Step size of the intercept; nil means it follows `learningRate`.
    public var interceptLearningRate: Float? {
        get { core.separateRate?.learningRate }
        set { core.separateRate = newValue.map { (featureCount..<(featureCount + 1), $0) } }
    }

    /// The weights `w` (one per feature).
    public var weights: [Float] { Array(core.parameters[0..<featureCount]) }
    /// The intercept `b`.
    public var intercept: Float { core.parameters[featureCount] }

    public func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let d = featureCount
        core.parameters.withUnsafeBufferPointer { pp in
            let p = pp.baseAddress!
            // Logits go into the first `rows` slots, then expand backwards to [1 − p, p] pairs
            // (slot 2r ≥ r, so every logit is read before it is overwritten).
            let b = p[d]
            for r in 0..<rows { probabilities[r] = b }
            BLAS.gemv(trans: false, m: rows, n: d, alpha: 1, a: x, lda: d, x: p, beta: 1, y: probabilities)
            var r = rows - 1
            while r >= 0 {
                let q = Kernels.sigmoid(probabilities[r])
                probabilities[2 * r] = 1 - q
                probabilities[2 * r + 1] = q
                r -= 1
            }
        }
    }

    /// Fills `core.gradient` with the gradient of the objective at the current parameters and
    /// returns the objective (mean cross-entropy + L2 penalty).
    mutating func computeGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        gradient(x, labels: labels, rows: rows, lossWanted: true)!
    }

    /// Skips the loss where the logits bound it (`Kernels.binaryCrossEntropyGradient`).
    mutating func computeUpdateGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float? {
        gradient(x, labels: labels, rows: rows, lossWanted: false)
    }

    /// The gradient into `core.gradient`; the objective when `lossWanted` or not known to be finite.
    private mutating func gradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, lossWanted: Bool) -> Float? {
        core.reserveScratch(rows)
        let d = featureCount, l2 = self.l2
        return core.withBuffers { p, g, s in
            let b = p[d]
            for r in 0..<rows { s[r] = b }
            BLAS.gemv(trans: false, m: rows, n: d, alpha: 1, a: x, lda: d, x: p, beta: 1, y: s)
            let scale = 1 / Float(rows)
            var loss = lossWanted ? Kernels.binaryCrossEntropyBackward(s, labels: labels, count: rows, scale: scale)
                : Kernels.binaryCrossEntropyGradient(s, labels: labels, count: rows, scale: scale)
            BLAS.gemv(trans: true, m: rows, n: d, alpha: 1, a: x, lda: d, x: s, beta: 0, y: g)
            var gb: Float = 0
            for r in 0..<rows { gb += s[r] }
            g[d] = gb
            if l2 != 0 {
                BLAS.axpy(n: d, alpha: l2, x: p, y: g)
                let penalty = 0.5 * l2 * Kernels.sumOfSquares(p, count: d)
                // A skipped loss is finite and below 10³¹, half an ulp of the largest Float: the sum is finite iff the penalty is.
                loss = loss.map { $0 + penalty } ?? (penalty.isFinite ? nil : penalty)
            }
            return loss
        }
    }

    public mutating func reinitialize(using rng: inout RandomSource) {
        core.reset(to: [Float](repeating: 0, count: featureCount + 1))
    }

    public static let kind = "logistic"
    var shape: [Int] { [featureCount, 2] }
}
