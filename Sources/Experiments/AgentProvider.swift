import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation
import YAMLConfig

/// The PPO agent (PolicyGradient) as a sweep method: trains on the training specs and training
/// seeds for the scenario's budget, then is exported as a policy file and evaluated on the
/// held-out seeds through `TunedPolicy`, the runtime production loads.
struct AgentProvider: MethodProvider {
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? {
        // The agent block as read and validated by PolicyGradient's reader, with steps = training.steps.
        var config = scenario.agent.settings.config
        config.environmentWorkers = 1          // a sweep is parallel across jobs
        guard config.batchSize % config.numMinibatches == 0 else {
            throw SweepError.agentUnavailable("num_envs × num_steps (\(config.batchSize)) must be divisible by num_minibatches (\(config.numMinibatches))")
        }
        let trainSpecs = environment.trainSpecs.map(scenario.agent.agentSpec)
        let envs = try trainSpecs.map { try TuningEnvironment(spec: $0, components: .standard) }
        let seeds = scenario.trainSeeds
        var seedSource = rng
        let count = scenario.agent.candidates
        let withStatic = scenario.agent.staticCandidate
        var best: (record: TrainingRecord, position: Int)? = nil
        var scored: [AgentCandidate] = []
        var simulated = 0  // every environment step of the job (recorded with the static candidate)
        func consider(_ record: TrainingRecord, _ candidate: AgentCandidate) {
            if candidate.validationReward > (best.map { scored[$0.position].validationReward } ?? -.infinity) {  // ties keep the first
                best = (record, scored.count)
            }
            scored.append(candidate)
        }
        // The static candidate is built first (scored after the PPO candidates, which it anchors
        // when `anchor_strength` > 0).
        let anchor = withStatic ? try staticCandidate(environment: environment, scenario: scenario) : nil
        for index in 1...count {
            let trainer = PPOTrainer(config: config, environmentFactory: { i in
                TrainingSeedEnvironment(environment: envs[i % envs.count], seeds: seeds)
            }, seed: seedSource.next())
            if let anchor, scenario.agent.anchorStrength > 0 {
                trainer.network.parameterVector = try StaticCandidate.anchored(
                    parameters: trainer.network.parameterVector, network: trainer.network, setting: anchor.setting,
                    actions: environment.spec.actionBins, episodeLength: anchor.episodeLength,
                    strength: Float(scenario.agent.anchorStrength), observationCount: envs[0].schema.count)
            }
            var steps: [Int] = [], values: [Double] = []
            trainer.train(until: scenario.training.steps) { stats in
                if let r = stats.meanEpisodeReturn {
                    steps.append(stats.globalStep)
                    values.append(r)
                }
            }
            let snapshot = AgentSnapshot(architecture: trainer.network.architecture, parameters: trainer.network.parameterVector,
                                         normalizer: config.normalizeObservations ? trainer.normalizer : nil)
            let record = TrainingRecord(id: "", environment: "", method: Method.agent.description, steps: trainer.globalStep,
                                        curveSteps: steps, curveValues: values, setting: nil,
                                        agentPolicy: AgentPolicyData(json: try SnakeCaseJSON.string(snapshot)))
            guard count > 1 || withStatic else { return record }
            let (reward, validationSteps) = try validationScore(record, specs: trainSpecs, seeds: scenario.agent.validationSeeds)
            simulated += trainer.globalStep + validationSteps
            consider(record, AgentCandidate(index: index, validationReward: reward, selected: false,
                                            steps: withStatic ? trainer.globalStep : nil))
        }
        if let anchor {
            let (reward, validationSteps) = try validationScore(anchor.record, specs: trainSpecs,
                                                                seeds: scenario.agent.validationSeeds)
            simulated += anchor.steps + validationSteps
            consider(anchor.record, AgentCandidate(index: count + 1, validationReward: reward, selected: false,
                                                   setting: anchor.setting, steps: anchor.steps))
        }
        guard let best else { return nil }
        var chosen = best.record
        scored[best.position].selected = true
        chosen.agentCandidates = scored
        if withStatic { chosen.steps = simulated }
        return chosen
    }

    /// The static candidate: the scenario's static search, run as the sweep's `static-search` job
    /// runs it (same identity, so the same random stream and the same setting), followed by the
    /// network that reproduces the setting (`StaticCandidate`). Its record's curve is the search's.
    func staticCandidate(environment: ScenarioEnvironment, scenario: Scenario) throws
        -> (record: TrainingRecord, setting: FixedSetting, steps: Int, episodeLength: Int) {
        let lengths = Set(([environment.spec] + environment.trainSpecs).map(\.episodeLength))
        guard lengths.count == 1, let length = lengths.first else {
            throw SweepError.agentUnavailable("static_candidate needs one episode length in the training and evaluation specs, found \(lengths.sorted())")
        }
        let id = RunIdentity.training(scenario: scenario, environment: environment, method: .staticSearch)
        guard let search = try StaticSearchProvider().train(environment: environment, scenario: scenario,
                                                            rng: RunIdentity.randomSource(id)),
              let setting = search.setting else {
            throw SweepError.missingTraining(method: Method.staticSearch.description, environment: environment.label)
        }
        // The setting needs no evidence: the static candidate reads schema v1 and runs without shadows.
        let snapshot = try StaticCandidate.snapshot(setting: setting, actions: environment.spec.actionBins, episodeLength: length)
        let record = TrainingRecord(id: "", environment: "", method: Method.agent.description, steps: search.steps,
                                    curveSteps: search.curveSteps, curveValues: search.curveValues, setting: nil,
                                    agentPolicy: AgentPolicyData(json: try SnakeCaseJSON.string(snapshot)))
        return (record, setting, search.steps, length)
    }

