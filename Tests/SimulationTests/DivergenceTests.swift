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

/// With `learner.shadow_learners` the environment produces schema v2 and charges the shadows'
/// compute in the reward; the live learner's metric is the same as without them.
@Test func shadowLearnersChangeTheObservationAndTheComputeNotTheLearner() throws {
    var spec = try loadSpec("network-diagnosis")
    spec.episodeLength = 4
    spec.periodLength = 300
    var shadowSpec = spec
    shadowSpec.learner.shadowLearners = true
    var plain = try TuningEnvironment(spec: spec, components: .standard)
    var shadowed = try TuningEnvironment(spec: shadowSpec, components: .standard)
    #expect(plain.schema == .v1 && shadowed.schema == .v2)
    #expect(plain.reset(seed: 4).count == 18 && shadowed.reset(seed: 4).count == 20)
    let action = TuningAction(learningRateBin: 2, batchSizeBin: 1)
    for _ in 0..<4 {
        let a = plain.step(action), b = shadowed.step(action)
        #expect(a.info.metric == b.info.metric)
        #expect(b.info.compute > 2.9 * a.info.compute)
        #expect(abs((a.reward - b.reward) - spec.costs.computePrice * (b.info.compute - a.info.compute)) < 1e-9)
    }
}
