import ArgumentParser
import Foundation
import PolicyRegistry
import PolicyRuntime

/// `drifttune registry`: versions of exported policies, their canary and production channels.
public struct RegistryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Store policy versions; promote them through canary to production; roll back.",
        subcommands: [Push.self, List.self, Show.self, Promote.self, Rollback.self]
    )
    public init() {}

    /// The registry file shared by every subcommand.
    struct Location: ParsableArguments {
        @Option(name: .customLong("registry"), help: "The registry file (SQLite; created if missing).")
        var path = "policies.sqlite"

        func open() throws -> Registry { try Registry(path: path) }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a policy file and store it as a new version.")
        @OptionGroup var location: Location
        @Option(help: "Policy name (default: the environment it was trained on).") var name: String?
        @Argument(help: "The policy file.") var file: String

        func run() throws {
            try reportingUserErrors {
                let v = try location.open().push(fileAt: file, name: name)
                try emit("\(printable(v.name)) version \(v.version) sha256 \(v.sha256)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List versions and the channels they hold.")
        @OptionGroup var location: Location
        @Option(help: "Only this policy name.") var name: String?
        @Flag(help: "Print JSON (snake_case keys).") var json = false

        func run() throws {
            try reportingUserErrors {
                let versions = try location.open().list(name: name)
                if json {
                    try emit(String(decoding: try RegistryOutput.encoder().encode(versions), as: UTF8.self))
                    return
                }
                try emit("version  name                  channels            pushed                sha256")
                for v in versions {
                    let channels = v.channels.map(\.rawValue).joined(separator: ",")
                    try emit("\(pad(String(v.version), 8)) \(pad(printable(v.name), 21)) \(pad(channels, 19)) \(pad(printable(v.pushedAt), 21)) \(printable(String(v.sha256.prefix(12))))")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a version's provenance and history.")
        @OptionGroup var location: Location
        @Argument(help: "Version number.") var version: Int64
        @Flag(help: "Print JSON (snake_case keys).") var json = false

        func run() throws {
            try reportingUserErrors {
                let registry = try location.open()
                let policy = try registry.policy(version: version)
                let p = policy.document.provenance
                guard let entry = try registry.list().first(where: { $0.version == version }) else {
                    throw RegistryError.unknownVersion(version)
                }
                let history = try registry.history(name: entry.name).filter { $0.version == version || $0.previousVersion == version }
                if json {
                    let shown = RegistryOutput.Shown(
                        version: version, name: entry.name, sha256: entry.sha256, channels: entry.channels, provenance: p,
                        observationSchemaVersion: policy.document.observationSchema.version, features: policy.featureNames,
                        history: history.map { .init(at: $0.at, action: $0.action, channel: $0.channel, version: $0.version,
                                                     previousVersion: $0.previousVersion, note: $0.note) })
                    try emit(String(decoding: try RegistryOutput.encoder().encode(shown), as: UTF8.self))
                    return
                }
                try emit("version \(version) of \(printable(entry.name)), sha256 \(printable(entry.sha256))")
                try emit("channels: \(entry.channels.map(\.rawValue).joined(separator: ", "))")
                try emit("environment \(printable(p.environment)), scenario \(printable(p.scenario)), algorithm \(printable(p.algorithm)), seeds \(p.seeds)")
                try emit("git commit \(printable(p.gitCommit)), tool version \(printable(p.toolVersion))")
                if let m = p.evaluationMeanReward {
                    try emit("evaluation: mean reward \(m) ± \(p.evaluationStdReward ?? 0) over \(p.evaluationEpisodes ?? 0) episodes")
                }
                try emit("observation schema v\(policy.document.observationSchema.version): \(printable(policy.featureNames.joined(separator: ", ")))")
                for e in history {
                    try emit("  \(printable(e.at)) \(printable(e.action)) \(e.channel?.rawValue ?? "") \(e.previousVersion.map { "\($0) → " } ?? "")\(e.version.map(String.init) ?? "") \(printable(e.note))")
                }
            }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Point the canary or production channel at a version.",
            discussion: """
                A canary promotion first replays a held-out stream with the candidate and the current \
                production policy side by side (--replay) and is refused when the candidate's mean \
                metric is worse by more than --margin. Production takes only the current canary.
                """)
        @OptionGroup var location: Location
        @Argument(help: "Version number.") var version: Int64
        @Option(help: "canary or production.") var to: String
        @OptionGroup var replay: ReplayOptions
        @Option(help: "Largest tolerated drop of the candidate's mean metric vs production.") var margin = 0.01
        @Flag(help: "Skip the replay gate (canary) or the canary requirement (production).") var force = false

        func run() throws {
            try reportingUserErrors {
                guard let channel = Channel(rawValue: to) else { throw UserError("--to \(to): expected canary or production") }
                let registry = try location.open()
                let gate: ((TunedPolicy, TunedPolicy?) throws -> CanaryVerdict)? = try replay.gate(margin: margin)
                // A deliberate crash between writing and committing, for the registry's crash test.
                let crash = ProcessInfo.processInfo.environment["DRIFTTUNE_CRASH_BEFORE_COMMIT"] == "1"
                try registry.promote(version, to: channel, force: force, gate: gate, beforeCommit: crash ? { abort() } : nil)
                guard let name = try registry.list().first(where: { $0.version == version })?.name else {
                    throw RegistryError.unknownVersion(version)
                }
                try emit("\(printable(name)) \(channel.rawValue) → version \(version)")
                if let note = try registry.history(name: name).last?.note, !note.isEmpty { try emit(printable(note)) }
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return production to its previous version.")
        @OptionGroup var location: Location
        @Argument(help: "Policy name.") var name: String

        func run() throws {
            try reportingUserErrors {
                let v = try location.open().rollback(name: name)
                try emit("\(printable(name)) production → version \(v)")
            }
        }
    }
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }

/// JSON shapes of `registry list --json` and `registry show --json` (snake_case keys).
enum RegistryOutput {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }

    struct Event: Encodable {
        var at: String
        var action: String
        var channel: Channel?
        var version: Int64?
        var previousVersion: Int64?
        var note: String
    }

    struct Shown: Encodable {
        var version: Int64
        var name: String
        var sha256: String
        var channels: [Channel]
        var provenance: PolicyDocument.Provenance
        var observationSchemaVersion: Int
        var features: [String]
        var history: [Event]
    }
}

/// `text` safe to print on a terminal: control characters (ANSI escapes, newlines, carriage
/// returns, C1 controls) and backslashes are shown escaped, so text from a file cannot forge
/// lines or recolour the screen.
func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x5C: out += "\\\\"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
