import ArgumentParser
import Experiments

/// `drifttune report RESULTS`: rebuilds summary.md and report.html from the CSVs.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild summary.md and report.html of a results folder from summary.csv and curves.csv."
    )

    @Argument(help: "The results folder.")
    var results: String

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            try ResultTables.writeReports(directory: results)
            try emit("wrote \(results)/summary.md and \(results)/report.html")
        }
    }
}
