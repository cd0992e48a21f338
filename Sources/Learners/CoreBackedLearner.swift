/// A learner whose state lives in a `LearnerCore`: it supplies the gradient, its kind and shape, and
/// gets rate, batch size, health, `partialFit`, `snapshot` and `restore` from the core.
protocol CoreBackedLearner: OnlineLearner {
    var core: LearnerCore { get set }
    /// The snapshot kind, e.g. "logistic".
    static var kind: String { get }
    /// Shape numbers a snapshot must match to be restored.
    var shape: [Int] { get }
    /// Fills `core.gradient` with the gradient of the objective at the current parameters and
    /// returns the objective (mean loss plus penalty) on `rows` samples.
    mutating func computeGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float
    /// `computeGradient` for an update that needs the objective only to know it is finite: the
    /// same gradient; nil when the objective is known to be finite and was not computed.
    mutating func computeUpdateGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float?
}

extension CoreBackedLearner {
    public var learningRate: Float {
        get { core.learningRate }
        set { core.learningRate = newValue }
    }

    public var batchSize: Int {
        get { core.batchSize }
        set { core.batchSize = max(1, newValue) }
    }

    public var health: LearnerHealth { core.health }

    @discardableResult
    public mutating func partialFit(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        guard rows > 0 else { return 0 }
        let loss = computeGradient(x, labels: labels, rows: rows)
        core.applyGradient(loss: loss)
        return loss
    }

    public mutating func update(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) {
        guard rows > 0 else { return }
        let loss = computeUpdateGradient(x, labels: labels, rows: rows)
        core.applyGradient(loss: loss)
    }

    /// Computes the objective: a learner without a cheaper finiteness check.
    mutating func computeUpdateGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float? {
        computeGradient(x, labels: labels, rows: rows)
    }

    public func snapshot() -> LearnerSnapshot { core.snapshot(kind: Self.kind, shape: shape) }

    public mutating func restore(_ snapshot: LearnerSnapshot) throws {
        try core.restore(snapshot, kind: Self.kind, shape: shape)
    }
}
