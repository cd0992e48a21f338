import ArgumentParser
import Benchmarks
import Foundation

/// `drifttune bench`: throughput figures as one JSON object (build with `-c release`).
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (sgemm, learners, detectors, environment streams) and print one JSON object.",
        discussion: """
            Run from a release build (swift run -c release drifttune bench). With --reference, the \
            same data is also run through River and numpy (python3 scripts/bench_reference.py) in \
            this run, and the JSON gains the reference figures and the ratios against them.
            """
    )

    @Option(help: "Minimum timed seconds per case (more than 0, at most 600).")
    var seconds: Double = 0.5

    @Flag(help: "Also measure River/numpy on the same data (needs python3 with river and numpy).")
    var reference = false

    @Option(help: "The reference script (used with --reference).")
    var referenceScript = "scripts/bench_reference.py"

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            guard seconds.isFinite, seconds > 0, seconds <= 600 else {
                throw UserError("--seconds \(seconds): expected a number of seconds in (0, 600]")
            }
            let report = try BenchReport.measure(
                Benchmarks(minSeconds: seconds), toolVersion: DriftTuneVersion.current,
                referenceScript: reference ? referenceScript : nil,
                progress: { warn("bench: \($0)\n") })
            try emit(try report.json())
        }
    }
}
