/// A reinforcement-learning environment with a vector observation and a factored discrete action.
///
/// The agent sees `observationSize` floats and answers with one index per action factor:
/// `action[i]` is in `0..<actionSizes[i]` (CartPole: `[2]`; a drift tuning environment:
/// `[learningRateBins, batchSizeBins, 3]`). All randomness an environment uses must come from the
/// seed given to `reset(seed:)`, so episodes are a pure function of that seed and the actions.
///
/// Environments that are also `Codable` travel inside trainer checkpoints, which makes resumed
/// training bitwise identical to uninterrupted training.
public protocol RLEnvironment {
    /// Length of every observation vector.
    var observationSize: Int { get }
    /// Number of choices per action factor.
    var actionSizes: [Int] { get }
    /// Starts a new episode; returns the first observation.
    mutating func reset(seed: UInt64) -> [Float]
    /// Applies one action (one index per factor) and advances one step.
    ///
    /// - Returns: the next observation, the reward, `done` when the episode reached a terminal
    ///   state, `truncated` when it was cut off by a time limit (the state is not terminal).
    mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool)
}
