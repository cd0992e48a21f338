import Experiments
import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation
import Testing

@Test func adapterExposesSchemaAndActionHeads() throws {
    let env = try smallTuningEnvironment()
    var adapter = TuningEnvironmentAdapter(env)
    #expect(adapter.observationSize == ObservationSchema.current.count)
    #expect(adapter.actionSizes == env.actions.headSizes)
    let first = adapter.reset(seed: 3)
    #expect(first.count == adapter.observationSize)
    let s = adapter.step([1, 0, 2])
    #expect(s.observation.count == adapter.observationSize && !s.truncated)
    #expect(adapter.lastInfo?.retrain == .fullRetrain)
    #expect(adapter.tuningAction([4, 3, 1]) == TuningAction(learningRateBin: 4, batchSizeBin: 3, retrain: .fineTune))
}

@Test func adapterEpisodesMatchTheEnvironment() throws {
    var env = try smallTuningEnvironment()
    var adapter = TuningEnvironmentAdapter(env)
    #expect(adapter.reset(seed: 11) == env.reset(seed: 11))
    for t in 0..<6 {
        let a = [t % 5, (t + 1) % 4, t % 3]
        let mine = adapter.step(a)
        let theirs = env.step(adapter.tuningAction(a))
        #expect(mine.observation == theirs.observation && mine.reward == theirs.reward && mine.done == theirs.done)
    }
}

@Test func adapterRestoresMidEpisodeByReplay() throws {
    let env = try smallTuningEnvironment()
    var a = TuningEnvironmentAdapter(env)
    _ = a.reset(seed: 5)
    _ = a.step([3, 0, 0])
    _ = a.step([2, 1, 1])
    var b = TuningEnvironmentAdapter(env)
    try b.restore(from: a.savedState())
    #expect(b.episodeSeed == 5 && b.episodeActions == a.episodeActions)
    let x = a.step([0, 2, 2]), y = b.step([0, 2, 2])
    #expect(x.observation == y.observation && x.reward == y.reward)
}

private func tuningConfig(workers: Int) -> PPOConfig {
    var c = TrainingSettings.tuning(episodeLength: 6, workers: workers).config
    c.numEnvs = 4
    c.numSteps = 6
    c.numMinibatches = 2
    c.updateEpochs = 2
    c.steps = 72
    return c
}

@Test func tuningTrainingIsDeterministicSeriallyAndInParallel() throws {
    let env = try smallTuningEnvironment()
    var weights: [[Float]] = []
    var evaluations: [EvaluationResult] = []
    for workers in [1, 2, 1] {
        let trainer = PPOTrainer(config: tuningConfig(workers: workers), environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 9)
        let stats = trainer.train(until: 72)
        #expect(stats.count == 3 && stats.allSatisfy { $0.policyLoss.isFinite && $0.valueLoss.isFinite })
        weights.append(trainer.network.parameterVector)
        evaluations.append(trainer.evaluate(seeds: [100, 101, 102]))
    }
    #expect(weights[0] == weights[1] && weights[0] == weights[2])
    #expect(evaluations[0] == evaluations[1] && evaluations[0] == evaluations[2])
    let other = PPOTrainer(config: tuningConfig(workers: 2), environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 10)
    other.train(until: 72)
    #expect(other.network.parameterVector != weights[0])
}

@Test func tuningCheckpointResumesMidEpisodeExactly() throws {
    let env = try smallTuningEnvironment()
    var config = tuningConfig(workers: 2)
    config.numSteps = 4      // rollouts end mid-episode
    config.steps = 80
    let straight = PPOTrainer(config: config, environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 2)
    straight.train(until: 80)
    let first = PPOTrainer(config: config, environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 2)
    first.train(until: 32)
    let data = try JSONEncoder().encode(first.checkpoint())
    let resumed = try PPOTrainer(checkpoint: JSONDecoder().decode(PPOCheckpoint.self, from: data),
                                 environmentFactory: { _ in TuningEnvironmentAdapter(env) })
    #expect(resumed.checkpoint().environments.savedStates != nil)
    resumed.train(until: 80)
    #expect(resumed.network.parameterVector == straight.network.parameterVector)
    #expect(resumed.checkpoint() == straight.checkpoint())
}

