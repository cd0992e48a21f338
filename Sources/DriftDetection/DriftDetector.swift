/// A detector of change in a univariate stream, River-style: feed values with `update`, then read
/// `driftDetected` (true only on the update at which a change was signalled).
///
///     var adwin = ADWIN()
///     for (i, x) in stream.enumerated() where adwin.update(x) { print("drift at", i) }
public protocol DriftDetector: Sendable {
    /// Adds one observation. Returns `driftDetected` after it.
    @discardableResult
    mutating func update(_ x: Double) -> Bool
    /// True if the last `update` signalled drift.
    var driftDetected: Bool { get }
    /// Forgets everything seen (parameters kept).
    mutating func reset()
}
