import PolicyRuntime

/// The two channels a policy name has.
public enum Channel: String, Sendable, CaseIterable, Codable {
    /// Serves a slice of traffic after passing the replay gate.
    case canary
    /// What `learn --policy registry:NAME@production` follows.
    case production
}

/// One stored policy file.
public struct PolicyVersion: Sendable, Equatable, Codable {
    public var version: Int64
    public var name: String
    public var sha256: String
    public var environment: String
    public var pushedAt: String
    /// Channels currently pointing at this version.
    public var channels: [Channel]
}

/// One line of a policy name's history.
public struct RegistryEvent: Sendable, Equatable {
    /// `push`, `promote` or `rollback`.
    public var action: String
    public var channel: Channel?
    public var version: Int64?
    public var previousVersion: Int64?
    public var at: String
    public var note: String
}

/// The outcome of replaying a held-out stream with the candidate and the current production
/// policy side by side.
public struct CanaryVerdict: Sendable, Equatable {
    /// Mean task metric (or reward) of the candidate and of production over the replay.
    public var candidate: Double
    public var production: Double?
    /// The candidate may be worse than production by at most this much.
    public var margin: Double

    public init(candidate: Double, production: Double?, margin: Double) {
        self.candidate = candidate
        self.production = production
        self.margin = margin
    }

    public var accepted: Bool { production.map { candidate >= $0 - margin } ?? true }

    public var summary: String {
        let p = production.map { String(format: "%.4f", $0) } ?? "none"
        return String(format: "replay: candidate %.4f, production %@, margin %.4f", candidate, p, margin)
    }
}

/// Why the registry refused an operation; `description` is the message a user reads.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    case database(path: String, message: String)
    case notARegularFile(path: String, reason: String)
    case unknownVersion(Int64)
    case noName(file: String)
    case badReference(String)
    case emptyChannel(name: String, channel: Channel)
    case canaryRefused(version: Int64, verdict: CanaryVerdict)
    case canaryNeedsReplay(version: Int64)
    case notCanary(version: Int64, name: String)
    case nothingToRollBack(name: String)

    public var description: String {
        switch self {
        case let .database(path, message): return "\(path): registry database error: \(message)"
        case let .notARegularFile(path, reason): return "\(path): the registry must be a regular file (\(reason))"
        case let .unknownVersion(v): return "no policy version \(v) in the registry"
        case let .noName(file): return "\(file): the policy names no environment; give it a name"
        case let .badReference(r): return "'\(r)' is not NAME@canary or NAME@production"
        case let .emptyChannel(name, channel): return "\(name) has no \(channel.rawValue) version"
        case let .canaryRefused(v, verdict):
            return "version \(v) refused as canary: it is worse than production beyond the margin (\(verdict.summary))"
        case let .canaryNeedsReplay(v): return "version \(v): a canary promotion needs a replay (or --force)"
        case let .notCanary(v, name): return "version \(v) is not \(name)'s canary; promote it to canary first (or --force)"
        case let .nothingToRollBack(name): return "\(name): production has no earlier version to roll back to"
        }
    }
}
