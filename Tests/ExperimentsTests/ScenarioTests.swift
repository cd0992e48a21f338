import Foundation
import PolicyGradient
import Testing
import YAMLConfig
@testable import Experiments

@Test func tinyScenarioLoadsWithOverrides() throws {
    let s = try loadTiny()
    #expect(s.name == "tiny")
    #expect(s.environments.map(\.label) == ["network-diagnosis", "recommendation"])
    #expect(s.environments[0].spec.periodLength == 100 && s.environments[0].spec.episodeLength == 8)
    #expect(s.environments[1].spec.labels.delay == 20)
    #expect(s.methods.map(\.description) == ["fixed", "static-search", "periodic:3", "adwin", "cosine-restarts", "oracle"])
    #expect(s.trainSeeds == [1, 2] && s.testSeeds == [11, 12, 13])
    #expect(s.training.steps == 24)
    #expect(s.statistics.resamples == 200 && s.statistics.seed == 9)
    #expect(s.contentHash.count == 64)
}

@Test func seedRangesExpand() throws {
    let s = try loadTiny(tinyScenario.replacingOccurrences(of: "test_seeds: [11, 12, 13]", with: "test_seeds: {from: 100, count: 4}"))
    #expect(s.testSeeds == [100, 101, 102, 103])
}

/// Loads a variant of the tiny scenario and returns the error message.
func scenarioError(_ replace: String, with: String) throws -> String {
    let text = tinyScenario.replacingOccurrences(of: replace, with: with)
    #expect(text != tinyScenario, "the replacement must apply")
    do {
        _ = try loadTiny(text)
        Issue.record("expected an error for \(with)")
        return ""
    } catch {
        return String(describing: error)
    }
}

@Test func unknownKeyNamesFileLineAndField() throws {
    let m = try scenarioError("training: {steps: 24}", with: "training: {steps: 24, budget_stpes: 3}")
    #expect(m.contains("tiny.yaml:10:"), "\(m)")
    #expect(m.contains("unknown key 'training.budget_stpes'"), "\(m)")
}

@Test func wrongTypeNamesFileLineAndField() throws {
    let m = try scenarioError("training: {steps: 24}", with: "training: {steps: lots}")
    #expect(m.contains("tiny.yaml:10:") && m.contains("'training.steps' has the wrong type") && m.contains("expected an integer"), "\(m)")
}

@Test func outOfRangeNamesFileLineAndField() throws {
    let m = try scenarioError("bootstrap_resamples: 200", with: "bootstrap_resamples: 5")
    #expect(m.contains("tiny.yaml:12:") && m.contains("'statistics.bootstrap_resamples' is 5, out of range"), "\(m)")
}

@Test func overlappingSeedsAreRejected() throws {
    let m = try scenarioError("test_seeds: [11, 12, 13]", with: "test_seeds: [11, 2, 13]")
    #expect(m.contains("tiny.yaml:9:") && m.contains("'test_seeds'") && m.contains("seed 2 is also a training seed"), "\(m)")
}

@Test func unknownMethodListsTheMethods() throws {
    let m = try scenarioError("oracle]", with: "oracel]")
    #expect(m.contains("tiny.yaml:11:") && m.contains("'methods[5]' is 'oracel'") && m.contains("static-search"), "\(m)")
}

@Test func badOverridesAreRejected() throws {
    var m = try scenarioError("warmup_periods: 1, label_delay: 20", with: "warmup_periods: 1, label_delay: 20, perod_length: 3")
    #expect(m.contains("tiny.yaml:7:") && m.contains("unknown key 'environments[1].overrides.perod_length'"), "\(m)")
    m = try scenarioError("period_length: 120, episode_length: 8, warmup_periods: 1, label_delay: 20",
                          with: "period_length: 90, episode_length: 8, warmup_periods: 1")
    #expect(m.contains("tiny.yaml:7:") && m.contains("environments[1].overrides") && m.contains("labels.delay"), "\(m)")
    m = try scenarioError("name: recommendation", with: "name: recomendation")
    #expect(m.contains("tiny.yaml:6:") && m.contains("'environments[1].name'") && m.contains("recomendation"), "\(m)")
}

@Test func missingFileAndSyntaxErrors() throws {
    #expect(throws: ConfigError.fileNotFound(path: "/nonexistent/x.yaml", expected: Scenario.expectedFile)) {
        try Scenario.load(file: "/nonexistent/x.yaml", environmentsDirectory: environmentsDirectory)
    }
    let m = try scenarioError("methods: [fixed,", with: "methods: [fixed,,")
    #expect(m.contains("tiny.yaml:11:"), "\(m)")
}

@Test func scenarioErrorMessageSaysWhereWhatAndExpected() throws {
    let m = try scenarioError("training: {steps: 24}", with: "training: {steps: 0}")
    #expect(m.hasSuffix("tiny.yaml:10:19: 'training.steps' is 0, out of range; expected an integer in 1...100000000"), "\(m)")
}

