/// Why a configuration file (an environment spec, a scenario or training settings) was rejected.
/// `description` is the message a user reads: `FILE:LINE:COLUMN: what was wrong; expected what`.
/// A location with `line` 0 (found after reading, e.g. by a cross-field check) prints as `FILE: `;
/// an empty `file` (values from flags or code) prints no location.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `expected` says what the file should have been, e.g. "a scenario (YAML)".
    case fileNotFound(path: String, expected: String)
    /// A name looked up in folders (`kind` e.g. "environment") that none of them holds.
    case notFound(kind: String, name: String, searched: [String])
    case syntax(file: String, line: Int, column: Int, problem: String)
    /// A key given twice in one mapping (at its first occurrence, `again` its next line or 0).
    case duplicateKey(file: String, line: Int, column: Int, key: String, again: Int)
    case unknownKey(file: String, line: Int, column: Int, key: String, allowed: [String])
    case missingKey(file: String, line: Int, column: Int, key: String)
    case wrongType(file: String, line: Int, column: Int, field: String, expected: String, found: String)
    case outOfRange(file: String, line: Int, column: Int, field: String, value: String, expected: String)
    case invalid(file: String, line: Int, column: Int, field: String, problem: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let expected):
            return "\(path): file not found; expected \(expected)"
        case .notFound(let kind, let name, let searched):
            return "\(kind) '\(Self.excerpt(name))' not found; expected \(Self.excerpt(name)).yaml in one of: "
                + (searched.isEmpty ? "(no \(kind)s directory found)" : searched.joined(separator: ", "))
        case .syntax(let f, let l, let c, let problem):
            return "\(Self.place(f, l, c))YAML syntax error: \(problem)"
        case .duplicateKey(let f, let l, let c, let key, let again):
            let second = again > 0 ? " (again at line \(again))" : ""
            return "\(Self.place(f, l, c))duplicate key '\(Self.excerpt(key))'\(second); expected each key once per mapping"
        case .unknownKey(let f, let l, let c, let key, let allowed):
            return "\(Self.place(f, l, c))unknown key '\(Self.excerpt(key))'; expected one of: \(allowed.joined(separator: ", "))"
        case .missingKey(let f, let l, let c, let key):
            return "\(Self.place(f, l, c))missing required key '\(key)'"
        case .wrongType(let f, let l, let c, let field, let expected, let found):
            return "\(Self.place(f, l, c))'\(field)' has the wrong type (\(Self.excerpt(found))); expected \(expected)"
        case .outOfRange(let f, let l, let c, let field, let value, let expected):
            return "\(Self.place(f, l, c))'\(field)' is \(Self.excerpt(value)), out of range; expected \(expected)"
        case .invalid(let f, let l, let c, let field, let problem):
            return "\(Self.place(f, l, c))'\(field)': \(problem)"
        }
    }

    /// `FILE:LINE:COLUMN: `, `FILE: ` without a line, nothing without a file.
    static func place(_ file: String, _ line: Int, _ column: Int) -> String {
        if file.isEmpty { return "" }
        return line > 0 ? "\(file):\(line):\(column): " : "\(file): "
    }

    /// At most `limit` characters of user input, so a message never repeats a whole bad value.
    ///
    ///     ConfigError.excerpt(String(repeating: "x", count: 100))   // 39 x's and "…"
    public static func excerpt(_ text: String, limit: Int = 40) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "⏎")
        return oneLine.count <= limit ? oneLine : String(oneLine.prefix(limit - 1)) + "…"
    }
}
