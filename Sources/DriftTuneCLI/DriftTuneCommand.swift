import ArgumentParser

/// The `drifttune` command: parses, calls the modules, prints. Subcommands live one per file.
public struct DriftTuneCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "drifttune",
        abstract: "Learn how to keep an online learner healthy under drift.",
        version: DriftTuneVersion.current,
        subcommands: [
            EnvsCommand.self, SimulateCommand.self, StreamCommand.self,
            TrainCommand.self, EvaluateCommand.self, ExportCommand.self, FamilyCommand.self,
            SweepCommand.self, MergeCommand.self, SlurmCommand.self, CompareCommand.self, ReportCommand.self,
            LearnCommand.self, RegistryCommand.self,
            DetectCommand.self, BenchCommand.self,
        ]
    )

    public init() {}
}

/// The tool version written into results and benchmarks.
public enum DriftTuneVersion {
    public static let current = "0.1.0"
}
