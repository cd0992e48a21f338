#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SafeFiles

/// What to do with a feature column whose first value is not a number.
public enum CategoricalColumns: Sendable, Equatable {
    /// Refuse the stream, naming the column (the default).
    case refuse
    /// One-hot encode it into `maxCategories` slots: the first `maxCategories − 1` distinct values
    /// seen get one each, every later value shares the last ("other").
    case oneHot(maxCategories: Int)

    /// The most slots a one-hot column may take.
    public static let maxCategoriesLimit = 1_000
}

/// A labelled CSV stream read incrementally from bytes (a file or standard input), in memory that
/// does not grow with its length: `ProductionRun` pulls rows a period at a time.
///
/// The header names the columns; the label column holds class indices 0, 1, … (below
/// `LabelledCSV.maxClassCount`, and below the run's class count once `limitLabels` is called);
/// every other column is a number, or — decided on the first data row — text, which `categorical`
/// refuses or one-hot encodes. A malformed row (wrong field count, a non-number, a bad label, a
/// row cut off by the end of the stream) throws `StreamError.badRow` naming its line, or with
/// `skipBadRows` is passed to `onSkip` and left out; nothing else is dropped.
///
///     var s = try CSVStream(path: "s.csv", labelColumn: "label")
///     let n = try s.read(rows: 1000, features: x, labels: y)
public struct CSVStream: RowSource {
    public let input: String
    public private(set) var featureNames: [String] = []
    public private(set) var skippedCount = 0
    public let skipBadRows: Bool
    /// Called with the line and reason of every skipped row, as it is skipped.
    public var onSkip: (Int, String) -> Void

    private var reader: CSVRecordReader
    private var descriptor: Int32 = -1
    private let header: [String]
    private let labelIndex: Int
    private let categorical: CategoricalColumns
    private var labelLimit = LabelledCSV.maxClassCount
    /// Per column (label excluded): the first feature slot, and for a one-hot column its categories.
    private var slot: [Int] = []
    private var categories: [[[UInt8]]?] = []
    private var isCategorical: [Bool] = []
    private var layoutFixed = false
    private var row: [Float] = []

    /// Opens `path` (`nil` or `-` for standard input) and reads the header and the first data row.
    public init(path: String?, labelColumn: String, skipBadRows: Bool = false, categorical: CategoricalColumns = .refuse,
                onSkip: @escaping (Int, String) -> Void = { _, _ in }) throws {
        let name = path.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        var fd: Int32 = 0
        if name != "<stdin>" {
            fd = open(name, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw StreamError.unreadable(input: name, reason: errno == ENOENT ? "no such file" : "not readable")
            }
        }
        try self.init(reader: CSVRecordReader(descriptor: fd), input: name, labelColumn: labelColumn, skipBadRows: skipBadRows,
                      categorical: categorical, onSkip: onSkip)
        if name != "<stdin>" { descriptor = fd }
    }

    /// A stream over bytes already in memory (tests, `LabelledCSV.parse`).
    public init(bytes: [UInt8], input: String, labelColumn: String, skipBadRows: Bool = false,
                categorical: CategoricalColumns = .refuse, onSkip: @escaping (Int, String) -> Void = { _, _ in }) throws {
        try self.init(reader: CSVRecordReader(bytes: bytes), input: input, labelColumn: labelColumn, skipBadRows: skipBadRows,
                      categorical: categorical, onSkip: onSkip)
    }

    private init(reader: CSVRecordReader, input: String, labelColumn: String, skipBadRows: Bool,
                 categorical: CategoricalColumns, onSkip: @escaping (Int, String) -> Void) throws {
        self.input = input
        self.skipBadRows = skipBadRows
        self.categorical = categorical
        self.onSkip = onSkip
        var r = reader
        guard try Self.advance(&r, input: input), !r.isBlank else { throw StreamError.empty(input: input) }
        header = (0..<r.fieldCount).map { r.string($0) }
        self.reader = r
        guard let index = header.firstIndex(of: labelColumn) else {
            throw StreamError.missingLabelColumn(input: input, column: labelColumn, available: header)
        }
        labelIndex = index
        pendingRecord = try nextRecord()
        try fixLayout()
    }

    /// Closes the file (not standard input).
    public mutating func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    public var featureCount: Int { row.count }
    public mutating func limitLabels(to limit: Int) { labelLimit = min(limit, LabelledCSV.maxClassCount) }

    /// A record read ahead (the first data row, read to decide the layout).
    private var pendingRecord = false

    private static func advance(_ reader: inout CSVRecordReader, input: String) throws -> Bool {
        do { return try reader.next() } catch CSVRecordError.tooLong(let line, let limit) {
            throw StreamError.badRow(input: input, line: line, reason: "a row longer than \(limit >> 20) MiB")
        } catch CSVRecordError.unreadable(let reason) {
            throw StreamError.unreadable(input: input, reason: reason)
        }
    }

