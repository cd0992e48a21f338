/// Where `ProductionRun` pulls labelled rows from, a period at a time: a CSV stream read as it
/// goes (`CSVStream`) or rows already in memory (`LabelledCSV`).
public protocol RowSource {
    /// The input's name for messages (a path or `<stdin>`).
    var input: String { get }
    /// Feature columns after encoding (a one-hot column counts once per category slot).
    var featureCount: Int { get }
    /// Rows skipped as malformed so far.
    var skippedCount: Int { get }
    /// Refuses, as a malformed row, any later label of `limit` or more (the run's class count).
    mutating func limitLabels(to limit: Int)
    /// Writes up to `rows` rows (`rows × featureCount` features, `rows` labels); returns how many,
    /// fewer only at the end of the stream.
    mutating func read(rows: Int, features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) throws -> Int
}

/// `LabelledCSV`'s rows, handed out in order.
public struct InMemoryRows: RowSource {
    public let stream: LabelledCSV
    private var next = 0
    private var limit = Int.max

    public init(_ stream: LabelledCSV) { self.stream = stream }

    public var input: String { "stream" }
    public var featureCount: Int { stream.featureCount }
    public var skippedCount: Int { stream.skipped.count }
    public mutating func limitLabels(to limit: Int) { self.limit = limit }

    public mutating func read(rows: Int, features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) throws -> Int {
        let n = min(rows, stream.count - next), f = stream.featureCount
        guard n > 0 else { return 0 }
        stream.features.withUnsafeBufferPointer { features.update(from: $0.baseAddress! + next * f, count: n * f) }
        stream.labels.withUnsafeBufferPointer { labels.update(from: $0.baseAddress! + next, count: n) }
        if let bad = (0..<n).first(where: { Int(labels[$0]) >= limit }) {
            throw StreamError.badRow(input: input, line: next + bad + 2,
                                     reason: "label \(labels[bad]) is beyond the run's classes (0 to \(limit - 1))")
        }
        next += n
        return n
    }
}
