import Linalg

/// The actor-critic MLP: factored categorical policy heads and a scalar value head, with
/// whole-batch forward and backward passes through BLAS gemm.
///
/// All parameters live in one flat vector (`parameterVector`) and all gradients in another of the
/// same layout, so optimizers, gradient clipping, checkpoints and gradient checks treat the network
/// as one vector. Workspaces are allocated on the first call with a given batch size and reused.
///
///     let net = PolicyNetwork(architecture: .init(observationSize: 4, actionSizes: [2]), rng: &rng)
///     net.forward(obsPointer, batch: 64)      // net.logProbs, net.probabilities, net.values
///     net.backward(dLogits: dz, dValues: dv)  // net.gradientVector
public final class PolicyNetwork {
    public let architecture: NetworkArchitecture
    public let parameterCount: Int
    let actorLayers: [DenseLayer]
    let criticLayers: [DenseLayer]
    let policyHead: DenseLayer
    let valueHead: DenseLayer

    let parameters: FloatBuffer
    let gradients: FloatBuffer

    // Workspace, sized for `capacityRows` rows.
    private(set) var batch = 0
    private var capacityRows = 0
    private let input = FloatBuffer()
    private var actorActivations: [FloatBuffer]
    private var criticActivations: [FloatBuffer]
    let logitsBuffer = FloatBuffer()
    let logProbsBuffer = FloatBuffer()
    let probsBuffer = FloatBuffer()
    let valuesBuffer = FloatBuffer()
    private let deltaA = FloatBuffer()
    private let deltaB = FloatBuffer()

