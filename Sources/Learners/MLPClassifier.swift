import Linalg

/// A small multilayer perceptron (1–2 hidden layers) with a softmax output, trained by minibatch
/// gradient descent on mean cross-entropy plus `½·l2·Σ‖W‖²` (biases not penalized).
///
/// Forward and backward run through sgemm on the whole minibatch. Parameters are laid out layer by
/// layer as `[W₁ (in × out, row-major), b₁, W₂, b₂, …]`; weights start He-uniform (ReLU) or
/// Glorot-uniform (tanh) from `seed`, biases at zero.
///
///     var mlp = MLPClassifier(featureCount: 8, classCount: 3, hiddenSizes: [32], activation: .relu,
///                             learningRate: 0.01, optimizer: .adam(), seed: 1)
public struct MLPClassifier: CoreBackedLearner {
    public let featureCount: Int
    public let classCount: Int
    public let hiddenSizes: [Int]
    public let activation: MLPActivation
    /// Strength of the L2 penalty on the weights.
    public var l2: Float
    var core: LearnerCore
    /// Layer widths `[featureCount, hidden…, classCount]`.
    let widths: [Int]
    /// Offset of each layer's weights in the flat parameters (its bias follows the weights).
    let offsets: [Int]

    /// - Parameters:
    ///   - hiddenSizes: one or two hidden-layer widths.
    ///   - learningRate: step size per minibatch update (gradients are batch means).
    ///   - seed: draws the initial weights.
    public init(
        featureCount: Int, classCount: Int, hiddenSizes: [Int] = [32], activation: MLPActivation = .relu,
        learningRate: Float = 0.01, batchSize: Int = 32, l2: Float = 0, optimizer: OptimizerKind = .adam(),
        seed: UInt64 = 0
    ) {
        precondition(featureCount > 0 && classCount >= 2, "need featureCount > 0 and classCount >= 2")
        precondition((1...2).contains(hiddenSizes.count) && hiddenSizes.allSatisfy { $0 > 0 },
                     "MLPClassifier takes one or two positive hidden sizes")
        self.featureCount = featureCount
        self.classCount = classCount
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.l2 = l2
        widths = [featureCount] + hiddenSizes + [classCount]
        var offs: [Int] = []
        var n = 0
        for l in 0..<(widths.count - 1) {
            offs.append(n)
            n += (widths[l] + 1) * widths[l + 1]
        }
        offsets = offs
        core = LearnerCore(parameterCount: n, optimizer: optimizer, learningRate: learningRate, batchSize: batchSize)
        var rng = RandomSource(seed: seed)
        core.reset(to: initialParameters(&rng))
    }

    private var layerCount: Int { widths.count - 1 }
    private var hiddenTotal: Int { hiddenSizes.reduce(0, +) }

