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

    public var description: String {
        switch self {
        case let .unreadable(input, reason): return "\(input): cannot read: \(reason)"
        case let .empty(input): return "\(input): no header line (the input is empty)"
        case let .missingLabelColumn(input, column, available):
            return "\(input):1: no label column \"\(inputExcerpt(column, limit: 40))\" in the header "
                + "(\(available.count) columns: \(inputExcerpt(available.joined(separator: ", "))))"
        case let .badRow(input, line, reason): return "\(input):\(line): \(reason)"
        case let .tooShort(input, rows, needed): return "\(input): \(rows) usable rows, need at least \(needed) (warm-up plus one period)"
        }
    }
}

extension LabelledCSV {
    /// Parses CSV text with a header. The label column holds class indices 0, 1, 2, …; every
    /// other column is a numeric feature. A malformed row (wrong field count, a non-number, a
    /// negative or fractional label) is an error naming its line, or, with `skipBadRows`, is
    /// skipped and listed in `skipped` — never silently dropped.
    public static func parse(_ text: String, input: String, labelColumn: String, skipBadRows: Bool = false) throws -> LabelledCSV {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).makeIterator()
        guard let headerLine = lines.next(), !headerLine.allSatisfy(\.isWhitespace) else { throw StreamError.empty(input: input) }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let labelIndex = header.firstIndex(of: labelColumn) else {
            throw StreamError.missingLabelColumn(input: input, column: labelColumn, available: header)
        }
        var stream = LabelledCSV(featureNames: header.enumerated().filter { $0.offset != labelIndex }.map(\.element),
                                    features: [], labels: [], skipped: [])
        var lineNumber = 1
        var row = [Float](repeating: 0, count: header.count - 1)
        while let line = lines.next() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var problem: String?
            var label: Int32 = 0
            if fields.count != header.count {
                problem = "expected \(header.count) fields, found \(fields.count)"
            } else {
                var j = 0
                for (i, raw) in fields.enumerated() {
                    let field = raw.trimmingCharacters(in: .whitespaces)
                    if i == labelIndex {
                        guard let v = Int32(field), v >= 0 else {
                            problem = "label \"\(inputExcerpt(field, limit: 20))\" is not a class index (0, 1, 2, …)"
                            break
                        }
                        guard v < LabelledCSV.maxClassCount else {
                            problem = "label \(v) is beyond the largest class index \(LabelledCSV.maxClassCount - 1)"
                            break
                        }
                        label = v
                    } else {
                        guard let v = Float(field), v.isFinite else {
                            problem = "column \(inputExcerpt(header[i], limit: 40)): expected a number, found \"\(inputExcerpt(field, limit: 20))\""
                            break
                        }
                        row[j] = v
                        j += 1
                    }
                }
            }
            if let problem {
                guard skipBadRows else { throw StreamError.badRow(input: input, line: lineNumber, reason: problem) }
                stream.skipped.append((lineNumber, problem))
                continue
            }
            stream.features += row
            stream.labels.append(label)
        }
        return stream
    }

    /// Reads a CSV file, or standard input for `nil` or `-`.
    public static func read(path: String?, labelColumn: String, skipBadRows: Bool = false) throws -> LabelledCSV {
        let input = path.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        let data: Data
        if input == "<stdin>" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: input)) } catch {
                throw StreamError.unreadable(input: input, reason: FileManager.default.fileExists(atPath: input) ? "not readable" : "no such file")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw StreamError.unreadable(input: input, reason: "not UTF-8 text") }
        return try parse(text, input: input, labelColumn: labelColumn, skipBadRows: skipBadRows)
    }
}