@Test func duplicateScenarioKeyIsRefused() throws {
    let m = try scenarioError("train_seeds: [1, 2]", with: "train_seeds: [1, 2]\ntrain_seeds: [3]")
    #expect(m.hasSuffix("tiny.yaml:8:1: duplicate key 'train_seeds' (again at line 9); expected each key once per mapping"), "\(m)")
}

@Test func agentBlockTakesTrainConfigKeysAndASeed() throws {
    let s = try loadTiny(tinyScenario.replacingOccurrences(
        of: "training: {steps: 24}",
        with: "training: {steps: 24}\nagent: {seed: 7, clip_coefficient: 0.3, target_kl: 0.05, activation: relu, num_envs: 2, num_steps: 8}"))
    #expect(s.agent.seed == 7)
    let c = s.agent.settings.config
    #expect(c.clipCoefficient == 0.3 && c.targetKL == 0.05 && c.activation == .relu && c.numEnvs == 2 && c.numSteps == 8)
    #expect(c.steps == 24)      // the scenario's budget
    #expect(c.gamma == TrainingSettings.tuning(episodeLength: 50).config.gamma)     // untouched keys keep the defaults
    // The seed is part of the agent's training identity (its random stream is split from it).
    let other = try loadTiny(tinyScenario.replacingOccurrences(
        of: "training: {steps: 24}",
        with: "training: {steps: 24}\nagent: {seed: 8, clip_coefficient: 0.3, target_kl: 0.05, activation: relu, num_envs: 2, num_steps: 8}"))
    #expect(RunIdentity.training(scenario: s, environment: s.environments[0], method: .agent)
            != RunIdentity.training(scenario: other, environment: other.environments[0], method: .agent))
}

@Test func agentBlockIsValidatedByTheTrainingReader() throws {
    var m = try scenarioError("training: {steps: 24}", with: "training: {steps: 24}\nagent: {gamma: 1.5}")
    #expect(m.hasSuffix("tiny.yaml:11:16: 'agent.gamma' is 1.5, out of range; expected a discount in [0, 1]"), "\(m)")
    m = try scenarioError("training: {steps: 24}", with: "training: {steps: 24}\nagent: {gama: 0.9}")
    #expect(m.contains("tiny.yaml:11:9: unknown key 'agent.gama'") && m.contains("seed, algorithm, steps"), "\(m)")
    m = try scenarioError("training: {steps: 24}", with: "training: {steps: 24}\nagent: {steps: 48}")
    #expect(m.contains("tiny.yaml:11:16: 'agent.steps'") && m.contains("training.steps (24)"), "\(m)")
    m = try scenarioError("training: {steps: 24}", with: "training: {steps: 24}\nagent: {first_bin_prior: [0, 2]}")
    #expect(m.contains("tiny.yaml:11:26: 'agent.first_bin_prior' is [0.0, 2.0], out of range; expected one value per action head (3"), "\(m)")
    // A train --config file's steps equal to the scenario's budget is accepted.
    let s = try loadTiny(tinyScenario.replacingOccurrences(of: "training: {steps: 24}", with: "training: {steps: 24}\nagent: {steps: 24}"))
    #expect(s.agent.settings.config.steps == 24)
}

@Test func shippedScenariosLoadThroughTheOneReader() throws {
    let dir = (environmentsDirectory as NSString).deletingLastPathComponent + "/scenarios"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(files.count == 14)
    for f in files {
        let s = try Scenario.load(file: dir + "/" + f, environmentsDirectory: environmentsDirectory)
        #expect(s.agent.settings.config.steps == s.training.steps, "\(f)")
        // An agent anchored at the static setting gets its head biases from the anchor instead.
        #expect(s.agent.settings.config.firstBinPrior == (s.agent.anchorStrength > 0 ? nil : [0, 0, 2]), "\(f)")
    }
}

/// `overrides: {updates: deployed}` switches an environment to deployed updates and is part of
/// its run identity; without it the identity text is what it always was.
@Test func updatesOverrideSetsTheRegimeAndTheIdentity() throws {
    let before = try loadTiny()
    #expect(before.environments.allSatisfy { $0.spec.learner.updates == .online && !$0.identity.contains("updates") })
    let s = try loadTiny(tinyScenario.replacingOccurrences(of: "warmup_periods: 1, label_delay: 20",
                                                            with: "warmup_periods: 1, label_delay: 20, updates: deployed"))
    #expect(s.environments[1].spec.learner.updates == .deployed && s.environments[1].spec.loopSettings.updates == .deployed)
    #expect(s.environments[1].identity.contains(",updates=deployed") && s.environments[1].identity != before.environments[1].identity)
    #expect(s.environments[0].identity == before.environments[0].identity)
    let m = try scenarioError("warmup_periods: 1, label_delay: 20", with: "warmup_periods: 1, label_delay: 20, updates: nightly")
    #expect(m.contains("tiny.yaml:7:") && m.contains("environments[1].overrides.updates") && m.contains("online, deployed"), "\(m)")
}
