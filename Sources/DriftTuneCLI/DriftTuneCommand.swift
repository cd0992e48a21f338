import ArgumentParser

/// The `drifttune` command: parses, calls the modules, prints. Subcommands live one per file.
public struct DriftTuneCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "drifttune",
        abstract: "Learn how to keep an online learner healthy under drift.",
        version: DriftTuneVersion.current,
        subcommands: [DetectCommand.self, BenchCommand.self, EnvsCommand.self, SimulateCommand.self, RegistryCommand.self, LearnCommand.self, StreamCommand.self]
    )

    public init() {}
}

/// The tool version written into results and benchmarks.
public enum DriftTuneVersion {
    public static let current = "0.1.0"
}