    /// A network with CleanRL's orthogonal initialization: trunk gain √2, policy head 0.01,
    /// value head 1, zero biases.
    public init(architecture: NetworkArchitecture, rng: inout RandomSource) {
        self.architecture = architecture
        var offset = 0
        func layer(_ input: Int, _ output: Int, activated: Bool, gain: Double) -> DenseLayer {
            let l = DenseLayer(input: input, output: output, weightOffset: offset, biasOffset: offset + input * output,
                               activated: activated, gain: gain)
            offset += l.parameterCount
            return l
        }
        let sizes = [architecture.observationSize] + architecture.hiddenSizes
        actorLayers = (0..<architecture.hiddenSizes.count).map { layer(sizes[$0], sizes[$0 + 1], activated: true, gain: 2.0.squareRoot()) }
        policyHead = layer(architecture.trunkOutputSize, architecture.logitCount, activated: false, gain: 0.01)
        if architecture.sharedTrunk {
            criticLayers = []
        } else {
            criticLayers = (0..<architecture.hiddenSizes.count).map { layer(sizes[$0], sizes[$0 + 1], activated: true, gain: 2.0.squareRoot()) }
        }
        valueHead = layer(architecture.trunkOutputSize, 1, activated: false, gain: 1)
        parameterCount = offset
        parameters = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)
        actorActivations = actorLayers.map { _ in FloatBuffer() }
        criticActivations = criticLayers.map { _ in FloatBuffer() }
        for l in actorLayers + [policyHead] + criticLayers + [valueHead] {
            let w = OrthogonalInitialization.matrix(rows: l.input, cols: l.output, gain: l.gain, rng: &rng)
            for i in 0..<w.count { parameters.pointer[l.weightOffset + i] = w[i] }
        }
    }

    /// All weights and biases, in the network's fixed layout.
    public var parameterVector: [Float] {
        get { parameters.array(parameterCount) }
        set {
            precondition(newValue.count == parameterCount, "parameter vector has \(newValue.count) values, expected \(parameterCount)")
            parameters.assign(newValue)
        }
    }

    /// The gradient written by the last `backward`, same layout as `parameterVector`.
    public var gradientVector: [Float] { gradients.array(parameterCount) }

    private func reserve(rows: Int) {
        guard rows > capacityRows else { return }
        capacityRows = rows
        input.ensure(rows * architecture.observationSize)
        for (l, b) in zip(actorLayers, actorActivations) { b.ensure(rows * l.output) }
        for (l, b) in zip(criticLayers, criticActivations) { b.ensure(rows * l.output) }
        let logits = rows * architecture.logitCount
        logitsBuffer.ensure(logits)
        logProbsBuffer.ensure(logits)
        probsBuffer.ensure(logits)
        valuesBuffer.ensure(rows)
        let widest = max(architecture.logitCount, ([architecture.observationSize] + architecture.hiddenSizes).max()!)
        deltaA.ensure(rows * widest)
        deltaB.ensure(rows * widest)
    }

    /// Runs `batch` observations (row-major, `batch × observationSize`) through the network.
    /// Afterwards `logits`, `logProbs`, `probabilities` (each `batch × logitCount`) and `values`
    /// hold the outputs until the next call.
    public func forward(_ observations: UnsafePointer<Float>, batch: Int) {
        reserve(rows: batch)
        self.batch = batch
        input.pointer.update(from: observations, count: batch * architecture.observationSize)
        let actorOut = runTrunk(actorLayers, actorActivations)
        affine(policyHead, from: actorOut, into: logitsBuffer.pointer)
        let criticOut = architecture.sharedTrunk ? actorOut : runTrunk(criticLayers, criticActivations)
        affine(valueHead, from: criticOut, into: valuesBuffer.pointer)
        for (offset, width) in zip(architecture.headOffsets, architecture.actionSizes) {
            PolicyKernels.logSoftmaxSegments(
                logitsBuffer.pointer, rows: batch, stride: architecture.logitCount, offset: offset, width: width,
                logProbs: logProbsBuffer.pointer, probs: probsBuffer.pointer)
        }
    }

    /// Convenience form of `forward` for an array of `batch` observations.
    public func forward(_ observations: [Float], batch: Int) {
        precondition(observations.count == batch * architecture.observationSize, "observation batch has the wrong size")
        observations.withUnsafeBufferPointer { forward($0.baseAddress!, batch: batch) }
    }

    private func runTrunk(_ layers: [DenseLayer], _ activations: [FloatBuffer]) -> UnsafeMutablePointer<Float> {
        var x = input.pointer
        for (l, out) in zip(layers, activations) {
            affine(l, from: x, into: out.pointer)
            x = out.pointer
        }
        return x
    }

    /// `out = act(x·W + b)` for the current batch.
    private func affine(_ l: DenseLayer, from x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let p = parameters.pointer
        BLAS.gemm(transA: false, transB: false, m: batch, n: l.output, k: l.input, alpha: 1,
                  a: x, lda: l.input, b: p + l.weightOffset, ldb: l.output, beta: 0, c: out, ldc: l.output)
        if !l.activated {
            Kernels.addRowVector(out, rows: batch, cols: l.output, p + l.biasOffset)
        } else if architecture.activation == .tanh {
            PolicyKernels.addBiasTanh(out, rows: batch, cols: l.output, p + l.biasOffset)
        } else {
            PolicyKernels.addBiasRelu(out, rows: batch, cols: l.output, p + l.biasOffset)
        }
    }

    /// Back-propagates `∂loss/∂logits` (`batch × logitCount`) and `∂loss/∂values` (`batch`) from the
    /// last `forward` and overwrites the gradient vector with `∂loss/∂parameters`.
    public func backward(dLogits: UnsafePointer<Float>, dValues: UnsafePointer<Float>) {
        let actorOut = actorActivations.last?.pointer ?? input.pointer
        let criticOut = architecture.sharedTrunk ? actorOut : (criticActivations.last?.pointer ?? input.pointer)
        // Heads: weight/bias gradients and the gradient at the trunk output.
        headBackward(policyHead, input: actorOut, delta: dLogits, dInput: deltaA.pointer, accumulate: false)
        if architecture.sharedTrunk {
            headBackward(valueHead, input: actorOut, delta: dValues, dInput: deltaA.pointer, accumulate: true)
            trunkBackward(actorLayers, actorActivations, delta: deltaA.pointer)
        } else {
            trunkBackward(actorLayers, actorActivations, delta: deltaA.pointer)
            headBackward(valueHead, input: criticOut, delta: dValues, dInput: deltaA.pointer, accumulate: false)
            trunkBackward(criticLayers, criticActivations, delta: deltaA.pointer)
        }
    }

    private func headBackward(
        _ l: DenseLayer, input x: UnsafePointer<Float>, delta: UnsafePointer<Float>,
        dInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let p = parameters.pointer, g = gradients.pointer
        BLAS.gemm(transA: true, transB: false, m: l.input, n: l.output, k: batch, alpha: 1,
                  a: x, lda: l.input, b: delta, ldb: l.output, beta: 0, c: g + l.weightOffset, ldc: l.output)
        Kernels.columnSums(delta, rows: batch, cols: l.output, into: g + l.biasOffset)
        BLAS.gemm(transA: false, transB: true, m: batch, n: l.input, k: l.output, alpha: 1,
                  a: delta, lda: l.output, b: p + l.weightOffset, ldb: l.output,
                  beta: accumulate ? 1 : 0, c: dInput, ldc: l.input)
    }

    /// `delta` holds ∂loss/∂(output of the last trunk layer); it is consumed (ping-pong buffers).
    private func trunkBackward(_ layers: [DenseLayer], _ activations: [FloatBuffer], delta: UnsafeMutablePointer<Float>) {
        let p = parameters.pointer, g = gradients.pointer
        var current = delta
        var spare = current == deltaA.pointer ? deltaB.pointer : deltaA.pointer
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let l = layers[i]
            let out = activations[i].pointer
            let n = batch * l.output
            if architecture.activation == .tanh {
                Kernels.tanhBackward(current, activation: out, count: n)
            } else {
                Kernels.reluBackward(current, activation: out, count: n)
            }
            let x = i == 0 ? UnsafePointer(input.pointer) : UnsafePointer(activations[i - 1].pointer)
            BLAS.gemm(transA: true, transB: false, m: l.input, n: l.output, k: batch, alpha: 1,
                      a: x, lda: l.input, b: current, ldb: l.output, beta: 0, c: g + l.weightOffset, ldc: l.output)
            Kernels.columnSums(current, rows: batch, cols: l.output, into: g + l.biasOffset)
            // The gradient w.r.t. the observations is not needed.
            if i > 0 {
                BLAS.gemm(transA: false, transB: true, m: batch, n: l.input, k: l.output, alpha: 1,
                          a: current, lda: l.output, b: p + l.weightOffset, ldb: l.output, beta: 0, c: spare, ldc: l.input)
                swap(&current, &spare)
            }
        }
    }

    // MARK: Outputs of the last forward pass

    /// Raw logits, `batch × logitCount`.
    public var logits: UnsafeBufferPointer<Float> { .init(start: logitsBuffer.pointer, count: batch * architecture.logitCount) }
    /// Per-head log-softmax of the logits, `batch × logitCount`.
    public var logProbs: UnsafeBufferPointer<Float> { .init(start: logProbsBuffer.pointer, count: batch * architecture.logitCount) }
    /// Per-head softmax of the logits, `batch × logitCount`.
    public var probabilities: UnsafeBufferPointer<Float> { .init(start: probsBuffer.pointer, count: batch * architecture.logitCount) }
    /// State values, `batch`.
    public var values: UnsafeBufferPointer<Float> { .init(start: valuesBuffer.pointer, count: batch) }
}
