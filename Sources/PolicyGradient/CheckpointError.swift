/// Why a checkpoint could not be used.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint does not fit what it is being loaded into.
    case mismatch(what: String, expected: String, found: String)
    /// The file's format version is not one this build reads.
    case unsupportedVersion(found: Int, supported: Int)
    /// The file could not be read as a checkpoint.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatch(what, expected, found):
            return "checkpoint \(what) mismatch: expected \(expected), found \(found)"
        case let .unsupportedVersion(found, supported):
            return "checkpoint format version \(found) is not supported (this build reads version \(supported))"
        case let .unreadable(path, reason):
            return "\(path): cannot read checkpoint: \(reason)"
        }
    }
}