    /// Mean episode reward of the exported policy of `record` over `seeds` in every spec: what the
    /// candidates are compared on (never the held-out seeds).
    func validationReward(_ record: TrainingRecord, specs: [EnvironmentSpec], seeds: [UInt64]) throws -> Double {
        try validationScore(record, specs: specs, seeds: seeds).reward
    }

    /// The validation reward and the environment steps it simulated.
    func validationScore(_ record: TrainingRecord, specs: [EnvironmentSpec], seeds: [UInt64]) throws -> (reward: Double, steps: Int) {
        var total = 0.0, steps = 0
        for base in specs {
            let spec = try Self.loopSpec(base, for: record)
            var env = try TuningEnvironment(spec: spec, components: .standard)
            for seed in seeds {
                let policy = try self.policy(training: record, spec: spec)
                let episode = env.runEpisode(policy: policy, seed: seed)
                total += episode.totalReward
                steps += episode.periods.count - 1
            }
        }
        return (total / Double(specs.count * seeds.count), steps)
    }

    /// One evaluation episode, in the environment as the agent runs it (`AgentSettings.agentSpec`).
    func episode(training: TrainingRecord?, environment: ScenarioEnvironment, scenario: Scenario,
                 seed: UInt64) throws -> EpisodeResult {
        let spec = try Self.loopSpec(environment.spec, for: training)
        let policy = AnyPolicy(try policy(training: training, spec: spec))
        var tuning = try TuningEnvironment(spec: spec, components: .standard)
        return tuning.runEpisode(policy: policy, seed: seed)
    }

    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        guard let data = training?.agentPolicy else {
            throw SweepError.missingTraining(method: Method.agent.description, environment: training?.environment ?? "?")
        }
        let snapshot = try SnakeCaseJSON.decoder().decode(AgentSnapshot.self, from: Data(data.json.utf8))
        let document = try PolicyExport.document(architecture: snapshot.architecture, parameters: snapshot.parameters,
                                                 normalizer: snapshot.normalizer, spec: spec,
                                                 provenance: .init(environment: spec.name))
        // Through the file's bytes: the evaluation runs exactly what `drifttune learn` would load.
        let bytes = try PolicyFile.encode(document)
        return NamedPolicy(name: Method.agent.description,
                           inner: TunedPolicy(document: try PolicyFile.decode(bytes, file: "\(spec.name).policy")))
    }
}

extension AgentProvider {
    /// `spec` with the loop the record's network reads: shadow learners on for a schema v2 (or v3) network
    /// (a PPO candidate trained with `shadow_learners`), off for v1 (the plain agent and the static
    /// candidate, which needs no evidence and so never pays for it). Each candidate is validated,
    /// evaluated and exported in its own loop.
    static func loopSpec(_ spec: EnvironmentSpec, for record: TrainingRecord?) throws -> EnvironmentSpec {
        guard let data = record?.agentPolicy else { return spec }
        let snapshot = try SnakeCaseJSON.decoder().decode(AgentSnapshot.self, from: Data(data.json.utf8))
        return spec.withLoop(forSchema: EnvironmentSpec.schemaVersion(forInputs: snapshot.architecture.observationSize))
    }
}

/// A policy under another name in tables (the exported agent is "agent" there, "policy" in `learn`).
struct NamedPolicy<Inner: TuningPolicy>: TuningPolicy {
    var name: String
    var inner: Inner
    mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        inner.decide(observation, context: context)
    }
    var lastFallback: FallbackReason? { inner.lastFallback }
}

/// What the evaluation needs of a trained agent: the network and its observation statistics.
struct AgentSnapshot: Codable, Sendable {
    var architecture: NetworkArchitecture
    var parameters: [Float]
    var normalizer: ObservationNormalizer?
}

/// PolicyGradient's `TuningEnvironmentAdapter` restricted to the scenario's training seeds: the
/// trainer's reset seed only picks one of them, so held-out seeds are never trained on.
struct TrainingSeedEnvironment: RLEnvironment {
    var adapter: TuningEnvironmentAdapter
    var seeds: [UInt64]

    init(environment: TuningEnvironment, seeds: [UInt64]) {
        adapter = TuningEnvironmentAdapter(environment)
        self.seeds = seeds
    }

    var observationSize: Int { adapter.observationSize }
    var actionSizes: [Int] { adapter.actionSizes }

    mutating func reset(seed: UInt64) -> [Float] {
        adapter.reset(seed: seeds[Int(seed % UInt64(seeds.count))])
    }

    mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
        adapter.step(action)
    }
}
