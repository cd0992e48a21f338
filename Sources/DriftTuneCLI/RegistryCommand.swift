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

        func open() throws -> PolicyRegistry { try PolicyRegistry(path: path) }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a policy file and store it as a new version.")
        @OptionGroup var location: Location
        @Option(help: "Policy name (default: the environment it was trained on).") var name: String?
        @Argument(help: "The policy file.") var file: String

        func run() throws {
            try reportingUserErrors {
                let v = try location.open().push(fileAt: file, name: name)
                print("\(v.name) version \(v.version) sha256 \(v.sha256)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List versions and the channels they hold.")
        @OptionGroup var location: Location
        @Option(help: "Only this policy name.") var name: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingUserErrors {
                let versions = try location.open().list(name: name)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(versions), as: UTF8.self))
                    return
                }
                print("version  name                  channels            pushed                sha256")
                for v in versions {
                    let channels = v.channels.map(\.rawValue).joined(separator: ",")
                    print("\(pad(String(v.version), 8)) \(pad(v.name, 21)) \(pad(channels, 19)) \(pad(v.pushedAt, 21)) \(v.sha256.prefix(12))")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a version's provenance and history.")
        @OptionGroup var location: Location
        @Argument(help: "Version number.") var version: Int64

        func run() throws {
            try reportingUserErrors {
                let registry = try location.open()
                let policy = try registry.policy(version: version)
                let p = policy.document.provenance
                let entry = try registry.list().first { $0.version == version }!
                print("version \(version) of \(entry.name), sha256 \(entry.sha256)")
                print("channels: \(entry.channels.map(\.rawValue).joined(separator: ", "))")
                print("environment \(p.environment), scenario \(p.scenario), algorithm \(p.algorithm), seeds \(p.seeds)")
                print("git commit \(p.gitCommit), tool version \(p.toolVersion)")
                if let m = p.evaluationMeanReward {
                    print("evaluation: mean reward \(m) ± \(p.evaluationStdReward ?? 0) over \(p.evaluationEpisodes ?? 0) episodes")
                }
                print("observation schema v\(policy.document.observationSchema.version): \(policy.featureNames.joined(separator: ", "))")
                for e in try registry.history(name: entry.name) where e.version == version || e.previousVersion == version {
                    print("  \(e.at) \(e.action) \(e.channel?.rawValue ?? "") \(e.previousVersion.map { "\($0) → " } ?? "")\(e.version.map(String.init) ?? "") \(e.note)")
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
                let name = try registry.list().first { $0.version == version }!.name
                print("\(name) \(channel.rawValue) → version \(version)")
                if let note = try registry.history(name: name).last?.note, !note.isEmpty { print(note) }
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
                print("\(name) production → version \(v)")
            }
        }
    }
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
