/// Why an environment spec was rejected. `description` is the message a user reads:
/// `FILE:LINE:COLUMN: what was wrong; expected what`.
public enum SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case environmentNotFound(name: String, searched: [String])
    case syntax(file: String, line: Int, column: Int, problem: String)
    case unknownKey(file: String, line: Int, column: Int, key: String, allowed: [String])
    case missingKey(file: String, line: Int, column: Int, key: String)
    case wrongType(file: String, line: Int, column: Int, field: String, expected: String, found: String)
    case outOfRange(file: String, line: Int, column: Int, field: String, value: String, expected: String)
    case invalid(file: String, line: Int, column: Int, field: String, problem: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found; expected a readable environment spec (YAML)"
        case .environmentNotFound(let name, let searched):
            return "environment '\(name)' not found; expected \(name).yaml in one of: "
                + (searched.isEmpty ? "(no environments directory found)" : searched.joined(separator: ", "))
        case .syntax(let f, let l, let c, let problem):
            return "\(f):\(l):\(c): YAML syntax error: \(problem)"
        case .unknownKey(let f, let l, let c, let key, let allowed):
            return "\(f):\(l):\(c): unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))"
        case .missingKey(let f, let l, let c, let key):
            return "\(f):\(l):\(c): missing required key '\(key)'"
        case .wrongType(let f, let l, let c, let field, let expected, let found):
            return "\(f):\(l):\(c): '\(field)' has the wrong type (\(found)); expected \(expected)"
        case .outOfRange(let f, let l, let c, let field, let value, let expected):
            return "\(f):\(l):\(c): '\(field)' is \(value), out of range; expected \(expected)"
        case .invalid(let f, let l, let c, let field, let problem):
            return "\(f):\(l):\(c): '\(field)': \(problem)"
        }
    }
}
