/// What one training iteration (rollout + update) reports, named as in CleanRL's logs.
public struct IterationStats: Sendable, Equatable, Codable {
    /// 1-based iteration number.
    public var iteration: Int
    /// Environment steps so far, summed over environments.
    public var globalStep: Int
    /// Environment steps per second of wall time in this iteration (rollout + update).
    public var stepsPerSecond: Double
    /// Mean return of the episodes that finished during this iteration's rollout (nil if none).
    public var meanEpisodeReturn: Double?
    public var episodesFinished: Int
    public var learningRate: Float
    public var policyLoss: Double
    public var valueLoss: Double
    public var entropy: Double
    /// Mean approximate KL over the last epoch's minibatches.
    public var approxKL: Double
    /// Mean clip fraction over all minibatches of the update.
    public var clipFraction: Double
    /// 1 − Var(R − V) / Var(R) on the rollout.
    public var explainedVariance: Double
}
