import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation
import Testing
import YAMLConfig
@testable import Experiments

private let anchorScenario = """
    name: tiny-anchor
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 8, warmup_periods: 1}
    train_seeds: [1, 2, 3]
    test_seeds: [11, 12]
    training: {steps: 64}
    agent: {num_envs: 2, num_steps: 8, num_minibatches: 2, update_epochs: 2, hidden_sizes: [16, 16], static_candidate: true, validation_seeds: [21, 22]}
    methods: [agent, static-search, fixed]
    statistics: {bootstrap_resamples: 200}

    """

/// The static candidate's network, exported as a policy file and read back, takes exactly the
/// decisions of the setting it follows: every period of the episode is the same, bit for bit, for
/// every retrain period the static search tries (and K = 1), in both update regimes.
@Test func staticCandidatePolicyFileReproducesTheSettingBitForBit() throws {
    let text = """
        name: tiny-settings
        environments:
          - name: network-diagnosis
            overrides: {period_length: 100, episode_length: 45, warmup_periods: 1}
          - name: recommendation
            overrides: {period_length: 120, episode_length: 45, warmup_periods: 1, updates: deployed}
        train_seeds: [1]
        test_seeds: [11]
        training: {steps: 24}
        methods: [fixed]

        """
    let s = try loadTiny(text)
    let provider = AgentProvider()
    var retrainsSeen = 0
    for env in s.environments {
        let spec = env.spec
        for (k, (lr, b)) in zip([0, 1, 3, 5, 10, 20] + StaticSearch.retrainPeriods, [(0, 0), (5, 3), (2, 1), (3, 0), (1, 2), (4, 3), (3, 3), (0, 2), (2, 2), (1, 1), (5, 0)]) {
            let setting = FixedSetting(learningRateBin: lr, batchSizeBin: b, retrainEvery: k)
            let snapshot = try StaticCandidate.snapshot(setting: setting, actions: spec.actionBins, episodeLength: spec.episodeLength)
            let record = TrainingRecord(id: "", environment: "", method: "agent", steps: 0, curveSteps: [], curveValues: [],
                                        setting: nil, agentPolicy: AgentPolicyData(json: try SnakeCaseJSON.string(snapshot)))
            // Through the policy file's bytes, as `drifttune learn` loads it.
            let exported = try provider.policy(training: record, spec: spec)
            var a = try TuningEnvironment(spec: spec, components: .standard)
            var b = try TuningEnvironment(spec: spec, components: .standard)
            for seed: UInt64 in [11, 12] {
                let followed = a.runEpisode(policy: AnyPolicy(exported), seed: seed)
                let direct = b.runEpisode(policy: AnyPolicy(setting.policy), seed: seed)
                #expect(followed.periods == direct.periods, "\(spec.name) \(setting.label(spec.actionBins)) seed \(seed)")
                #expect(followed.terminationReason == direct.terminationReason)
                #expect(followed.totalReward.bitPattern == direct.totalReward.bitPattern)
                retrainsSeen += direct.retrains
            }
        }
    }
    #expect(retrainsSeen > 0)
    // A setting on a drift signal is not a static-search setting and is refused, not approximated.
    let spec = s.environments[0].spec
    #expect(throws: SweepError.self) {
        try StaticCandidate.snapshot(setting: FixedSetting(learningRateBin: 0, batchSizeBin: 0, retrainEvery: 0, retrainSignal: .adwin),
                                     actions: spec.actionBins, episodeLength: spec.episodeLength)
    }
}

