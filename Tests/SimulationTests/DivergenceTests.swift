import PolicyRuntime
import Testing
@testable import Simulation

/// A spec whose largest learning-rate bin is absurd, so the production learner's update overflows.
private func explosiveSpec() throws -> EnvironmentSpec {
    var spec = try loadSpec("network-diagnosis")
    spec.episodeLength = 6
    spec.periodLength = 200
    spec.actions.learningRates = [0.03, 3e38]
    spec.learner.learningRate = 0.03
    return spec
}

@Test(arguments: [false, true])
func divergingLearnerEndsTheEpisodeWithAPenalty(production: Bool) throws {
    let spec = try explosiveSpec()
    var env = try TuningEnvironment(spec: spec, components: production ? .standard : .test)
    _ = env.reset(seed: 1)
    let calm = env.step(TuningAction(learningRateBin: 0, batchSizeBin: 1))
    #expect(!calm.done && calm.info.terminationReason == nil)
    var last = calm
    for _ in 0..<spec.episodeLength where !last.done {
        last = env.step(TuningAction(learningRateBin: 1, batchSizeBin: 0))
    }
    #expect(last.done)
    #expect(last.reward == -spec.costs.divergencePenalty)
    let reason = try #require(last.info.terminationReason)
    #expect(reason.contains("learner diverged in period"), "\(reason)")
    #expect(reason.contains("lr 3e+38"), "\(reason)")
    #expect(last.observation.allSatisfy { $0.isFinite })
    // Stepping a finished episode is harmless.
    let after = env.step(TuningAction(learningRateBin: 0, batchSizeBin: 0))
    #expect(after.done && after.reward == 0)
}

@Test func divergedEpisodeIsReportedInItsResult() throws {
    let spec = try explosiveSpec()
    var env = try TuningEnvironment(spec: spec, components: .standard)
    let result = env.runEpisode(policy: FixedPolicy(learningRateBin: 1, batchSizeBin: 0), seed: 2)
    #expect(result.periods.count < spec.episodeLength + 1)
    #expect(result.terminationReason?.contains("diverged") == true)
    #expect(result.periods.last!.reward == -spec.costs.divergencePenalty)
    let summary = EpisodeSummary(episodes: [result], events: spec.drift)
    #expect(summary.terminations.count == 1 && summary.terminations[0].hasPrefix("seed 2: learner diverged"))
}
