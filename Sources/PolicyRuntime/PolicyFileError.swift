/// Why a policy file was refused. `description` is the message a user reads: it names the file
/// and what was wrong, and where there is one, the field.
public enum PolicyFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    /// The first line is not the JSON header this format starts with.
    case badHeader(file: String, reason: String)
    case unknownFormat(file: String, found: String)
    case unsupportedFormatVersion(file: String, found: Int, supported: [Int])
    /// Fewer (or more) payload bytes than the header announces.
    case truncated(file: String, expectedBytes: Int, foundBytes: Int)
    case digestMismatch(file: String, expected: String, computed: String)
    /// The payload is not the JSON the format describes.
    case malformed(file: String, field: String, reason: String)
    /// A field has the wrong number of values for the shapes around it.
    case shape(file: String, field: String, expected: Int, found: Int)
    case nonFinite(file: String, field: String, index: Int)
    case invalidValue(file: String, field: String, reason: String)
    /// An object holds the same key twice (readers would disagree on which value counts).
    case duplicateKey(file: String, path: String, key: String)
    case schemaVersionMismatch(file: String, policy: Int, expected: Int)
    case schemaFeatureMismatch(file: String, index: Int, policy: String, expected: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .badHeader(file, reason): return "\(file):1: not a DriftTune policy file header: \(reason)"
        case let .unknownFormat(file, found): return "\(file):1: unknown format \"\(found)\" (expected \"\(PolicyFile.formatName)\")"
        case let .unsupportedFormatVersion(file, found, supported):
            let older = found < (supported.min() ?? found) ? "; it was written by an older DriftTune: export it again from its checkpoint" : ""
            return "\(file):1: format version \(found) is not supported (this runtime reads \(supported.map(String.init).joined(separator: ", "))\(older))"
        case let .truncated(file, expected, found):
            return "\(file): truncated or padded: the header announces \(expected) payload bytes, found \(found)"
        case let .digestMismatch(file, expected, computed):
            return "\(file): SHA-256 mismatch: the header says \(expected), the payload hashes to \(computed) (file corrupted or edited)"
        case let .malformed(file, field, reason): return "\(file): payload field \(field): \(reason)"
        case let .shape(file, field, expected, found): return "\(file): \(field) has \(found) values, expected \(expected)"
        case let .nonFinite(file, field, index): return "\(file): \(field)[\(index)] is not finite"
        case let .invalidValue(file, field, reason): return "\(file): \(field): \(reason)"
        case let .duplicateKey(file, path, key): return "\(file): duplicate key \"\(key)\" in \(path)"
        case let .schemaVersionMismatch(file, policy, expected):
            return "\(file): observation schema version \(policy), but this learner produces version \(expected)"
        case let .schemaFeatureMismatch(file, index, policy, expected):
            return "\(file): observation feature \(index) is \"\(policy)\", but this learner produces \"\(expected)\""
        }
    }
}
