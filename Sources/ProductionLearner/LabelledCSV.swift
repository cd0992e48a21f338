import Foundation
import PolicyRuntime
import SafeFiles

/// A labelled stream read from CSV: dense `Float` features (row-major) and integer class labels.
public struct LabelledCSV: Sendable {
    public var featureNames: [String]
    public var features: [Float]
    public var labels: [Int32]
    /// Rows skipped as malformed (with `skipBadRows`), by line number and reason.
    public var skipped: [(line: Int, reason: String)]

    /// A stream from features already in memory (`labels.count × featureNames.count`, row-major).
    public init(featureNames: [String], features: [Float], labels: [Int32], skipped: [(line: Int, reason: String)] = []) {
        precondition(features.count == labels.count * featureNames.count, "features must be labels.count × featureNames.count")
        self.featureNames = featureNames
        self.features = features
        self.labels = labels
        self.skipped = skipped
    }

    /// The most classes a stream may have (labels 0 ..< maxClassCount), checked as rows are read,
    /// before a learner allocates per-class weights.
    public static let maxClassCount = 10_000

    public var count: Int { labels.count }
    public var featureCount: Int { featureNames.count }
    /// Classes seen: the largest label + 1 (at least 2).
    public var classCount: Int { max(2, Int(labels.max() ?? 0) + 1) }
}

/// Why a stream could not be read; each message names the input and, where there is one, the line.
public enum StreamError: Error, Equatable, CustomStringConvertible {
    case unreadable(input: String, reason: String)
    case empty(input: String)
    case missingLabelColumn(input: String, column: String, available: [String])
    case badRow(input: String, line: Int, reason: String)
    case tooShort(input: String, rows: Int, needed: Int)
    case tooLarge(what: String, features: Int, limit: Int)
    case textColumn(input: String, line: Int, column: String, value: String)

    public var description: String {
        switch self {
        case let .unreadable(input, reason): return "\(input): cannot read: \(reason)"
        case let .empty(input): return "\(input): no header line (the input is empty)"
        case let .missingLabelColumn(input, column, available):
            return "\(input):1: no label column \"\(inputExcerpt(column, limit: 40))\" in the header "
                + "(\(available.count) columns: \(inputExcerpt(available.joined(separator: ", "))))"
        case let .badRow(input, line, reason): return "\(input):\(line): \(reason)"
        case let .tooShort(input, rows, needed): return "\(input): \(rows) usable rows, need at least \(needed) (warm-up plus one period)"
        case let .textColumn(input, line, column, value):
            return "\(input):\(line): column \(inputExcerpt(column, limit: 40)) holds text (\"\(inputExcerpt(value, limit: 20))\"), "
                + "not numbers; encode it with --categorical onehot or drop the column"
        case let .tooLarge(what, features, limit):
            return "\(what) × \(features) features is more than \(limit) values; use a shorter window or period, or fewer features"
        }
    }
}

extension LabelledCSV {
    /// Parses CSV text with a header, all in memory (tests and the registry's canary replay; `learn`
    /// streams through `CSVStream`, which this uses). The label column holds class indices 0, 1, 2, …;
    /// every other column is a numeric feature. A malformed row (wrong field count, a non-number, a
    /// negative or fractional label) is an error naming its line, or, with `skipBadRows`, is
    /// skipped and listed in `skipped` — never silently dropped.
    public static func parse(_ text: String, input: String, labelColumn: String, skipBadRows: Bool = false) throws -> LabelledCSV {
        var skipped: [(line: Int, reason: String)] = []
        var csv = try CSVStream(bytes: Array(text.utf8), input: input, labelColumn: labelColumn, skipBadRows: skipBadRows,
                                onSkip: { skipped.append(($0, $1)) })
        return try collect(&csv) { skipped }
    }

    /// Reads a CSV file, or standard input for `nil` or `-`, all into memory.
    public static func read(path: String?, labelColumn: String, skipBadRows: Bool = false) throws -> LabelledCSV {
        var skipped: [(line: Int, reason: String)] = []
        var csv = try CSVStream(path: path, labelColumn: labelColumn, skipBadRows: skipBadRows, onSkip: { skipped.append(($0, $1)) })
        defer { csv.close() }
        return try collect(&csv) { skipped }
    }

    private static func collect(_ csv: inout CSVStream, skipped: () -> [(line: Int, reason: String)]) throws -> LabelledCSV {
        let (features, labels) = try csv.readAll(chunk: 4096)
        return LabelledCSV(featureNames: csv.featureNames, features: features, labels: labels, skipped: skipped())
    }
}