/// With `static_candidate: true` the agent job runs the scenario's static search (the same setting
/// as the `static-search` method), scores it on the validation seeds beside the PPO candidate, and
/// keeps the better one. Here the PPO candidate is held at the smallest learning rate and batch
/// size (a first-bin prior of 4 logits that 64 steps do not undo), so it loses, and the exported
/// agent is the static setting and plays the held-out seeds exactly as static-search does. The
/// budget recorded is everything the job simulated.
@Test func staticCandidateIsSelectedWhenBetterOnValidation() async throws {
    let s = try loadTiny(anchorScenario.replacingOccurrences(of: "static_candidate: true", with: "first_bin_prior: [4, 4, 0], static_candidate: true"))
    #expect(s.agent.staticCandidate && s.agent.candidates == 1 && s.agent.validationSeeds == [21, 22])
    let (dir, outcome) = try await sweepTiny(s, jobs: 1)
    #expect(outcome.trained == 2)
    let plan = SweepPlan(scenario: s)
    let store = ResultStore(directory: dir)
    let agentJob = try #require(plan.training.first { $0.method == .agent })
    let searchJob = try #require(plan.training.first { $0.method == .staticSearch })
    let record = try #require(store.training(agentJob.id))
    let search = try #require(store.training(searchJob.id))
    let candidates = try #require(record.agentCandidates)
    #expect(candidates.map(\.index) == [1, 2] && candidates.filter(\.selected).count == 1)
    #expect(candidates[0].setting == nil && candidates[1].setting == search.setting)
    #expect(candidates[0].steps == 64 && candidates[1].steps == search.steps)
    let chosen = try #require(candidates.first { $0.selected })
    #expect(chosen.validationReward == candidates.map(\.validationReward).max())
    #expect(chosen.index == 2, "the static setting should beat a 64-step agent on validation")
    // Two candidates × 2 validation seeds × 8 periods on top of the training and the search.
    #expect(record.steps == 64 + search.steps + 2 * 2 * 8)
    // The kept policy is the static one: its validation reward recomputes, and on the held-out
    // seeds the agent's runs are static-search's, period by period.
    let spec = s.environments[0].spec
    #expect(try AgentProvider().validationReward(record, specs: [spec], seeds: [21, 22]) == chosen.validationReward)
    for seed in s.testSeeds {
        let agentRun = try #require(storedRun(plan, store, .agent, seed: seed))
        let searchRun = try #require(storedRun(plan, store, .staticSearch, seed: seed))
        #expect(agentRun.metric == searchRun.metric && agentRun.retrain == searchRun.retrain)
        #expect(agentRun.learningRate == searchRun.learningRate && agentRun.batchSize == searchRun.batchSize)
        #expect(agentRun.metrics == searchRun.metrics)
    }
    // The exported file is the constant policy and says where it came from.
    let tuned = try TunedPolicy.load(dir + "/policies/network-diagnosis.policy", expectingSchema: ObservationSchema.current.version)
    #expect(tuned.document.provenance.algorithm == "static-search")
}

/// Without the option (or with it false) the agent's settings encode as before, so every existing
/// scenario keeps its training identity and stored results; with it the identity changes.
@Test func staticCandidateLeavesIdentitiesUnchangedWhenAbsent() throws {
    let plain = anchorScenario.replacingOccurrences(of: ", static_candidate: true, validation_seeds: [21, 22]}", with: "}")
    let off = anchorScenario.replacingOccurrences(of: "static_candidate: true", with: "static_candidate: false")
    let withSeeds = anchorScenario.replacingOccurrences(of: "static_candidate: true, ", with: "")
    let a = try loadTiny(plain), b = try loadTiny(off), c = try loadTiny(withSeeds), d = try loadTiny(anchorScenario)
    let encoded = String(decoding: try JSONEncoder().encode(a.agent), as: UTF8.self)
    #expect(!encoded.contains("static") && !encoded.contains("Static"))
    func id(_ s: Scenario) -> String { RunIdentity.training(scenario: s, environment: s.environments[0], method: .agent) }
    #expect(id(b) == id(c))  // false is the default: same identity as leaving it out
    #expect(id(d) != id(c))
    #expect(!b.agent.staticCandidate)
    // A stored record of a scenario with the option decodes it back.
    let decoded = try JSONDecoder().decode(AgentSettings.self, from: try JSONEncoder().encode(d.agent))
    #expect(decoded == d.agent)
}

@Test func staticCandidateNeedsValidationSeeds() throws {
    func error(_ agent: String) -> String {
        do {
            _ = try loadTiny(anchorScenario.replacingOccurrences(of: "static_candidate: true, validation_seeds: [21, 22]", with: agent))
            return ""
        } catch { return String(describing: error) }
    }
    #expect(error("static_candidate: true").contains("needs validation_seeds"))
    #expect(error("static_candidate: true, validation_seeds: [11]").contains("seed 11 is also a training or held-out seed"))
    #expect(error("static_candidate: yes please, validation_seeds: [21]").contains("static_candidate"))
    #expect(error("static_candidate: false") == "")
}

