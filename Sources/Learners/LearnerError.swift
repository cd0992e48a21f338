/// What went wrong when configuring a learner or restoring its state.
public enum LearnerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `restore` got a snapshot of another learner kind.
    case kindMismatch(expected: String, found: String)
    /// `restore` got a snapshot of the same kind but another shape (features, classes, layers…).
    case shapeMismatch(kind: String, expected: [Int], found: [Int])
    /// The snapshot's parameter vector has the wrong length.
    case parameterCountMismatch(kind: String, expected: Int, found: Int)
    /// The snapshot's optimizer state does not fit this learner's optimizer.
    case optimizerStateMismatch(kind: String, expected: Int, found: Int)
    /// A constructor argument is out of range (`what` names it, `expected` says what is allowed).
    case invalidConfiguration(what: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .kindMismatch(expected, found):
            return "cannot restore a '\(found)' snapshot into a '\(expected)' learner"
        case let .shapeMismatch(kind, expected, found):
            return "cannot restore '\(kind)' snapshot of shape \(found) into a learner of shape \(expected)"
        case let .parameterCountMismatch(kind, expected, found):
            return "'\(kind)' snapshot has \(found) parameters, expected \(expected)"
        case let .optimizerStateMismatch(kind, expected, found):
            return "'\(kind)' snapshot has \(found) optimizer-state values, expected \(expected) (different optimizer?)"
        case let .invalidConfiguration(what, value, expected):
            return "invalid \(what) \(value): expected \(expected)"
        }
    }
}
