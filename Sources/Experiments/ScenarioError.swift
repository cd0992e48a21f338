/// Why a scenario file, or a results folder, was rejected. `description` is the message a user
/// reads: `FILE:LINE:COLUMN: what was wrong; expected what`.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case syntax(file: String, line: Int, column: Int, problem: String)
    case unknownKey(file: String, line: Int, column: Int, key: String, allowed: [String])
    case missingKey(file: String, line: Int, column: Int, key: String)
    case wrongType(file: String, line: Int, column: Int, field: String, expected: String, found: String)
    case outOfRange(file: String, line: Int, column: Int, field: String, value: String, expected: String)
    case invalid(file: String, line: Int, column: Int, field: String, problem: String)
    /// An environment override or environment spec that the simulator rejected.
    case environment(file: String, line: Int, column: Int, field: String, problem: String)
    /// A results folder that holds another scenario's results.
    case foreignResults(directory: String, found: String, expected: String)
    /// A results folder without the files a command needs.
    case missingResults(path: String, problem: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found; expected a readable scenario (YAML)"
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
        case .environment(let f, let l, let c, let field, let problem):
            return "\(f):\(l):\(c): '\(field)': \(problem)"
        case .foreignResults(let d, let found, let expected):
            return "\(d) holds the results of scenario '\(found)', not '\(expected)'; choose another --out or remove it"
        case .missingResults(let path, let problem):
            return "\(path): \(problem)"
        }
    }
}
