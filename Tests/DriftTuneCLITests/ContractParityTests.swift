import DriftTuneCLI
import Experiments
import Foundation
import PolicyRuntime
import ProductionLearner
import Simulation
import Testing

/// The contract between training and production as a property: one exported stream through the
/// simulator and through `drifttune learn` gives the same periods, bit for bit — metric, action,
/// learning rate, batch size, retrain and compute — for every shared rule and for a policy file.
/// The shipped specs, shortened (16 periods of 400 samples; the intent spec's label delay of 200
/// still applies) so the suite stays fast in debug builds.
@Suite struct ContractParityTests {
    static func spec(_ name: String) throws -> EnvironmentSpec {
        var spec = try EnvironmentCatalog(directory: repositoryRoot.appendingPathComponent("environments").path).load(name)
        spec.periodLength = 400
        spec.episodeLength = 16
        return spec
    }

    static let rules = ["fixed", "never", "periodic:10", "adwin", "ddm", "ks", "cosine-restarts"]

    @Test(arguments: ["network-diagnosis", "intent-recognition"], rules)
    func simulateAndLearnAgreeOnEveryRule(environment: String, rule: String) throws {
        let spec = try Self.spec(environment)
        let policy = try #require(HandWrittenRule.parse(rule))
        try expectSamePeriods(spec: spec, simulated: policy, learned: rule, seed: 5)
    }

