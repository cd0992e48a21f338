import Linalg

/// The state every learner shares: flat parameters and gradient, optimizer, scratch, rate, batch
/// size and health; plus the one place that applies an update and guards against divergence.
///
/// Buffers are allocated at construction (scratch grows once to the largest batch seen) and are
/// uniquely owned by the learner value, so mutating hot-path calls never copy or allocate.
struct LearnerCore: Sendable {
    var parameters: [Float]
    var gradient: [Float]
    /// Parameters and optimizer moments before the current step, to undo a non-finite update.
    private var backup: [Float]
    var scratch: [Float] = []
    var optimizer: Optimizer
    var learningRate: Float
    var batchSize: Int
    var health: LearnerHealth = .healthy
    /// Attempted updates since creation (reported in divergence messages).
    var updateCount = 0
    /// A range of parameters updated at its own rate (nil: all at `learningRate`).
    var separateRate: (range: Range<Int>, learningRate: Float)?

    init(parameterCount: Int, optimizer kind: OptimizerKind, learningRate: Float, batchSize: Int) {
        parameters = [Float](repeating: 0, count: parameterCount)
        gradient = parameters
        optimizer = Optimizer(kind: kind, parameterCount: parameterCount)
        backup = [Float](repeating: 0, count: parameterCount + optimizer.moments.count)
        self.learningRate = learningRate
        self.batchSize = max(1, batchSize)
    }

    /// Makes sure `scratch` holds at least `count` floats (grows, never shrinks).
    @inline(__always)
    mutating func reserveScratch(_ count: Int) {
        if scratch.count < count { scratch = [Float](repeating: 0, count: count) }
    }

    /// Runs `body(parameters, gradient, scratch)` on the raw buffers.
    @inline(__always)
    mutating func withBuffers<R>(
        _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R
    ) -> R {
        if scratch.isEmpty { scratch = [0] }
        return parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                scratch.withUnsafeMutableBufferPointer { s in body(p.baseAddress!, g.baseAddress!, s.baseAddress!) }
            }
        }
    }

    /// Applies the optimizer step for the gradient in `gradient`, unless the learner has diverged or
    /// the loss, gradient or updated parameters are non-finite (then the last finite parameters stay
    /// and `health` says why). A nil loss was not computed because it is known to be finite.
    mutating func applyGradient(loss: Float?) {
        updateCount += 1
        guard health.isHealthy else { return }
        if let loss, !loss.isFinite {
            diverge("loss became \(loss)")
            return
        }
        let n = parameters.count, m = optimizer.moments.count
        let finiteGradient = gradient.withUnsafeBufferPointer { Kernels.allFinite($0.baseAddress!, count: n) }
        guard finiteGradient else {
            diverge("gradient became non-finite")
            return
        }
        let lr = learningRate, separate = separateRate
        let ok: Bool = parameters.withUnsafeMutableBufferPointer { pp in
            backup.withUnsafeMutableBufferPointer { bb in
                let p = pp.baseAddress!, b = bb.baseAddress!
                b.update(from: p, count: n)
                if m > 0 { optimizer.moments.withUnsafeBufferPointer { (b + n).update(from: $0.baseAddress!, count: m) } }
                gradient.withUnsafeBufferPointer { g in
                    optimizer.step(p, gradient: g.baseAddress!, learningRate: lr, override: separate)
                }
                let finite = Kernels.allFinite(p, count: n)
                    && (m == 0 || optimizer.moments.withUnsafeBufferPointer { Kernels.allFinite($0.baseAddress!, count: m) })
                if !finite {
                    p.update(from: b, count: n)
                    if m > 0 { optimizer.moments.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: b + n, count: m) } }
                }
                return finite
            }
        }
        if !ok { diverge("parameters became non-finite") }
    }

    private mutating func diverge(_ what: String) {
        health = .diverged(reason: "\(what) at update \(updateCount) (learning rate \(learningRate))")
    }

    /// Resets parameters to `initial`, clears optimizer state and health.
    mutating func reset(to initial: [Float]) {
        precondition(initial.count == parameters.count)
        parameters = initial
        optimizer.reset()
        health = .healthy
        updateCount = 0
    }

    func snapshot(kind: String, shape: [Int]) -> LearnerSnapshot {
        LearnerSnapshot(kind: kind, shape: shape, parameters: parameters, optimizerState: optimizer.state,
                        learningRate: learningRate, batchSize: batchSize, health: health)
    }

    mutating func restore(_ s: LearnerSnapshot, kind: String, shape: [Int]) throws(LearnerError) {
        guard s.kind == kind else { throw .kindMismatch(expected: kind, found: s.kind) }
        guard s.shape == shape else { throw .shapeMismatch(kind: kind, expected: shape, found: s.shape) }
        guard s.parameters.count == parameters.count else {
            throw .parameterCountMismatch(kind: kind, expected: parameters.count, found: s.parameters.count)
        }
        try optimizer.setState(s.optimizerState, learnerKind: kind)
        parameters = s.parameters
        learningRate = s.learningRate
        batchSize = max(1, s.batchSize)
        health = s.health
    }
}