@Test func baselineComparisonPlaysTheSameSeeds() throws {
    var env = try smallTuningEnvironment()
    let seeds: [UInt64] = [1, 2, 3]
    let fixed = seeds.map { env.runEpisode(policy: FixedPolicy(), seed: $0).totalReward }
    let c = BaselineComparison.run(environment: env, seeds: seeds, agentRewards: fixed)
    #expect(c.rows.map(\.rewards.count) == [3, 3, 3] && c.rows[0].method == "agent")
    #expect(c.rows[1].interval.estimate >= c.fixedCandidates.values.max()! - 1e-12)
    // The spec's own fixed setting is among the candidates, so the best is at least as good as the agent here.
    #expect(c.rows[1].agentAdvantage!.estimate <= 1e-12)
    #expect(c.markdown().contains("| retrain on ADWIN |"))
}

@Test func confidenceIntervalUsesStudentT() {
    let ci = ConfidenceInterval.studentT([1, 2, 3, 4])
    #expect(ci.estimate == 2.5)
    #expect(abs((ci.upper - ci.estimate) - 3.182 * (1.6666666666666667 / 4).squareRoot()) < 1e-12)
    #expect(ConfidenceInterval.studentT([5]).lower == 5)
}

@Test func firstBinPriorMakesTheUntrainedAgentMostlyKeepItsModel() throws {
    let env = try smallTuningEnvironment()
    var config = tuningConfig(workers: 1)
    #expect(config.firstBinPrior == [0, 0, 2])
    var adapter = TuningEnvironmentAdapter(env)
    let observation = adapter.reset(seed: 3)
    func noneProbability(_ c: PPOConfig) -> Float {
        let trainer = PPOTrainer(config: c, environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 5)
        trainer.network.forward(observation, batch: 1)
        let a = trainer.network.architecture
        return trainer.network.probabilities[a.headOffsets[2]]
    }
    let withPrior = noneProbability(config)
    config.firstBinPrior = nil
    let without = noneProbability(config)
    // exp(2) / (exp(2) + 2) ≈ 0.79 with near-zero initial head weights, against ≈ 1/3 without.
    #expect(withPrior > 0.7 && without < 0.4, "\(withPrior) \(without)")
}

/// A `steps` learning-rate head: 3 outputs that move the bin the last period ran; the observation's
/// log_lr reports that bin, so an exported policy (which reads it back) makes the same moves.
@Test func stepsHeadMovesFromTheLastPeriodsRate() throws {
    var spec = try EnvironmentCatalog(directory: environmentsDirectory).load("network-diagnosis")
    spec.episodeLength = 12
    spec.periodLength = 200
    spec.actions.learningRateHead = .steps
    let env = try TuningEnvironment(spec: spec, components: .standard)
    var adapter = TuningEnvironmentAdapter(env)
    #expect(adapter.actionSizes == [3, spec.actions.batchSizes.count, 3])
    let top = spec.actions.learningRates.count - 1, start = env.defaultAction.learningRateBin
    let logLR = try #require(env.schema.index(of: "log_lr"))
    var observation = adapter.reset(seed: 4)
    var bin = start
    // Up past the top (clamped), then down twice, then stay.
    for move in [2, 2, 2, 2, 2, 0, 0, 1, 1] {
        bin = min(max(bin + move - 1, 0), top)
        observation = adapter.step([move, 1, 0]).observation
        #expect(adapter.environment.lastAction.learningRateBin == bin)
        #expect(adapter.environment.actions.learningRateBin(logLRFeature: observation[logLR]) == bin)
        #expect(adapter.lastInfo?.learningRate == spec.actionBins.learningRates[bin])
    }
    #expect(bin == top - 2)
}
