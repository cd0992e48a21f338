import Foundation

/// A `RowSource` that reads the next period on a background thread while the loop runs the
/// current one, so parsing overlaps learning (`drifttune learn` on a second core).
///
/// The rows, their order and every error are the source's own, and an error surfaces at the read
/// that would have met it without reading ahead. Reading ahead starts once the label limit is
/// settled, when `limitLabels` is called after the first read, as `ProductionRun` does after the
/// warm-up, so every row read ahead is checked against it. At most one period of `readAhead`
/// rows is held beyond what the caller has taken. Rows the source skips (`--skip-bad-rows`) are
/// reported when they are read, up to a period early; `skippedCount` counts those handed out.
///
///     var rows = PrefetchingRows(try CSVStream(path: p, labelColumn: "label"), readAhead: 1_000)
///     let summary = try run.run(&rows, policy: policy)
///     var stream = rows.finish()  // the source back, no read in flight
public struct PrefetchingRows<Source: RowSource & SendableMetatype>: RowSource {
    private let box: Box
    public let input: String
    public let featureCount: Int
    /// Rows per read ahead (the period length).
    public let readAhead: Int
    public private(set) var skippedCount: Int

    public init(_ source: Source, readAhead: Int) {
        precondition(readAhead > 0, "readAhead must be positive")
        input = source.input
        featureCount = source.featureCount
        skippedCount = source.skippedCount
        self.readAhead = readAhead
        box = Box(source)
    }

    /// The source and the read in flight; the background read owns `source` while `inFlight`.
    private final class Box: @unchecked Sendable {
        var source: Source
        var chunk: ReadAheadChunk?
        /// The buffers of the last chunk taken, for the next read ahead.
        var spare: (features: [Float], labels: [Int32])?
        var inFlight = false
        var hasRead = false
        var limitSettled = false
        let done = NSCondition()
        let queue = DispatchQueue(label: "drifttune.prefetching-rows")

        init(_ source: Source) { self.source = source }

        /// Blocks until no read is in flight.
        func waitIdle() {
            done.lock()
            while inFlight { done.wait() }
            done.unlock()
        }

        /// Starts reading `rows` rows ahead (after `waitIdle`, with nothing held).
        func start(rows: Int) {
            inFlight = true
            queue.async { [self] in readAhead(rows: rows) }
        }

        /// The background read: `rows` rows into a new chunk, then signals `done`.
        private func readAhead(rows: Int) {
            let f = source.featureCount
            var (features, labels) = spare ?? ([], [])
            spare = nil
            if labels.count != rows {
                features = [Float](repeating: 0, count: max(1, rows * f))
                labels = [Int32](repeating: 0, count: rows)
            }
            var count = 0, failure: (any Error)?  // a read that throws hands out no rows, as the source's own
            do {
                count = try features.withUnsafeMutableBufferPointer { px in
                    try labels.withUnsafeMutableBufferPointer { py in
                        try source.read(rows: rows, features: px.baseAddress!, labels: py.baseAddress!)
                    }
                }
            } catch {
                failure = error
            }
            let read = ReadAheadChunk(features: features, labels: labels, count: count, skippedAfter: source.skippedCount, error: failure)
            done.lock()
            chunk = read
            inFlight = false
            done.signal()
            done.unlock()
        }
    }

    public mutating func limitLabels(to limit: Int) {
        box.waitIdle()
        precondition(box.chunk == nil, "limitLabels after rows were read ahead: they were not checked against it")
        box.source.limitLabels(to: limit)
        if box.hasRead && !box.limitSettled {
            box.limitSettled = true
            box.start(rows: readAhead)
        }
    }

    public mutating func read(rows: Int, features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) throws -> Int {
        box.waitIdle()
        box.hasRead = true
        let f = featureCount
        var filled = 0
        if var chunk = box.chunk {
            let n = min(rows, chunk.count - chunk.taken)
            chunk.features.withUnsafeBufferPointer { features.update(from: $0.baseAddress! + chunk.taken * f, count: n * f) }
            chunk.labels.withUnsafeBufferPointer { labels.update(from: $0.baseAddress! + chunk.taken, count: n) }
            chunk.taken += n
            filled = n
            if chunk.taken < chunk.count {  // a read smaller than the chunk: keep the rest
                box.chunk = chunk
                return filled
            }
            box.chunk = nil
            box.spare = (chunk.features, chunk.labels)
            skippedCount = chunk.skippedAfter
            if let error = chunk.error { throw error }
            if chunk.count < readAhead { return filled }  // the end of the stream
        }
        if filled < rows {
            filled += try box.source.read(rows: rows - filled, features: features + filled * f, labels: labels + filled)
            skippedCount = box.source.skippedCount
        }
        if filled == rows && box.limitSettled { box.start(rows: readAhead) }
        return filled
    }

    /// Rows read ahead and not yet handed out (after the read in flight).
    var rowsReadAhead: Int {
        box.waitIdle()
        return box.chunk.map { $0.count - $0.taken } ?? 0
    }

    /// Waits for the read in flight and returns the source (rows read ahead and not taken are
    /// dropped).
    public func finish() -> Source {
        box.waitIdle()
        return box.source
    }
}

/// Rows read ahead and the source's state after them.
private struct ReadAheadChunk {
    var features: [Float]
    var labels: [Int32]
    var count: Int
    /// Rows of it already handed out.
    var taken = 0
    var skippedAfter: Int
    var error: (any Error)?
}
