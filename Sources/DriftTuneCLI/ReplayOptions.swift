import ArgumentParser
import PolicyRegistry
import PolicyRuntime
import ProductionLearner

/// The held-out stream a canary promotion replays with the candidate and production side by side.
struct ReplayOptions: ParsableArguments {
    @Option(help: "Held-out CSV stream to replay with the candidate and the production policy side by side.")
    var replay: String?
    @Option(help: "Label column of the replay stream.")
    var replayLabel = "label"
    @Option(help: "Seed of the replay runs.")
    var replaySeed: UInt64 = 0

    /// The gate, or nil without `--replay`.
    func gate(margin: Double) throws -> ((TunedPolicy, TunedPolicy?) throws -> CanaryVerdict)? {
        guard let replay else { return nil }
        let stream = try LabelledCSV.read(path: replay, labelColumn: replayLabel)
        let seed = replaySeed
        return { candidate, production in
            try CanaryReplay.verdict(candidate: candidate, production: production, stream: stream, margin: margin, seed: seed)
        }
    }
}

/// Replays one stream with two policies under the candidate's loop settings and compares mean metrics.
public enum CanaryReplay {
    public static func verdict(candidate: TunedPolicy, production: TunedPolicy?, stream: LabelledCSV, margin: Double,
                               seed: UInt64) throws -> CanaryVerdict {
        let run = try LearnSetup.makeRun(policy: candidate, seed: seed)
        let c = try run.run(stream, policy: candidate)
        let p = try production.map { try run.run(stream, policy: $0) }
        return CanaryVerdict(candidate: c.meanMetric, production: p?.meanMetric, margin: margin)
    }
}
