import PolicyGradient
import Testing

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
    #expect(message("num_envs: 4\nlearning_rat: 0.1").hasPrefix("t.yaml:2: unknown key 'learning_rat'; expected one of: algorithm"))
    #expect(message("num_envs: four") == "t.yaml:1: 'num_envs' is 'four'; expected an integer")
    #expect(message("activation: sigmoid") == "t.yaml:1: 'activation' is 'sigmoid'; expected tanh or relu")
    #expect(message("hidden_sizes: 64") == "t.yaml:1: 'hidden_sizes' is '64'; expected a list of layer widths, e.g. [64, 64]")
    #expect(message("gamma: 1.5") == "t.yaml:1: 'gamma' is 1.5; expected a discount in [0, 1]")
    #expect(message("num_minibatches: 3").hasPrefix("t.yaml:1: 'num_minibatches' is 3;") && message("num_minibatches: 3").contains("expected a divisor of num_envs × num_steps = 512"))
    #expect(message("num_envs: 3\nnum_steps: 5") == "t.yaml: 'num_minibatches' is 4; expected a divisor of num_envs × num_steps = 15")
    #expect(message("[1, 2]").contains("expected a mapping of hyperparameters"))
    #expect(message("a: [1").contains("YAML syntax error"))
}

@Test func defaultsAreValid() throws {
    for algorithm in [PolicyGradientAlgorithm.ppo, .reinforce] {
        try TrainingSettings.cartPole(algorithm: algorithm).validate()
        try TrainingSettings.tuning(episodeLength: 50, algorithm: algorithm, workers: 2).validate()
    }
    let t = TrainingSettings.tuning(episodeLength: 50, workers: 2)
    #expect(t.config.numSteps == 50 && t.config.environmentWorkers == 2 && t.evaluationSeeds.count == 10)
    #expect(TrainingSettings.cartPole().config.totalTimesteps == 150_000)
}
