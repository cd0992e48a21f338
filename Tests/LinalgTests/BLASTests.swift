import Linalg
import Testing

private struct Failure: Error {}

/// The OpenBLAS thread count is process-wide, so these run one after another.
@Suite(.serialized) struct BLASThreadCountTests {
    @Test func threadCountCanBeSetToOne() {
        let before = BLAS.threadCount
        BLAS.threadCount = 1
        #expect(BLAS.threadCount == 1)
        BLAS.threadCount = before
    }

    @Test func withThreadCountRunsOnThatCountAndRestores() {
        let before = BLAS.threadCount
        let other = before == 1 ? 2 : 1
        let seen = BLAS.withThreadCount(other) { BLAS.threadCount }
        #expect(seen == other)
        #expect(BLAS.threadCount == before)
    }

    @Test func withThreadCountRestoresOnThrow() {
        let before = BLAS.threadCount
        let other = before == 1 ? 2 : 1
        #expect(throws: Failure.self) {
            try BLAS.withThreadCount(other) {
                #expect(BLAS.threadCount == other)
                throw Failure()
            }
        }
        #expect(BLAS.threadCount == before)
    }

    @Test func asyncWithThreadCountRestoresOnThrow() async {
        let before = BLAS.threadCount
        let other = before == 1 ? 2 : 1
        await #expect(throws: Failure.self) {
            try await BLAS.withThreadCount(other) {
                await Task.yield()
                #expect(BLAS.threadCount == other)
                throw Failure()
            }
        }
        #expect(BLAS.threadCount == before)
    }
}
