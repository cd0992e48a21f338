import Foundation
import Linalg
import PolicyRuntime
import Simulation
import Testing
import PolicyGradient
@testable import Experiments

/// Export → file bytes → load → decide gives the trainer's greedy actions.
@Test func exportedPolicyDecidesLikeTheTrainer() throws {
    let env = try smallTuningEnvironment(periods: 6, periodLength: 200)
    var config = PPOConfig()
    config.numEnvs = 2
    config.numSteps = 12
    config.steps = 48
    let trainer = PPOTrainer(config: config, environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 3)
    _ = trainer.train(until: 48)  // real normalizer statistics and updated weights
    // Spread the heads' logits so that greedy decisions vary across observations.
    var p = trainer.network.parameterVector
    for i in trainer.network.policyHeadWeightRange { p[i] *= 300 }
    trainer.network.parameterVector = p

    let document = try PolicyExport.document(trainer: trainer.checkpoint(), spec: env.spec,
                                             provenance: .init(environment: env.spec.name, algorithm: "ppo", seeds: [3]))
    var policy = TunedPolicy(document: try PolicyFile.decode(try PolicyFile.encode(document), file: "export.policy"))

    // Observations the environment produced, plus many drawn uniformly within the schema's ranges.
    var observations: [[Float]] = []
    var adapter = TuningEnvironmentAdapter(env)
    var rng = RandomSource(seed: 9)
    for episode in 0..<3 {
        observations.append(adapter.reset(seed: UInt64(episode)))
        for _ in 0..<6 {
            let action = adapter.actionSizes.map { rng.nextInt(below: $0) }
            observations.append(adapter.step(action).observation)
        }
    }
    let features = ObservationSchema.current.features
    while observations.count < 10_000 {
        observations.append(features.map { $0.lower + rng.nextFloat() * ($0.upper - $0.lower) })
    }
    var distinct = Set<[Int]>()
    var mismatches = 0
    for x in observations {
        let expected = trainer.act(x)
        let d = policy.decide(x)
        #expect(policy.lastFallback == nil)
        if document.actions.bins(of: d) != expected { mismatches += 1 }
        distinct.insert(expected)
    }
    #expect(mismatches == 0)
    #expect(distinct.count > 10)
    #expect(document.loop?.periodLength == 200 && document.fallback.retrain == .none)
}

@Test func exportRefusesAMismatchedSpec() throws {
    let env = try smallTuningEnvironment()
    var config = PPOConfig()
    config.numEnvs = 1
    config.numSteps = 4
    let trainer = PPOTrainer(config: config, environmentFactory: { _ in TuningEnvironmentAdapter(env) }, seed: 1)
    var spec = env.spec
    spec.actions.learningRates.append(1.0)
    #expect(throws: CheckpointError.self) {
        try PolicyExport.document(trainer: trainer.checkpoint(), spec: spec, provenance: .init(environment: "x"))
    }
}
