/// What `drifttune train --json` prints at the end.
public struct TrainingSummary: Codable, Sendable, Equatable {
    public var environment: String
    public var algorithm: String
    public var seed: UInt64
    public var envSteps: Int
    public var wallSeconds: Double
    /// False when training was interrupted before its budget.
    public var finished: Bool
    public var evaluation: EvaluationSummary

    enum CodingKeys: String, CodingKey {
        case environment, algorithm, seed, finished, evaluation
        case envSteps = "env_steps"
        case wallSeconds = "wall_seconds"
    }
}

/// Mean and standard deviation of greedy episode rewards on the evaluation seeds.
public struct EvaluationSummary: Codable, Sendable, Equatable {
    public var episodes: Int
    public var seeds: [UInt64]
    public var meanReward: Double
    public var stdReward: Double
    public var rewards: [Double]

    public init(seeds: [UInt64], result: EvaluationResult) {
        episodes = seeds.count
        self.seeds = seeds
        meanReward = result.meanReturn
        stdReward = result.stdReturn
        rewards = result.returns
    }

    enum CodingKeys: String, CodingKey {
        case episodes, seeds, rewards
        case meanReward = "mean_reward"
        case stdReward = "std_reward"
    }
}
