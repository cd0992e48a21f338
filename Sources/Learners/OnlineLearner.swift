import Linalg

/// Whether a learner's parameters are still usable.
public enum LearnerHealth: Sendable, Equatable, Codable {
    case healthy
    /// Parameters or loss became NaN or infinite; the learner refused the update that caused it and
    /// keeps its last finite parameters. The caller decides what to do (restore, lower the rate, end).
    case diverged(reason: String)

    public var isHealthy: Bool { self == .healthy }
}

/// A production learner: an online classifier trained prequentially in minibatches.
///
/// Inputs are dense row-major `Float` features (`rows × featureCount`), labels are class indices
/// in `0..<classCount` (binary learners use 0/1). Probabilities are always written as
/// `rows × classCount` (binary: `[1 − p, p]`). Hot-path methods take raw buffers so a caller can
/// feed slices of a larger stream buffer without copying or allocating.
public protocol OnlineLearner: Sendable {
    /// Number of input features per sample.
    var featureCount: Int { get }
    /// Number of classes (2 for binary learners).
    var classCount: Int { get }
    /// Step size of the optimizer, per minibatch update (gradients are averaged over the batch).
    /// May be changed at any moment; takes effect at the next update.
    var learningRate: Float { get set }
    /// Samples per minibatch for `partialFit(stream:)` and `retrain`. May be changed at any moment.
    var batchSize: Int { get set }
    /// `.diverged` once an update produced a non-finite loss or parameter.
    var health: LearnerHealth { get }

    /// Writes class probabilities of `rows` samples into `probabilities` (`rows × classCount`).
    func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>)

    /// One optimizer step on the minibatch (mean loss gradient). Returns the batch's mean loss
    /// before the step. A non-finite result leaves the parameters unchanged and sets `health`.
    @discardableResult
    mutating func partialFit(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float

    /// The same step as `partialFit` (the same parameters and health after it), for a caller that
    /// does not read the loss: a learner may then skip computing it where it is known to be finite.
    mutating func update(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int)

    /// Resets the parameters (and optimizer state) to a fresh initialization drawn from `rng`.
    mutating func reinitialize(using rng: inout RandomSource)

    /// A copy of the full state (parameters, optimizer state, rate, batch size, health).
    func snapshot() -> LearnerSnapshot
    /// Restores a state produced by `snapshot()` of a learner of the same kind and shape.
    mutating func restore(_ snapshot: LearnerSnapshot) throws
}

extension OnlineLearner {
    public mutating func update(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) {
        partialFit(x, labels: labels, rows: rows)
    }
}

/// A serializable copy of a learner's state.
public struct LearnerSnapshot: Sendable, Codable, Equatable {
    /// The learner kind, e.g. "logistic", "softmax", "mlp", "fm".
    public var kind: String
    /// Shape numbers that must match on restore (e.g. [features, classes, hidden...]).
    public var shape: [Int]
    /// Flat parameters.
    public var parameters: [Float]
    /// Flat optimizer state (momentum or Adam moments and step count).
    public var optimizerState: [Float]
    public var learningRate: Float
    public var batchSize: Int
    public var health: LearnerHealth

    public init(kind: String, shape: [Int], parameters: [Float], optimizerState: [Float],
                learningRate: Float, batchSize: Int, health: LearnerHealth) {
        self.kind = kind
        self.shape = shape
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.health = health
    }
}
