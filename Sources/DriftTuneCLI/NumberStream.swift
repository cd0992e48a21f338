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
        var reader = LineReader(input: input, column: column)
        var values: [Double] = []
        // "\r\n" is a single Character in Swift, so both line ends are separators here.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if let v = try reader.value(of: line) { values.append(v) }
        }
        if values.isEmpty { throw NumberStreamError.empty(input: input) }
        return values
    }

    /// Reads from a file path, or standard input for `nil` or `-`, into memory.
    public static func read(path: String?, column: String? = nil) throws -> [Double] {
        var values: [Double] = []
        try forEachValue(path: path, column: column) { values.append($0) }
        return values
    }

    /// Streams the values of a file path, or standard input for `nil` or `-`, to `body` in order,
    /// reading 64 KiB at a time (memory does not grow with the stream); returns how many there were.
    @discardableResult
    public static func forEachValue(path: String?, column: String? = nil, _ body: (Double) throws -> Void) throws -> Int {
        let input = path.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        let handle: FileHandle
        if input == "<stdin>" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: input) else {
                let reason = FileManager.default.fileExists(atPath: input) ? "not readable" : "no such file"
                throw NumberStreamError.unreadable(input: input, reason: reason)
            }
            handle = h
        }
        defer { if input != "<stdin>" { try? handle.close() } }
        var reader = LineReader(input: input, column: column)
        var pending: [UInt8] = []
        var count = 0
        func feed(_ bytes: ArraySlice<UInt8>) throws {
            var line = bytes
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw NumberStreamError.unreadable(input: input, reason: "not UTF-8 text (line \(reader.lineNumber + 1))")
            }
            if let v = try reader.value(of: Substring(text)) {
                count += 1
                try body(v)
            }
        }
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 16) ?? Data() } catch {
                throw NumberStreamError.unreadable(input: input, reason: "\(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try feed(pending[start..<nl])
                start = nl + 1
            }
            pending.removeSubrange(..<start)
        }
        try feed(pending[...])  // the last line, with or without a line end (an empty one is blank)
        if count == 0 { throw NumberStreamError.empty(input: input) }
        return count
    }

    /// One line at a time: blank lines carry no value; with a column, the first non-blank line is
    /// the header.
    struct LineReader {
        let input: String
        let column: String?
        private(set) var lineNumber = 0
        private var columnIndex: Int? = nil
        private var sawHeader = false

        init(input: String, column: String?) {
            self.input = input
            self.column = column
        }

        mutating func value(of rawLine: Substring) throws -> Double? {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
            guard let column else {
                return try NumberStream.number(line.trimmingCharacters(in: .whitespaces), input: input, line: lineNumber)
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                sawHeader = true
                let header = fields.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                guard let index = header.firstIndex(of: column) else {
                    throw NumberStreamError.missingColumn(input: input, column: column, available: header)
                }
                columnIndex = index
                return nil
            }
            guard let index = columnIndex, index < fields.count else {
                throw NumberStreamError.shortRow(input: input, line: lineNumber, column: column)
            }
            return try NumberStream.number(fields[index], input: input, line: lineNumber)
        }
    }

    fileprivate static func number(_ field: String, input: String, line: Int) throws -> Double {
        // Double(String) accepts "nan" and "inf"; a detector fed those would be poisoned, so refuse.
        guard let value = Double(field), value.isFinite else {
            throw NumberStreamError.notANumber(input: input, line: line, text: String(field.prefix(40)))
        }
        return value
    }
}
