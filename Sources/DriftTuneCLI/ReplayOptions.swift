import ArgumentParser
import PolicyRegistry
import PolicyRuntime

/// The held-out stream a canary promotion replays (filled in by the production learner loop).
struct ReplayOptions: ParsableArguments {
    @Option(help: "Held-out CSV stream to replay with candidate and production side by side.")
    var replay: String?

    func gate(margin: Double) throws -> ((TunedPolicy, TunedPolicy?) throws -> CanaryVerdict)? {
        guard replay != nil else { return nil }
        throw UserError("--replay is not available yet")
    }
}
