import Foundation
import Linalg

/// Updates a flat parameter buffer in place from a flat gradient buffer; owns its state
/// (momentum or Adam moments and the step count), which snapshots carry.
///
///     var opt = Optimizer(kind: .adam(), parameterCount: 3)
///     var theta: [Float] = [1, 2, 3]
///     opt.step(&theta, gradient: [0.1, -0.2, 0], learningRate: 0.01)
public struct Optimizer: Sendable, Codable, Equatable {
    public let kind: OptimizerKind
    public let parameterCount: Int
    /// Number of `step` calls since creation or `reset`.
    public private(set) var stepCount: Int = 0
    /// Momentum buffer (SGD with momentum) or `[m…, v…]` (Adam).
    var moments: [Float]

    public init(kind: OptimizerKind, parameterCount: Int) {
        self.kind = kind
        self.parameterCount = parameterCount
        moments = [Float](repeating: 0, count: kind.statePerParameter * parameterCount)
    }

    /// Clears momentum / moments and the step count.
    public mutating func reset() {
        stepCount = 0
        for i in moments.indices { moments[i] = 0 }
    }

    /// One update of `parameterCount` parameters. `override` gives one contiguous range its own
    /// learning rate (used for an intercept learned at a separate rate, as River does).
    public mutating func step(
        _ parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, learningRate: Float,
        override: (range: Range<Int>, learningRate: Float)? = nil
    ) {
        stepCount += 1
        if let o = override, !o.range.isEmpty {
            apply(parameters, gradient, 0..<o.range.lowerBound, learningRate)
            apply(parameters, gradient, o.range, o.learningRate)
            apply(parameters, gradient, o.range.upperBound..<parameterCount, learningRate)
        } else {
            apply(parameters, gradient, 0..<parameterCount, learningRate)
        }
    }

    /// Array form of `step`; `parameters` and `gradient` must have `parameterCount` elements.
    public mutating func step(_ parameters: inout [Float], gradient: [Float], learningRate: Float) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "optimizer expects \(parameterCount) parameters")
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in step(p.baseAddress!, gradient: g.baseAddress!, learningRate: learningRate) }
        }
    }

    private mutating func apply(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>, _ lr: Float
    ) {
        guard !range.isEmpty else { return }
        let n = range.count, lo = range.lowerBound, total = parameterCount
        switch kind {
        case let .sgd(momentum):
            if momentum == 0 {
                BLAS.axpy(n: n, alpha: -lr, x: g + lo, y: p + lo)
            } else {
                moments.withUnsafeMutableBufferPointer { v in
                    Kernels.momentumStep(p + lo, velocity: v.baseAddress! + lo, gradient: g + lo, count: n,
                                         learningRate: lr, momentum: momentum)
                }
            }
        case let .adam(beta1, beta2, epsilon):
            let t = Float(stepCount)
            let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
            let root = c2.squareRoot()
            moments.withUnsafeMutableBufferPointer { mv in
                let m = mv.baseAddress!
                Kernels.adamStep(p + lo, m: m + lo, v: m + total + lo, gradient: g + lo, count: n, beta1: beta1,
                                 beta2: beta2, stepSize: lr * root / c1, epsilonHat: epsilon * root)
            }
        }
    }

    /// The state as a flat vector: `[stepCount, moments…]` (the step count is exact below 2²⁴,
    /// beyond which Adam's bias correction is 1 anyway).
    public var state: [Float] { [Float(stepCount)] + moments }

    /// Number of values `state` holds.
    public var stateCount: Int { 1 + moments.count }

    /// Restores a vector produced by `state` of an optimizer of the same kind and size.
    public mutating func setState(_ state: [Float], learnerKind: String = "optimizer") throws(LearnerError) {
        guard state.count == stateCount else {
            throw .optimizerStateMismatch(kind: learnerKind, expected: stateCount, found: state.count)
        }
        stepCount = Int(state[0])
        moments = Array(state[1...])
    }
}