    func initialParameters(_ rng: inout RandomSource) -> [Float] {
        var p = [Float](repeating: 0, count: core.parameters.count)
        for l in 0..<layerCount {
            let fanIn = widths[l], fanOut = widths[l + 1]
            let limit: Float = activation == .relu || l == layerCount - 1
                ? (6 / Float(fanIn)).squareRoot() * (l == layerCount - 1 ? 0.5 : 1)
                : (6 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<(fanIn * fanOut) { p[offsets[l] + i] = (rng.nextFloat() * 2 - 1) * limit }
        }
        return p
    }

    /// Forward pass: hidden activations into `hidden` (layer by layer, `rows × width` each),
    /// softmax probabilities into `out`.
    @inline(__always)
    static func forward(
        _ x: UnsafePointer<Float>, rows: Int, widths: [Int], offsets: [Int], activation: MLPActivation,
        p: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        var input = x
        var h = hidden
        let layers = widths.count - 1
        for l in 0..<layers {
            let nIn = widths[l], nOut = widths[l + 1]
            let w = p + offsets[l], b = w + nIn * nOut
            let dst = l == layers - 1 ? out : h
            for r in 0..<rows { (dst + r * nOut).update(from: b, count: nOut) }
            BLAS.gemm(transA: false, transB: false, m: rows, n: nOut, k: nIn, alpha: 1, a: input, lda: nIn,
                      b: w, ldb: nOut, beta: 1, c: dst, ldc: nOut)
            if l == layers - 1 {
                Kernels.softmaxRows(dst, rows: rows, cols: nOut)
            } else {
                switch activation {
                case .relu: Kernels.reluInPlace(dst, count: rows * nOut)
                case .tanh: Kernels.tanhInPlace(dst, count: rows * nOut)
                }
                input = UnsafePointer(dst)
                h += rows * nOut
            }
        }
    }

    public func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let (widths, offsets, activation) = (self.widths, self.offsets, self.activation)
        // Non-mutating, so hidden activations live in a temporary (stack when small) buffer.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * hiddenTotal) { hidden in
            core.parameters.withUnsafeBufferPointer { pp in
                Self.forward(x, rows: rows, widths: widths, offsets: offsets, activation: activation,
                             p: pp.baseAddress!, hidden: hidden.baseAddress!, out: probabilities)
            }
        }
    }

    /// Fills `core.gradient` and returns the objective (mean cross-entropy + L2 penalty).
    mutating func computeGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        let (widths, offsets, activation, l2) = (self.widths, self.offsets, self.activation, self.l2)
        let c = classCount, hiddenTotal = self.hiddenTotal, maxHidden = hiddenSizes.max()!
        // scratch: [hidden activations | output probabilities / delta | two delta buffers]
        core.reserveScratch(rows * (hiddenTotal + c + 2 * maxHidden))
        return core.withBuffers { p, g, s in
            let hidden = s, out = s + rows * hiddenTotal
            let deltas = (out + rows * c, out + rows * c + rows * maxHidden)
            Self.forward(x, rows: rows, widths: widths, offsets: offsets, activation: activation,
                         p: p, hidden: hidden, out: out)
            var loss = Kernels.softmaxCrossEntropyBackward(out, labels: labels, rows: rows, cols: c, scale: 1 / Float(rows))
            // Backward: delta holds dLoss/dZ of layer l (rows × widths[l+1]).
            var delta = out
            var useFirst = true
            let layers = widths.count - 1
            var inputOffset = rows * (hiddenTotal - widths[layers - 1])
            for l in stride(from: layers - 1, through: 0, by: -1) {
                let nIn = widths[l], nOut = widths[l + 1]
                let input: UnsafePointer<Float> = l == 0 ? x : UnsafePointer(hidden + inputOffset)
                let gw = g + offsets[l], w = p + offsets[l]
                BLAS.gemm(transA: true, transB: false, m: nIn, n: nOut, k: rows, alpha: 1, a: input, lda: nIn,
                          b: delta, ldb: nOut, beta: 0, c: gw, ldc: nOut)
                Kernels.columnSums(delta, rows: rows, cols: nOut, into: gw + nIn * nOut)
                if l2 != 0 {
                    BLAS.axpy(n: nIn * nOut, alpha: l2, x: w, y: gw)
                    loss += 0.5 * l2 * Kernels.sumOfSquares(w, count: nIn * nOut)
                }
                if l > 0 {
                    let next = useFirst ? deltas.0 : deltas.1
                    useFirst.toggle()
                    BLAS.gemm(transA: false, transB: true, m: rows, n: nIn, k: nOut, alpha: 1, a: delta, lda: nOut,
                              b: w, ldb: nOut, beta: 0, c: next, ldc: nIn)
                    switch activation {
                    case .relu: Kernels.reluBackward(next, activation: input, count: rows * nIn)
                    case .tanh: Kernels.tanhBackward(next, activation: input, count: rows * nIn)
                    }
                    delta = next
                    if l > 1 { inputOffset -= rows * widths[l - 1] }
                }
            }
            return loss
        }
    }

    public mutating func reinitialize(using rng: inout RandomSource) {
        core.reset(to: initialParameters(&rng))
    }

    public static let kind = "mlp"
    var shape: [Int] { widths + [activation == .relu ? 0 : 1] }
}
