import YAMLConfig

extension PPOConfig {
    /// The most transitions one rollout may hold (num_envs × num_steps).
    public static let maxRolloutSteps = 1 << 20

    /// Checks every hyperparameter against what the trainer accepts.
    ///
    /// - Parameter file: named in the error when the values came from a YAML file.
    /// - Throws: `ConfigError.outOfRange` for the first bad value, named by its YAML key (without a
    ///   line: `TrainingSettings.applying(_:)` points it at the key when a file set it).
    public func validate(file: String? = nil) throws(ConfigError) {
        func check(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws(ConfigError) {
            if !ok { throw ConfigError.outOfRange(file: file ?? "", line: 0, column: 0, field: key, value: "\(value)", expected: expected) }
        }
        try check(steps > 0 && steps <= 10_000_000_000, "steps", steps,
                  "a positive number of environment steps, at most 10000000000")
        try check(learningRate > 0 && learningRate.isFinite, "learning_rate", learningRate, "a positive number")
        try check(numEnvs >= 1 && numEnvs <= 4_096, "num_envs", numEnvs, "1…4096")
        try check(numSteps >= 1 && numSteps <= 1_000_000, "num_steps", numSteps, "1…1000000")
        // The rollout buffer holds num_envs × num_steps transitions: bounded before it is allocated.
        try check(numEnvs * numSteps <= PPOConfig.maxRolloutSteps, "num_steps", numSteps,
                  "at most \(PPOConfig.maxRolloutSteps / numEnvs) with num_envs \(numEnvs) (num_envs × num_steps ≤ \(PPOConfig.maxRolloutSteps))")
        try check((0...1).contains(gamma), "gamma", gamma, "a discount in [0, 1]")
        try check((0...1).contains(gaeLambda), "gae_lambda", gaeLambda, "a value in [0, 1]")
        try check(numMinibatches >= 1 && batchSize % numMinibatches == 0, "num_minibatches", numMinibatches,
                  "a divisor of num_envs × num_steps = \(batchSize)")
        try check(updateEpochs >= 1, "update_epochs", updateEpochs, "at least 1")
        try check(clipCoefficient > 0, "clip_coefficient", clipCoefficient, "a positive number")
        try check(entropyCoefficient >= 0, "entropy_coefficient", entropyCoefficient, "a number ≥ 0")
        try check(valueCoefficient >= 0, "value_coefficient", valueCoefficient, "a number ≥ 0")
        try check(maxGradNorm > 0, "max_grad_norm", maxGradNorm, "a positive number")
        try check(targetKL.map { $0 > 0 } ?? true, "target_kl", targetKL as Any, "a positive number or null")
        try check(adamEpsilon > 0, "adam_epsilon", adamEpsilon, "a positive number")
        try check(observationClip > 0, "observation_clip", observationClip, "a positive number")
        try check(hiddenSizes.allSatisfy { (1...4_096).contains($0) } && hiddenSizes.count <= 8, "hidden_sizes",
                  hiddenSizes, "up to 8 layer widths in 1…4096")
        try check(firstBinPrior.map { !$0.isEmpty && $0.count <= 16 && $0.allSatisfy { $0.isFinite && abs($0) <= 20 } } ?? true,
                  "first_bin_prior", firstBinPrior as Any, "one finite value in [-20, 20] per action head, or null")
        try check(environmentWorkers >= 1, "environment_workers", environmentWorkers, "at least 1")
    }
}