/// `anchor_strength`: a PPO network rewritten by `StaticCandidate.anchored` starts as the static
/// setting — exported and followed greedily, it plays the setting's episodes bit for bit — while
/// keeping its random initialization everywhere else (so PPO has something to learn from).
@Test func anchoredPPONetworkStartsAtTheStaticSetting() throws {
    let text = """
        name: tiny-anchored
        environments:
          - name: intent-recognition
            overrides: {period_length: 200, episode_length: 30, warmup_periods: 1, label_delay: 40, updates: deployed}
        train_seeds: [1]
        test_seeds: [11]
        training: {steps: 24}
        methods: [fixed]

        """
    let spec = try loadTiny(text).environments[0].spec
    for (k, hidden) in [(0, [16]), (3, [16, 16]), (5, [8, 8, 8]), (10, [64, 64])] {
        let setting = FixedSetting(learningRateBin: 4, batchSizeBin: 1, retrainEvery: k)
        var rng = RandomSource(seed: UInt64(k + 7))
        let network = PolicyNetwork(architecture: NetworkArchitecture(observationSize: ObservationSchema.current.count,
                                                                       actionSizes: spec.actionBins.headSizes,
                                                                       hiddenSizes: hidden, activation: .tanh),
                                    rng: &rng)
        let random = network.parameterVector
        let anchored = try StaticCandidate.anchored(parameters: random, network: network, setting: setting, actions: spec.actionBins,
                                                    episodeLength: spec.episodeLength, strength: 3)
        #expect(anchored.count == random.count)
        #expect(zip(anchored, random).filter { $0 != $1 }.count < random.count / 4, "most of the network keeps its initialization")
        let document = try PolicyExport.document(architecture: network.architecture, parameters: anchored, normalizer: nil,
                                                 spec: spec, provenance: .init(environment: spec.name))
        let tuned = TunedPolicy(document: try PolicyFile.decode(try PolicyFile.encode(document), file: "anchored.policy"))
        var a = try TuningEnvironment(spec: spec, components: .standard)
        var b = try TuningEnvironment(spec: spec, components: .standard)
        for seed: UInt64 in [11, 12] {
            let followed = a.runEpisode(policy: tuned, seed: seed)
            let direct = b.runEpisode(policy: AnyPolicy(setting.policy), seed: seed)
            #expect(followed.periods == direct.periods, "K=\(k) hidden \(hidden) seed \(seed)")
        }
    }
}

/// The anchored candidates in a sweep: trained from the anchor, scored with the static candidate,
/// the best kept; the option is refused without the static candidate or with normalized
/// observations or another activation.
@Test func anchoredCandidatesTrainAndAreSelectedOnValidation() async throws {
    let text = anchorScenario.replacingOccurrences(
        of: "static_candidate: true", with: "static_candidate: true, anchor_strength: 3, normalize_observations: false")
    let s = try loadTiny(text)
    #expect(s.agent.anchorStrength == 3)
    let (dir, _) = try await sweepTiny(s, jobs: 1)
    let plan = SweepPlan(scenario: s)
    let job = try #require(plan.training.first { $0.method == .agent })
    let record = try #require(ResultStore(directory: dir).training(job.id))
    let candidates = try #require(record.agentCandidates)
    #expect(candidates.map(\.index) == [1, 2] && candidates.filter(\.selected).count == 1)
    let chosen = try #require(candidates.first { $0.selected })
    #expect(chosen.validationReward == candidates.map(\.validationReward).max())
    let withoutAnchor = try loadTiny(anchorScenario)
    func id(_ s: Scenario) -> String { RunIdentity.training(scenario: s, environment: s.environments[0], method: .agent) }
    #expect(id(s) != id(withoutAnchor))
    func error(_ agent: String) -> String {
        do {
            _ = try loadTiny(anchorScenario.replacingOccurrences(of: "static_candidate: true", with: agent))
            return ""
        } catch { return String(describing: error) }
    }
    #expect(error("anchor_strength: 3, normalize_observations: false").contains("needs static_candidate: true"))
    #expect(error("static_candidate: true, anchor_strength: 3").contains("normalize_observations: false"))
    #expect(error("static_candidate: true, anchor_strength: 3, normalize_observations: false, activation: relu").contains("activation: tanh"))
    #expect(error("static_candidate: true, anchor_strength: 30, normalize_observations: false").contains("anchor_strength"))
}

/// With `shadow_learners: true` the PPO candidates read schema v2 and pay for the shadows, but the
/// static candidate needs no evidence: it is validated, evaluated and exported in the v1 loop, so
/// when it wins the agent's runs are static-search's to the compute and the reward.
@Test func staticCandidateRunsWithoutShadowsBesideShadowCandidates() async throws {
    let s = try loadTiny(anchorScenario.replacingOccurrences(
        of: "static_candidate: true", with: "first_bin_prior: [4, 4, 0], static_candidate: true, shadow_learners: true"))
    #expect(s.agent.shadowLearners && s.agent.staticCandidate)
    let (dir, _) = try await sweepTiny(s, jobs: 1)
    let plan = SweepPlan(scenario: s)
    let store = ResultStore(directory: dir)
    let record = try #require(plan.training.first { $0.method == .agent }.flatMap { store.training($0.id) })
    let candidates = try #require(record.agentCandidates)
    #expect(candidates.first { $0.selected }?.index == 2, "the static setting should beat a 64-step agent on validation")
    // The PPO candidate was trained on schema v2, the static one reads v1.
    #expect(try AgentProvider.loopSpec(s.environments[0].spec, for: record).learner.shadowLearners == false)
    for seed in s.testSeeds {
        let agentRun = try #require(storedRun(plan, store, .agent, seed: seed))
        let searchRun = try #require(storedRun(plan, store, .staticSearch, seed: seed))
        #expect(agentRun.metrics == searchRun.metrics)
    }
    let tuned = try TunedPolicy.loadForOwnLoop(dir + "/policies/network-diagnosis.policy")
    #expect(tuned.document.observationSchema == .v1 && tuned.document.loop?.shadowLearners != true)
}
