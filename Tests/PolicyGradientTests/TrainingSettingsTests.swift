import Foundation
import PolicyGradient
import Testing
import YAMLConfig

@Test func yamlOverridesDefaultsWithTypedValues() throws {
    let s = try TrainingSettings.cartPole().applying(yaml: """
        learning_rate: 1e-3
        num_envs: 8
        hidden_sizes: [32, 16]
        activation: relu
        target_kl: 0.02
        anneal_learning_rate: false
        algorithm: reinforce
        """)
    #expect(s.config.learningRate == 1e-3 && s.config.numEnvs == 8 && s.config.hiddenSizes == [32, 16])
    #expect(s.config.activation == .relu && s.config.targetKL == 0.02 && !s.config.annealLearningRate)
    #expect(s.config.algorithm == .reinforce)
    #expect(s.config.numSteps == PPOConfig().numSteps)     // untouched keys keep their value
    #expect(try TrainingSettings.cartPole().applying(yaml: "") == TrainingSettings.cartPole())
}

@Test func yamlErrorsNameFileLineAndExpectation() {
    func message(_ yaml: String) -> String {
        do {
            _ = try TrainingSettings.cartPole().applying(yaml: yaml, file: "t.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }
    #expect(message("num_envs: 4\nlearning_rat: 0.1").hasPrefix("t.yaml:2:1: unknown key 'learning_rat'; expected one of: algorithm"))
    #expect(message("num_envs: four") == "t.yaml:1:11: 'num_envs' has the wrong type (string 'four'); expected an integer")
    #expect(message("activation: sigmoid") == "t.yaml:1:13: 'activation' is 'sigmoid', out of range; expected one of tanh, relu")
    #expect(message("hidden_sizes: 64") == "t.yaml:1:15: 'hidden_sizes' has the wrong type (integer 64); expected a list")
    #expect(message("gamma: 1.5") == "t.yaml:1:8: 'gamma' is 1.5, out of range; expected a discount in [0, 1]")
    #expect(message("num_minibatches: 3").hasPrefix("t.yaml:1:18: 'num_minibatches' is 3, out of range;") && message("num_minibatches: 3").contains("expected a divisor of num_envs × num_steps = 512"))
    #expect(message("num_envs: 3\nnum_steps: 5") == "t.yaml: 'num_minibatches' is 4, out of range; expected a divisor of num_envs × num_steps = 15")
    #expect(message("[1, 2]") == "t.yaml:1:1: 'document' has the wrong type (a list); expected a mapping")
    #expect(message("a: [1").contains("t.yaml:") && message("a: [1").contains("YAML syntax error"))
    #expect(message("gamma: 0.9\ngamma: 0.8") == "t.yaml:1:1: duplicate key 'gamma' (again at line 2); expected each key once per mapping")
    // A long bad value is quoted as a short excerpt.
    let long = String(repeating: "x", count: 500)
    #expect(message("activation: \(long)").count < 150)
}

@Test func defaultsAreValid() throws {
    for algorithm in [PolicyGradientAlgorithm.ppo, .reinforce] {
        try TrainingSettings.cartPole(algorithm: algorithm).validate()
        try TrainingSettings.tuning(episodeLength: 50, algorithm: algorithm, workers: 2).validate()
    }
    let t = TrainingSettings.tuning(episodeLength: 50, workers: 2)
    #expect(t.config.numSteps == 50 && t.config.environmentWorkers == 2 && t.evaluationSeeds.count == 10)
    #expect(TrainingSettings.cartPole().config.steps == 150_000)
}

@Test func settingsRoundTripThroughSnakeCaseJSON() throws {
    var s = TrainingSettings.tuning(episodeLength: 50)
    s.config.targetKL = 0.02
    let text = try SnakeCaseJSON.string(s)
    #expect(text.contains("\"target_kl\"") && text.contains("\"first_bin_prior\"") && text.contains("\"steps\":40000"), "\(text)")
    #expect(try SnakeCaseJSON.decoder().decode(TrainingSettings.self, from: Data(text.utf8)) == s)
}
