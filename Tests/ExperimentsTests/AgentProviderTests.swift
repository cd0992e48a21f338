import DriftDetection
import Foundation
import PolicyRuntime
import Simulation
import Testing
@testable import Experiments

private let agentScenario = """
    name: tiny-agent
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 8, warmup_periods: 1}
    train_seeds: [1, 2, 3]
    test_seeds: [11, 12]
    training: {steps: 64}
    agent: {num_envs: 2, num_steps: 8, num_minibatches: 2, update_epochs: 2, hidden_sizes: [16, 16]}
    methods: [agent, fixed]
    statistics: {bootstrap_resamples: 200}

    """

@Test func agentTrainsOnTheBudgetAndEvaluatesDeterministically() async throws {
    let s = try loadTiny(agentScenario)
    let (a, outcome) = try await sweepTiny(s, jobs: 1)
    let (b, _) = try await sweepTiny(s, jobs: 2)
    #expect(outcome.trained == 1 && outcome.evaluated == 4)
    #expect(snapshot(a) == snapshot(b))
    let plan = SweepPlan(scenario: s)
    let record = try #require(ResultStore(directory: a).training(plan.training[0].id))
    #expect(record.method == "agent" && record.steps == 64 && record.agentPolicy != nil)
    #expect(!record.curveSteps.isEmpty && record.curveSteps.count == record.curveValues.count)
    let md = try String(contentsOfFile: a + "/summary.md", encoding: .utf8)
    #expect(md.contains("Agent vs best non-oracle baseline (**fixed**)"))
}

@Test func sweepExportsThePolicyItEvaluated() async throws {
    let s = try loadTiny(agentScenario)
    let (dir, _) = try await sweepTiny(s, jobs: 1)
    let file = dir + "/policies/network-diagnosis.policy"
    let tuned = try TunedPolicy.load(file, expectingSchema: ObservationSchema.current.version)
    let p = tuned.document.provenance
    #expect(p.scenario == "tiny-agent" && p.environment == "network-diagnosis" && p.seeds == [1, 2, 3])
    #expect(p.evaluationEpisodes == 2 && p.evaluationMeanReward != nil)
    // Followed in the simulator, the file reproduces the agent's evaluation runs exactly.
    let plan = SweepPlan(scenario: s)
    var env = try TuningEnvironment(spec: s.environments[0].spec, components: .standard)
    for job in plan.evaluation where job.method == .agent {
        let record = try #require(ResultStore(directory: dir).run(job.id))
        let episode = env.runEpisode(policy: tuned, seed: job.seed)
        let metric: [Double] = episode.periods.map { $0.metric }
        let retrain: [Int] = episode.periods.map { $0.retrain == .none ? 0 : ($0.retrain == .fineTune ? 1 : 2) }
        #expect(metric == record.metric)
        #expect(retrain == record.retrain)
    }
}

@Test func trainingEnvironmentOnlyResetsToTrainingSeeds() throws {
    let s = try loadTiny(agentScenario)
    var env = TrainingSeedEnvironment(environment: try TuningEnvironment(spec: s.environments[0].spec, components: .standard),
                                      seeds: [5, 6])
    var direct = try TuningEnvironment(spec: s.environments[0].spec, components: .standard)
    #expect(env.reset(seed: 1_000_001) == direct.reset(seed: 6))
    #expect(env.reset(seed: 1_000_000) == direct.reset(seed: 5))
}

/// Several agent candidates: each trains from its own stream, all are scored on the validation
/// seeds (never the held-out ones), and the best is the agent the sweep exports and evaluates.
@Test func agentCandidatesAreSelectedOnValidationSeeds() async throws {
    let text = agentScenario.replacingOccurrences(
        of: "hidden_sizes: [16, 16]}", with: "hidden_sizes: [16, 16], candidates: 3, validation_seeds: [21, 22]}")
    let s = try loadTiny(text)
    #expect(s.agent.candidates == 3 && s.agent.validationSeeds == [21, 22])
    let (dir, outcome) = try await sweepTiny(s, jobs: 1)
    #expect(outcome.trained == 1)
    let record = try #require(ResultStore(directory: dir).training(SweepPlan(scenario: s).training[0].id))
    let candidates = try #require(record.agentCandidates)
    #expect(candidates.map(\.index) == [1, 2, 3] && candidates.filter(\.selected).count == 1)
    let chosen = try #require(candidates.first { $0.selected })
    #expect(chosen.validationReward == candidates.map(\.validationReward).max())
    #expect(Set(candidates.map(\.validationReward)).count > 1, "candidates from distinct streams should differ")
    // The kept policy is the selected one: its validation reward recomputes to the recorded value.
    let provider = AgentProvider()
    #expect(try provider.validationReward(record, specs: [s.environments[0].spec], seeds: [21, 22]) == chosen.validationReward)
    // One candidate keeps the old identity and record (no candidates written).
    let single = try loadTiny(agentScenario)
    let encoded = String(decoding: try JSONEncoder().encode(single.agent), as: UTF8.self)
    #expect(!encoded.contains("candidates") && !encoded.contains("validation"))
}

@Test func agentCandidatesNeedDisjointValidationSeeds() throws {
    func error(_ agent: String) -> String {
        do {
            _ = try loadTiny(agentScenario.replacingOccurrences(of: "hidden_sizes: [16, 16]}", with: "hidden_sizes: [16, 16], \(agent)}"))
            return ""
        } catch { return String(describing: error) }
    }
    #expect(error("candidates: 2").contains("need validation_seeds"))
    #expect(error("candidates: 2, validation_seeds: [2, 30]").contains("seed 2 is also a training or held-out seed"))
    #expect(error("candidates: 2, validation_seeds: [11]").contains("seed 11 is also a training or held-out seed"))
    #expect(error("candidates: 0, validation_seeds: [30]").contains("candidates"))
}

/// `agent.shadow_learners: true`: only the agent runs the shadow learners. Its training identity
/// changes, the baselines' do not; its exported policy reads schema v2 and records the loop that
/// runs them, and replays its evaluation runs exactly in that loop.
@Test func shadowLearnerAgentReadsSchemaTwoAndOnlyItPaysForThem() async throws {
    let plain = try loadTiny(agentScenario)
    let s = try loadTiny(agentScenario.replacingOccurrences(of: "hidden_sizes: [16, 16]}", with: "hidden_sizes: [16, 16], shadow_learners: true}"))
    #expect(s.agent.shadowLearners && !plain.agent.shadowLearners)
    let (a, b) = (SweepPlan(scenario: plain), SweepPlan(scenario: s))
    #expect(a.training.map(\.id) != b.training.map(\.id))
    #expect(a.evaluation.filter { $0.method != .agent }.map(\.id) == b.evaluation.filter { $0.method != .agent }.map(\.id))
    let (dir, _) = try await sweepTiny(s, jobs: 1)
    let tuned = try TunedPolicy.loadForOwnLoop(dir + "/policies/network-diagnosis.policy")
    #expect(tuned.document.observationSchema == .v2 && tuned.document.loop?.shadowLearners == true)
    var spec = s.environments[0].spec
    spec.learner.shadowLearners = true
    var env = try TuningEnvironment(spec: spec, components: .standard)
    for job in b.evaluation where job.method == .agent {
        let record = try #require(ResultStore(directory: dir).run(job.id))
        #expect(env.runEpisode(policy: tuned, seed: job.seed).periods.map(\.metric) == record.metric)
    }
}
