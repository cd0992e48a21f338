import Foundation

/// Errors reading a stream of numbers; each names the input and, where there is one, the line.
public enum NumberStreamError: Error, CustomStringConvertible, Equatable {
    case unreadable(input: String, reason: String)
    case empty(input: String)
    case notANumber(input: String, line: Int, text: String)
    case missingColumn(input: String, column: String, available: [String])
    case shortRow(input: String, line: Int, column: String)

    public var description: String {
        switch self {
        case let .unreadable(input, reason):
            return "\(input): cannot read: \(reason)"
        case let .empty(input):
            return "\(input): no values (the input is empty)"
        case let .notANumber(input, line, text):
            return "\(input):\(line): expected a number, found \"\(text)\""
        case let .missingColumn(input, column, available):
            return "\(input):1: no column \"\(column)\" in the header (columns: \(available.joined(separator: ", ")))"
        case let .shortRow(input, line, column):
            return "\(input):\(line): row has no value for column \"\(column)\""
        }
    }
}

/// Reads a univariate stream: one number per line, or one column of a CSV file with a header.
///
/// Blank lines are skipped (they carry no value); every other line must hold a number, or the
/// whole read fails naming the line, so that no value is silently dropped.
public enum NumberStream {
    /// Parses `text` (from `input`, a name used in messages). With `column`, the first line is a CSV
    /// header and values come from that column.
    public static func parse(_ text: String, input: String, column: String? = nil) throws -> [Double] {
        var values: [Double] = []
        var columnIndex: Int? = nil
        var lineNumber = 0
        var sawHeader = false
        // "\r\n" is a single Character in Swift, so both line ends are separators here.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if let column {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if !sawHeader {
                    sawHeader = true
                    let header = fields.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                    guard let index = header.firstIndex(of: column) else {
                        throw NumberStreamError.missingColumn(input: input, column: column, available: header)
                    }
                    columnIndex = index
                    continue
                }
                guard let index = columnIndex, index < fields.count else {
                    throw NumberStreamError.shortRow(input: input, line: lineNumber, column: column)
                }
                values.append(try number(fields[index], input: input, line: lineNumber))
            } else {
                values.append(try number(line.trimmingCharacters(in: .whitespaces), input: input, line: lineNumber))
            }
        }
        if values.isEmpty { throw NumberStreamError.empty(input: input) }
        return values
    }

    /// Reads from a file path, or standard input for `nil` or `-`.
    public static func read(path: String?, column: String? = nil) throws -> [Double] {
        let input = path.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        let data: Data
        if input == "<stdin>" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: input))
            } catch {
                let reason = FileManager.default.fileExists(atPath: input) ? "not readable" : "no such file"
                throw NumberStreamError.unreadable(input: input, reason: reason)
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NumberStreamError.unreadable(input: input, reason: "not UTF-8 text")
        }
        return try parse(text, input: input, column: column)
    }

    private static func number(_ field: String, input: String, line: Int) throws -> Double {
        // Double(String) accepts "nan" and "inf"; a detector fed those would be poisoned, so refuse.
        guard let value = Double(field), value.isFinite else {
            throw NumberStreamError.notANumber(input: input, line: line, text: String(field.prefix(40)))
        }
        return value
    }
}