    @Test(arguments: ["network-diagnosis", "intent-recognition", "recommendation"])
    func simulateAndLearnAgreeOnAPolicyFile(environment: String) throws {
        let spec = try Self.spec(environment)
        let url = try CLIProcess.temporaryFile("", name: "random.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let path = url.path
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 5), to: path)
        let policy = try TunedPolicy.load(path)
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: path, seed: 11)
        // The parity means something only if the policy moved the knobs and retrained.
        #expect(Set(actions.map(\.learningRateBin)).count > 1)
        #expect(actions.contains { $0.retrain != .none })
    }

    /// Deployed updates (a serving model frozen between update jobs) go through the same contract:
    /// the regime travels in the spec's loop and in the policy file's `loop.updates`.
    @Test(arguments: ["network-diagnosis", "recommendation"])
    func simulateAndLearnAgreeUnderDeployedUpdates(environment: String) throws {
        var spec = try Self.spec(environment)
        spec.learner.updates = .deployed
        try expectSamePeriods(spec: spec, simulated: try #require(HandWrittenRule.parse("periodic:5")), learned: "periodic:5", seed: 3)
        let url = try CLIProcess.temporaryFile("", name: "deployed.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 7), to: url.path)
        let policy = try TunedPolicy.load(url.path)
        #expect(policy.document.loop?.updates == .deployed)
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: url.path, seed: 13)
        #expect(actions.dropFirst().allSatisfy { !$0.learnOnline } && actions.contains { $0.retrain != .none })
    }

    /// Shadow learners (observation schema v2) go through the same contract: the file's
    /// `loop.shadow_learners` makes `learn` run them, so the v2 features, the decisions they drive
    /// and the compute they cost are the simulator's, bit for bit.
    @Test(arguments: ["network-diagnosis", "intent-recognition"])
    func simulateAndLearnAgreeWithShadowLearners(environment: String) throws {
        var spec = try Self.spec(environment)
        spec.learner.shadowLearners = true
        let url = try CLIProcess.temporaryFile("", name: "shadows.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 9), to: url.path)
        let policy = try TunedPolicy.loadForOwnLoop(url.path)
        #expect(policy.document.observationSchema == .v2)
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: url.path, seed: 17)
        #expect(Set(actions.map(\.learningRateBin)).count > 1)
    }

    /// A policy whose learning-rate head steps from the current bin (`actions.learning_rate_head:
    /// steps`) decides from the observation's log_lr in both places: same periods, bit for bit, and
    /// the learning rate never jumps more than one bin.
    @Test(arguments: ["network-diagnosis", "intent-recognition"])
    func simulateAndLearnAgreeWithALearningRateStepsHead(environment: String) throws {
        var spec = try Self.spec(environment)
        spec.actions.learningRateHead = .steps
        spec.learner.shadowLearners = environment == "network-diagnosis"
        let url = try CLIProcess.temporaryFile("", name: "steps.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 21), to: url.path)
        let policy = try TunedPolicy.loadForOwnLoop(url.path)
        #expect(policy.document.actions.headSizes[0] == 3)
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: url.path, seed: 23)
        let lrBins = actions.map(\.learningRateBin)
        #expect(Set(lrBins).count > 1)
        #expect(zip(lrBins, lrBins.dropFirst()).allSatisfy { abs($0 - $1) <= 1 })
    }

    /// Batch-size shadows (schema v3) and a batch-size head of steps go through the same contract:
    /// the v3 features, the batch sizes they drive and the compute are the simulator's, bit for bit,
    /// and the batch size never jumps more than one bin.
    @Test(arguments: ["network-diagnosis", "intent-recognition"])
    func simulateAndLearnAgreeWithBatchShadowsAndABatchStepsHead(environment: String) throws {
        var spec = try Self.spec(environment)
        spec.learner.shadowLearners = true
        spec.learner.batchShadows = true
        spec.actions.learningRateHead = .steps
        spec.actions.batchSizeHead = .steps
        let url = try CLIProcess.temporaryFile("", name: "batch-steps.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 31), to: url.path)
        let policy = try TunedPolicy.loadForOwnLoop(url.path)
        #expect(policy.document.observationSchema == .v3 && policy.document.actions.headSizes == [3, 3, 3])
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: url.path, seed: 29)
        let batchBins = actions.map(\.batchSizeBin)
        #expect(Set(batchBins).count > 1)
        #expect(zip(batchBins, batchBins.dropFirst()).allSatisfy { abs($0 - $1) <= 1 })
    }

    /// An expert pool (observation schema v4) goes through the same contract: the file's
    /// `loop.experts` makes `learn` run the pool, so the expert each decision serves, its retrains,
    /// the served metric and every expert's compute are the simulator's, bit for bit; and the
    /// leader rule in the simulator is `learn --policy leader`.
    @Test(arguments: ["network-diagnosis", "intent-recognition"])
    func simulateAndLearnAgreeWithAnExpertPool(environment: String) throws {
        var spec = try Self.spec(environment)
        spec.periodLength = 600  // `learn --policy leader` refuses bins whose largest batch (512) is above the period
        spec.learner.experts = true
        let url = try CLIProcess.temporaryFile("", name: "experts.policy")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PolicyFile.write(Self.randomPolicy(spec: spec, seed: 37), to: url.path)
        let policy = try TunedPolicy.loadForOwnLoop(url.path)
        #expect(policy.document.observationSchema == .v4 && policy.document.loop?.experts == true)
        let actions = try expectSamePeriods(spec: spec, simulated: policy, learned: url.path, seed: 41)
        #expect(Set(actions.map(\.learningRateBin)).count > 1 && Set(actions.map(\.batchSizeBin)).count > 1)
        #expect(actions.contains { $0.retrain != .none })
        let served = try expectSamePeriods(spec: spec, simulated: LeaderRule(), learned: "leader", seed: 43)
        #expect(served.allSatisfy { $0.retrain == .none })
        // A lone learner pays one period of compute a period; the pool pays for every expert.
        var single = spec
        single.learner.experts = false
        var lone = try TuningEnvironment(spec: single, components: .standard)
        var pool = try TuningEnvironment(spec: spec, components: .standard)
        let experts = Double(spec.actions.learningRates.count * spec.actions.batchSizes.count)
        let (a, b) = (lone.runEpisode(policy: FixedPolicy(), seed: 43), pool.runEpisode(policy: LeaderRule(), seed: 43))
        #expect(b.compute > 0.9 * experts * a.compute)
    }

    /// Runs `simulated` in the simulator and `learned` through `LearnSetup` on the exported stream;
    /// returns the actions.
    @discardableResult
    func expectSamePeriods(spec: EnvironmentSpec, simulated: any TuningPolicy, learned: String, seed: UInt64) throws -> [TuningAction] {
        var env = try TuningEnvironment(spec: spec, components: .standard)
        let episode = env.runEpisode(policy: simulated, seed: seed)
        let stream = try LabelledCSV.parse(StreamExport.csv(spec: spec, seed: seed), input: "stream", labelColumn: "label")
        let setup = try LearnSetup.make(policy: learned, registry: "", spec: spec, seed: seed)
        var logs: [PeriodLog] = []
        let summary = try setup.run.run(stream, policy: setup.policy) { logs.append($0) }
        try #require(logs.count == episode.periods.count, "\(learned): \(logs.count) learned periods, \(episode.periods.count) simulated")
        for (sim, log) in zip(episode.periods, logs) {
            #expect(sim.period == log.period)
            #expect(sim.metric == log.metric, "\(learned) period \(sim.period): metric")
            #expect(sim.compute == log.compute, "\(learned) period \(sim.period): compute")
            #expect(sim.retrain == log.action.retrain, "\(learned) period \(sim.period): retrain")
            #expect(sim.learningRate == log.learningRate, "\(learned) period \(sim.period): learning rate")
            #expect(sim.batchSize == log.batchSize, "\(learned) period \(sim.period): batch size")
        }
        #expect(summary.meanMetric == episode.meanMetric)
        #expect(summary.compute == episode.compute)
        #expect(summary.retrains + summary.fineTunes == episode.retrains)
        return logs.map(\.action)
    }

    /// A policy file for `spec` with random weights (large enough that decisions vary).
    static func randomPolicy(spec: EnvironmentSpec, seed: UInt64) -> PolicyDocument {
        var state = seed
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let schema = spec.loopSettings.observationSchema
        let bins = spec.actionBins
        func layer(_ i: Int, _ o: Int, _ scale: Float) -> PolicyDocument.Layer {
            .init(inputs: i, outputs: o, weights: (0..<(i * o)).map { _ in uniform() * scale }, bias: (0..<o).map { _ in uniform() })
        }
        return PolicyDocument(
            observationSchema: schema,
            normalization: .init(mean: [Double](repeating: 0.5, count: schema.count), variance: [Double](repeating: 0.05, count: schema.count),
                                 epsilon: 1e-8, clip: 5),
            actions: bins,
            network: .init(activation: "tanh", hidden: [layer(schema.count, 16, 1)], heads: layer(16, bins.headSizes.reduce(0, +), 2)),
            fallback: spec.defaultAction, provenance: .init(environment: spec.name), loop: spec.loopSettings)
    }
}
