import Linalg

/// Multinomial logistic (softmax) regression trained by minibatch gradient descent on the mean
/// cross-entropy plus `½·l2·‖W‖²` (biases not penalized).
///
/// Parameters are laid out `[W (featureCount × classCount, row-major), b (classCount)]`, zero
/// initialized (the loss is convex).
///
///     var sm = SoftmaxRegression(featureCount: 4, classCount: 3, learningRate: 0.5)
///     sm.partialFit(x, labels: y)                       // x: rows × 4, y in 0..<3
public struct SoftmaxRegression: CoreBackedLearner {
    public let featureCount: Int
    public let classCount: Int
    /// Strength of the L2 penalty on the weights.
    public var l2: Float
    var core: LearnerCore

    /// - Parameters:
    ///   - learningRate: step size per minibatch update (gradients are batch means).
    ///   - batchSize: samples per update for `partialFit(stream:)` and `retrain`.
    public init(
        featureCount: Int, classCount: Int, learningRate: Float = 0.01, batchSize: Int = 32, l2: Float = 0,
        optimizer: OptimizerKind = .sgd, seed: UInt64 = 0
    ) {
        precondition(featureCount > 0 && classCount >= 2, "need featureCount > 0 and classCount >= 2")
        self.featureCount = featureCount
        self.classCount = classCount
        self.l2 = l2
        core = LearnerCore(parameterCount: (featureCount + 1) * classCount, optimizer: optimizer,
                           learningRate: learningRate, batchSize: batchSize)
    }

    /// The weight matrix `W` (`featureCount × classCount`).
    public var weights: Matrix {
        Matrix(rows: featureCount, cols: classCount, data: Array(core.parameters[0..<(featureCount * classCount)]))
    }
    /// The biases (one per class).
    public var biases: [Float] { Array(core.parameters[(featureCount * classCount)...]) }

    /// Logits `X·W + b` into `out` (`rows × classCount`).
    @inline(__always)
    static func logits(_ x: UnsafePointer<Float>, rows: Int, d: Int, c: Int, p: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let b = p + d * c
        for r in 0..<rows { (out + r * c).update(from: b, count: c) }
        BLAS.gemm(transA: false, transB: false, m: rows, n: c, k: d, alpha: 1, a: x, lda: d, b: p, ldb: c,
                  beta: 1, c: out, ldc: c)
    }

    public func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let d = featureCount, c = classCount
        core.parameters.withUnsafeBufferPointer { pp in
            Self.logits(x, rows: rows, d: d, c: c, p: pp.baseAddress!, into: probabilities)
        }
        Kernels.softmaxRows(probabilities, rows: rows, cols: c)
    }

    /// Fills `core.gradient` and returns the objective (mean cross-entropy + L2 penalty).
    mutating func computeGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        gradient(x, labels: labels, rows: rows, lossWanted: true)!
    }

    /// Skips the loss where every label's probability is finite (`Kernels.softmaxCrossEntropyGradient`).
    mutating func computeUpdateGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float? {
        gradient(x, labels: labels, rows: rows, lossWanted: false)
    }

    /// The gradient into `core.gradient`; the objective when `lossWanted` or not known to be finite.
    private mutating func gradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, lossWanted: Bool) -> Float? {
        let d = featureCount, c = classCount, l2 = self.l2
        core.reserveScratch(rows * c)
        return core.withBuffers { p, g, s in
            Self.logits(x, rows: rows, d: d, c: c, p: p, into: s)
            Kernels.softmaxRows(s, rows: rows, cols: c)
            let scale = 1 / Float(rows)
            var loss = lossWanted ? Kernels.softmaxCrossEntropyBackward(s, labels: labels, rows: rows, cols: c, scale: scale)
                : Kernels.softmaxCrossEntropyGradient(s, labels: labels, rows: rows, cols: c, scale: scale)
            BLAS.gemm(transA: true, transB: false, m: d, n: c, k: rows, alpha: 1, a: x, lda: d, b: s, ldb: c,
                      beta: 0, c: g, ldc: c)
            Kernels.columnSums(s, rows: rows, cols: c, into: g + d * c)
            if l2 != 0 {
                BLAS.axpy(n: d * c, alpha: l2, x: p, y: g)
                let penalty = 0.5 * l2 * Kernels.sumOfSquares(p, count: d * c)
                // A skipped loss is finite and below 10³¹, half an ulp of the largest Float: the sum is finite iff the penalty is.
                loss = loss.map { $0 + penalty } ?? (penalty.isFinite ? nil : penalty)
            }
            return loss
        }
    }

    public mutating func reinitialize(using rng: inout RandomSource) {
        core.reset(to: [Float](repeating: 0, count: (featureCount + 1) * classCount))
    }

    public static let kind = "softmax"
    var shape: [Int] { [featureCount, classCount] }
}
