import ArgumentParser
import Experiments

/// `drifttune compare A B`: differences of two results folders.
public struct CompareCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results folders: B − A per environment, method and metric, with confidence intervals.",
        discussion: "Intervals are paired by seed where both folders hold the same seeds; the output says when scenarios or seeds differ."
    )

    @Argument(help: "The first results folder (A).")
    var resultsA: String

    @Argument(help: "The second results folder (B).")
    var resultsB: String

    @Flag(help: "Print one JSON object (the notes and one row per environment, method and metric).")
    var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let comparison = try Comparison.compare(resultsA, resultsB)
            if json {
                try emit(try SimulationOutput.json(comparison))
            } else {
                try emit(comparison.markdown(), terminator: "")
            }
        }
    }
}
