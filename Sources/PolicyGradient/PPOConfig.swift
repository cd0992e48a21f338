/// Which policy-gradient estimator the trainer runs.
public enum PolicyGradientAlgorithm: String, Codable, Sendable, CaseIterable {
    /// Proximal Policy Optimization with the clipped surrogate (Schulman et al. 2017).
    case ppo
    /// REINFORCE with a learned value baseline: one full-batch gradient step per rollout on
    /// −A·log π with A = G − V (Monte-Carlo returns, bootstrapped only where a rollout or a time
    /// limit cuts an episode), no ratio clipping.
    case reinforce
}

/// Every hyperparameter of a training run, with CleanRL's `ppo.py` defaults (tuned for CartPole).
public struct PPOConfig: Codable, Sendable, Equatable {
    public var algorithm: PolicyGradientAlgorithm = .ppo
    /// Environment steps (summed over all environments) the learning-rate schedule spans.
    public var steps: Int = 500_000
    public var learningRate: Float = 2.5e-4
    /// Decay the learning rate linearly to 0 over `steps`.
    public var annealLearningRate: Bool = true
    /// Parallel environments (N).
    public var numEnvs: Int = 4
    /// Steps per environment per rollout (T); a rollout holds N·T transitions.
    public var numSteps: Int = 128
    /// Discount γ.
    public var gamma: Double = 0.99
    /// GAE λ.
    public var gaeLambda: Double = 0.95
    public var numMinibatches: Int = 4
    /// Passes over each rollout (K epochs).
    public var updateEpochs: Int = 4
    /// Normalize advantages per minibatch.
    public var normalizeAdvantages: Bool = true
    /// Surrogate clipping ε.
    public var clipCoefficient: Float = 0.2
    /// Clip the value loss around the rollout's value estimates (with `clipCoefficient`).
    public var clipValueLoss: Bool = true
    /// Entropy bonus coefficient c₂.
    public var entropyCoefficient: Float = 0.01
    /// Value loss coefficient c₁.
    public var valueCoefficient: Float = 0.5
    /// Global gradient-norm clipping threshold.
    public var maxGradNorm: Float = 0.5
    /// Stop an update's epochs early once the approximate KL exceeds this (nil: never).
    public var targetKL: Float? = nil
    public var adamEpsilon: Float = 1e-5
    /// Add γ·V(final observation) to the reward of time-limit truncations instead of treating them
    /// as terminal (CleanRL treats them as terminal).
    public var bootstrapTruncation: Bool = true
    /// Normalize observations with running statistics that are saved with the policy.
    public var normalizeObservations: Bool = true
    public var observationClip: Float = 10
    public var hiddenSizes: [Int] = [64, 64]
    public var activation: Activation = .tanh
    public var sharedTrunk: Bool = false
    /// One value per action head, added at initialization to the logit of that head's first bin
    /// (nil: none). With `[0, 0, 2]` a drift tuning agent starts out mostly not retraining (the
    /// retrain head's first bin is "none") and learns when a retrain pays, instead of starting
    /// from retraining a third of the time.
    public var firstBinPrior: [Float]? = nil
    /// Threads that step environments (1: serial). Results do not depend on it.
    public var environmentWorkers: Int = 1

    public init() {}

    // `targetKl`: snake_case JSON (`SnakeCaseJSON`) writes `target_kl` and reads it back only so.
    enum CodingKeys: String, CodingKey {
        case algorithm, steps, learningRate, annealLearningRate, numEnvs, numSteps, gamma, gaeLambda, numMinibatches
        case updateEpochs, normalizeAdvantages, clipCoefficient, clipValueLoss, entropyCoefficient, valueCoefficient
        case maxGradNorm, targetKL = "targetKl", adamEpsilon, bootstrapTruncation, normalizeObservations, observationClip
        case hiddenSizes, activation, sharedTrunk, firstBinPrior, environmentWorkers
    }

    /// N·T transitions per rollout.
    public var batchSize: Int { numEnvs * numSteps }
    public var minibatchSize: Int { batchSize / numMinibatches }
    /// Rollouts in `steps`.
    public var numIterations: Int { max(1, steps / batchSize) }

    /// REINFORCE with a baseline on the same network and rollouts: λ = 1, one epoch, one
    /// minibatch, no ratio or value clipping.
    public static func reinforce() -> PPOConfig {
        var c = PPOConfig()
        c.algorithm = .reinforce
        c.gaeLambda = 1
        c.updateEpochs = 1
        c.numMinibatches = 1
        c.clipValueLoss = false
        c.learningRate = 1e-3
        return c
    }
}
