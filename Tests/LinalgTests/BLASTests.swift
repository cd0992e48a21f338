import Foundation
import Linalg
import Testing

private struct Failure: Error {}

private final class WrongCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var count: Int { lock.withLock { n } }
}

/// The OpenBLAS thread count is process-wide and other suites open `withThreadCount(1)` scopes at
/// the same time, so the integration checks below hold whatever else is open; the rules themselves
/// are checked on `ThreadCountLeases`, a value.
@Suite(.serialized) struct BLASThreadCountTests {
    @Test func singleThreadedScopesRunOnOneThread() {
        #expect(BLAS.withThreadCount(1) { BLAS.threadCount } == 1)
    }

    @Test func scopesRestoreOnThrowSyncAndAsync() async {
        #expect(throws: Failure.self) {
            try BLAS.withThreadCount(1) {
                #expect(BLAS.threadCount == 1)
                throw Failure()
            }
        }
        await #expect(throws: Failure.self) {
            try await BLAS.withThreadCount(1) {
                await Task.yield()
                #expect(BLAS.threadCount == 1)
                throw Failure()
            }
        }
        // Nothing of ours is left open: with no other suite's scope open, the count is the baseline.
        #expect(BLAS.hasOpenScopes || BLAS.threadCount >= 1)
    }

    @Test func leasesRestoreTheBaselineWhenTheLastScopeCloses() {
        var l = ThreadCountLeases()
        #expect(l.enter(2, current: 4) == 2)
        #expect(l.enter(2, current: 2) == 2)
        #expect(l.exit(2) == 2)
        #expect(l.exit(2) == 4 && l.isEmpty)
    }

    /// A scope that needs bitwise reproducible sums is never run multithreaded because another
    /// thread opened a wider scope (the race that made PPO training differ between runs).
    @Test func singleThreadedScopesWinOverConcurrentWiderOnes() {
        var l = ThreadCountLeases()
        #expect(l.enter(1, current: 2) == 1)      // a trainer pins one thread
        #expect(l.enter(2, current: 1) == 1)      // a benchmark asks for two meanwhile: still one
        #expect(l.exit(1) == 2)                   // the trainer is done: the benchmark gets its two
        #expect(l.enter(1, current: 2) == 1)      // another pin opens while the benchmark runs
        #expect(l.exit(2) == 1)                   // the benchmark closing does not unpin it
        #expect(l.exit(1) == 2 && l.isEmpty)      // last one out restores the count from before
    }

    @Test func concurrentScopesLeaveTheCountAsTheyFoundIt() {
        let before = BLAS.hasOpenScopes ? nil : BLAS.threadCount
        let wrong = WrongCounts()
        Parallel.forEach(64, workers: 4) { i in
            BLAS.withThreadCount(i % 3 == 0 ? 2 : 1) {
                if i % 3 != 0 && BLAS.threadCount != 1 { wrong.add() }
            }
        }
        #expect(wrong.count == 0, "single-threaded scopes ran on more threads")
        if let before, !BLAS.hasOpenScopes { #expect(BLAS.threadCount == before) }
    }
}
