/// Why a training configuration (flags or YAML) was rejected. `description` is the message a user
/// reads: where, what was wrong, what was expected.
public enum TrainingConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case syntax(file: String, line: Int, column: Int, problem: String)
    case unknownKey(file: String, line: Int, key: String, allowed: [String])
    case wrongType(file: String, line: Int, key: String, expected: String, found: String)
    /// A value outside what the trainer accepts; `file` is nil for flags and defaults.
    case invalid(file: String?, line: Int?, key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found; expected a training configuration (YAML)"
        case let .syntax(file, line, column, problem):
            return "\(file):\(line):\(column): YAML syntax error: \(problem)"
        case let .unknownKey(file, line, key, allowed):
            return "\(file):\(line): unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))"
        case let .wrongType(file, line, key, expected, found):
            return "\(file):\(line): '\(key)' is \(found); expected \(expected)"
        case let .invalid(file, line, key, value, expected):
            let place = file.map { f in line.map { "\(f):\($0): " } ?? "\(f): " } ?? ""
            return "\(place)'\(key)' is \(value); expected \(expected)"
        }
    }
}
