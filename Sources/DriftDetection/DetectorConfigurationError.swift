/// Why `DetectorRegistry.make` could not build a detector; `description` is a one-line message
/// for the user.
public enum DetectorConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No detector has this name.
    case unknownDetector(name: String, known: [String])
    /// The detector has no parameter with this name.
    case unknownParameter(detector: String, parameter: String, valid: [String])
    /// The value did not parse or is out of range; `expected` says what would be accepted.
    case invalidValue(detector: String, parameter: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .unknownDetector(name, known):
            "unknown detector '\(name)'; known detectors: \(known.joined(separator: ", "))"
        case let .unknownParameter(detector, parameter, valid):
            "unknown parameter '\(parameter)' for detector '\(detector)'; valid parameters: \(valid.joined(separator: ", "))"
        case let .invalidValue(detector, parameter, value, expected):
            "invalid value '\(value)' for parameter '\(parameter)' of detector '\(detector)': expected \(expected)"
        }
    }
}
