/// Why a results folder was rejected. `description` is the message a user reads.
public enum ResultsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A results folder that holds another scenario's results.
    case foreignResults(directory: String, found: String, expected: String)
    /// A results folder without the files a command needs.
    case missingResults(path: String, problem: String)

    public var description: String {
        switch self {
        case .foreignResults(let d, let found, let expected):
            return "\(d) holds the results of scenario '\(found)', not '\(expected)'; choose another --out or remove it"
        case .missingResults(let path, let problem):
            return "\(path): \(problem)"
        }
    }
}
