import Dispatch

/// Data-parallel loops over indices, for work where each index owns its own state (an environment,
/// a result slot), so the outcome does not depend on which thread runs which index.
public enum Parallel {
    /// Calls `body(i)` once for every `i` in `0..<count`, on up to `workers` threads (worker `w` takes
    /// indices `w`, `w + workers`, …); serially when one worker suffices. Returns when all are done.
    ///
    /// `body` may capture mutable buffers: the caller promises that calls for different indices
    /// touch disjoint memory (slot `i` of each buffer), which is what makes sharing it sound.
    ///
    ///     results.withUnsafeMutableBufferPointer { out in
    ///         Parallel.forEach(out.count, workers: 4) { i in out[i] = simulate(seed: seeds[i]) }
    ///     }
    public static func forEach(_ count: Int, workers: Int, _ body: (Int) -> Void) {
        let w = min(workers, count)
        if w <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: w) { chunk in
                for i in stride(from: chunk, to: count, by: w) { shared.value(i) }
            }
        }
    }
}

/// A value handed across threads without the compiler's `Sendable` check. The one such wrapper in
/// DriftTune; use it only where the accesses are ordered or disjoint by construction:
/// - `Parallel.forEach` shares the caller's closure, whose calls touch disjoint slots;
/// - a value written by one thread before it signals a semaphore and read by the thread that waited
///   on it (the signal orders the write before the read).
public final class UncheckedSendableBox<Value>: @unchecked Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}