    /// Moves to the next non-blank record; false at the end.
    private mutating func nextRecord() throws -> Bool {
        while try Self.advance(&reader, input: input) {
            if !reader.isBlank { return true }
        }
        return false
    }

    /// Decides which columns are text from the pending record (all numbers when there is none).
    private mutating func fixLayout() throws {
        var next = 0
        for c in header.indices where c != labelIndex {
            slot.append(next)
            var isText = false
            if pendingRecord, reader.fieldCount == header.count {
                isText = reader.withField(c) { DecimalParsing.finiteFloat($0) == nil && !$0.isEmpty }
            }
            if isText, categorical == .refuse {
                throw StreamError.textColumn(input: input, line: reader.line, column: header[c], value: reader.string(c))
            }
            if isText, case .oneHot(let k) = categorical {
                categories.append([])
                isCategorical.append(true)
                featureNames += (0..<k).map { $0 == k - 1 ? "\(header[c])=other" : "\(header[c])=#\($0)" }
                next += k
            } else {
                categories.append(nil)
                isCategorical.append(false)
                featureNames.append(header[c])
                next += 1
            }
        }
        row = [Float](repeating: 0, count: next)
        layoutFixed = true
    }

    public mutating func read(rows: Int, features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) throws -> Int {
        var n = 0
        let f = row.count
        while n < rows {
            if pendingRecord { pendingRecord = false } else if !(try nextRecord()) { break }
            if let problem = parseRecord(into: features + n * f, label: &labels[n]) {
                guard skipBadRows else { throw StreamError.badRow(input: input, line: reader.line, reason: problem) }
                skippedCount += 1
                onSkip(reader.line, problem)
                continue
            }
            n += 1
        }
        return n
    }

    /// Every remaining row, read `chunk` rows at a time (for in-memory use: tests, `LabelledCSV`).
    mutating func readAll(chunk: Int) throws -> (features: [Float], labels: [Int32]) {
        let f = featureCount
        var features: [Float] = [], labels: [Int32] = []
        var x = [Float](repeating: 0, count: max(1, chunk * f)), y = [Int32](repeating: 0, count: chunk)
        while true {
            let n = try x.withUnsafeMutableBufferPointer { px in
                try y.withUnsafeMutableBufferPointer { py in try read(rows: chunk, features: px.baseAddress!, labels: py.baseAddress!) }
            }
            features += x[0..<(n * f)]
            labels += y[0..<n]
            if n < chunk { return (features, labels) }
        }
    }

    /// Parses the current record; returns what is wrong with it, if anything.
    private mutating func parseRecord(into x: UnsafeMutablePointer<Float>, label: inout Int32) -> String? {
        let cut = reader.unterminated ? "the stream ends mid-row: " : ""
        if reader.openQuote { return cut + "a quoted field is not closed" }
        guard reader.fieldCount == header.count else { return cut + "expected \(header.count) fields, found \(reader.fieldCount)" }
        var column = 0
        for c in 0..<header.count {
            if c == labelIndex {
                let v = reader.withField(c) { DecimalParsing.classIndex($0) }
                guard let v else {
                    return cut + "label \"\(inputExcerpt(reader.string(c), limit: 20))\" is not a class index (0, 1, 2, …)"
                }
                guard v < LabelledCSV.maxClassCount else {
                    return "label \(v) is beyond the largest class index \(LabelledCSV.maxClassCount - 1)"
                }
                guard v < labelLimit else {
                    return "label \(v) is beyond the run's classes (0 to \(labelLimit - 1), from --classes or the rows before the first period)"
                }
                label = v
                continue
            }
            defer { column += 1 }
            let s = slot[column]
            if isCategorical[column] {
                encode(column: column, into: x + s)
                continue
            }
            guard let v = reader.withField(c, { DecimalParsing.finiteFloat($0) }) else {
                return cut + "column \(inputExcerpt(header[c], limit: 40)): expected a number, found \"\(inputExcerpt(reader.string(c), limit: 20))\""
            }
            x[s] = v
        }
        return nil
    }

    /// One-hot: zeros in the column's slots, a one in its category's (or "other").
    private mutating func encode(column: Int, into x: UnsafeMutablePointer<Float>) {
        guard case .oneHot(let k) = categorical, var known = categories[column] else { return }
        let c = column < labelIndex ? column : column + 1
        x.update(repeating: 0, count: k)
        let index: Int = reader.withField(c) { value in
            for (i, seen) in known.enumerated() where seen.count == value.count {
                if value.isEmpty || seen.withUnsafeBufferPointer({ memcmp($0.baseAddress!, value.baseAddress!, value.count) == 0 }) { return i }
            }
            return -1
        }
        if index >= 0 { x[index] = 1; return }
        if known.count < k - 1 {
            known.append(reader.withField(c) { Array($0) })
            x[known.count - 1] = 1
            categories[column] = known
        } else {
            x[k - 1] = 1
        }
    }
}
