import ArgumentParser
import Experiments

/// `drifttune merge SCENARIO SHARD...`: joins the folders of a sharded sweep.
public struct MergeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard folders of `drifttune sweep --shard I/N` into one results folder and write its tables."
    )

    @Argument(help: "The scenario file the shards ran.")
    var scenario: String

    @Argument(help: "The shard folders (none when --out already holds every run, as after the phases of a cluster sweep).")
    var shards: [String] = []

    @Option(help: "Results folder (default: results/<scenario name>).")
    var out: String?

    @Option(help: "Folder of environment specs (default: environments/ beside or above the scenario).")
    var environments: String?

    @Flag(help: "Print one JSON object (scenario, folder, files written).")
    var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let s = try Scenario.load(file: scenario, environmentsDirectory: environments)
            let dir = out ?? "results/\(s.name)"
            let missing = try Merge.merge(scenario: s, shards: shards, output: dir)
            guard missing == 0 else {
                throw UserError("\(missing) runs of scenario '\(s.name)' are in none of the shards; run the missing shards first")
            }
            if json {
                try emit(try SimulationOutput.json(ResultsJSON(scenario: s.name, directory: dir, files: ResultsJSON.tables)))
            } else {
                try emit("wrote \(dir)/" + ResultsJSON.tables.joined(separator: ", "))
            }
        }
    }
}
