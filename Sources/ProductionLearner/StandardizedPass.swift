/// The standardized minibatches of one prequential pass, kept so that a second learner making the
/// same pass reuses them instead of standardizing again. The expert pool's experts of one batch
/// size see the same rows in the same minibatches through scalers in the same state: the first
/// records its pass, the others replay it (`ExpertPool.step`). A pass replays only when its
/// schedule and starting scaler equal the recorded ones, so a replay gives the bits standardizing
/// would; any other pass standardizes and records itself in its place.
public struct StandardizedPass: Sendable {
    /// What fixes a pass's minibatches and the scaler state each is standardized with.
    struct Schedule: Equatable {
        var base: Int, pending: Int, batchSize: Int, labelDelay: Int, periodLength: Int, learns: Bool
    }

    /// False for a pass that neither records nor replays (`unshared`).
    let isShared: Bool
    private var schedule: Schedule?
    private var start: StandardScaler?
    /// The scaler after the recorded pass.
    private(set) var end: StandardScaler?
    /// The standardized rows in the order the recorded pass used them.
    private var values: [Float] = []
    /// How many passes replayed the recording.
    public private(set) var replayCount = 0

    /// An empty recording, for learners that may share their passes.
    public init() { isShared = true }

    private init(shared: Bool) { isShared = shared }

    /// Neither records nor replays: the pass standardizes for itself alone.
    static var unshared: StandardizedPass { StandardizedPass(shared: false) }

    /// Forgets the recording (at the start of a period), keeping its storage.
    public mutating func clear() {
        schedule = nil
        start = nil
        end = nil
        replayCount = 0
        values.removeAll(keepingCapacity: true)
    }

    /// Whether a pass with `schedule` from `scaler` would use exactly the recorded rows.
    func replays(_ schedule: Schedule, from scaler: StandardScaler) -> Bool {
        isShared && self.schedule == schedule && start == scaler && end != nil && !values.isEmpty
    }

    /// Starts recording a pass with `schedule` from `scaler`.
    mutating func record(_ schedule: Schedule, from scaler: StandardScaler) {
        clear()
        self.schedule = schedule
        start = scaler
    }

    mutating func append(_ z: UnsafePointer<Float>, count: Int) {
        values.append(contentsOf: UnsafeBufferPointer(start: z, count: count))
    }

    /// Ends the recording with the scaler after the pass.
    mutating func finish(with scaler: StandardScaler) { end = scaler }

    /// Counts a pass that replays the recording.
    mutating func startReplay() { replayCount += 1 }

    /// Calls `body` with the recorded values, in the order the pass used them.
    func withValues<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        values.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
