import Foundation
import PolicyGradient
import PolicyRuntime
import Simulation

/// A drift `TuningEnvironment` as an `RLEnvironment` the trainer can learn on.
///
/// The observation is the environment's `schema` vector (v1, or v2 with shadow learners); the action has one
/// categorical head per factor of its `ActionBins` (`headSizes`: learning-rate bin, batch-size
/// bin, retrain choice). The end of an episode (its last period, or a diverged learner) is
/// terminal, not a truncation: the observation carries the episode's progress.
///
/// Episodes are a pure function of the reset seed and the actions, so the adapter saves its state
/// as that seed plus the actions since (`RestorableEnvironment`) and restores by replaying them.
///
///     let spec = try EnvironmentCatalog().load("network-diagnosis")
///     let base = try TuningEnvironment(spec: spec, components: .standard)
///     let trainer = PPOTrainer(config: config, environmentFactory: { _ in TuningEnvironmentAdapter(base) }, seed: 1)
public struct TuningEnvironmentAdapter: RestorableEnvironment, Sendable {
    /// The wrapped environment.
    public private(set) var environment: TuningEnvironment
    /// Seed of the current episode (nil before the first reset).
    public private(set) var episodeSeed: UInt64?
    /// Actions of the current episode so far, `actionSizes.count` indices per step.
    public private(set) var episodeActions: [Int] = []
    /// What the last step reported besides observation and reward.
    public private(set) var lastInfo: StepInfo?

    public init(_ environment: TuningEnvironment) {
        self.environment = environment
    }

    public var observationSize: Int { environment.schema.count }
    public var actionSizes: [Int] { environment.actions.headSizes }

    /// The environment's action for one index per head (a `steps` head moves from the learning
    /// rate the last period ran, which the observation's `log_lr` reports).
    public func tuningAction(_ action: [Int]) -> TuningAction {
        let choices = environment.actions.retrainChoices
        return environment.actions.action(bins: [action[0], action[1], min(max(action[2], 0), choices.count - 1)],
                                          after: environment.lastAction)
    }

    public mutating func reset(seed: UInt64) -> [Float] {
        episodeSeed = seed
        episodeActions.removeAll(keepingCapacity: true)
        lastInfo = nil
        return environment.reset(seed: seed)
    }

    public mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
        precondition(action.count == 3, "a tuning action has 3 heads, got \(action.count) indices")
        episodeActions += action
        let r = environment.step(tuningAction(action))
        lastInfo = r.info
        return (r.observation, r.reward, r.done, false)
    }

    private struct Saved: Codable {
        var environment: String
        var seed: UInt64?
        var actions: [Int]
    }

    public func savedState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]    // byte-stable: equal states give equal checkpoints
        return try encoder.encode(Saved(environment: environment.spec.name, seed: episodeSeed, actions: episodeActions))
    }

    public mutating func restore(from state: Data) throws {
        let s = try JSONDecoder().decode(Saved.self, from: state)
        guard s.environment == environment.spec.name else {
            throw CheckpointError.mismatch(what: "environment", expected: environment.spec.name, found: s.environment)
        }
        guard let seed = s.seed else {
            episodeSeed = nil
            episodeActions = []
            return
        }
        _ = reset(seed: seed)
        for start in stride(from: 0, to: s.actions.count, by: 3) { _ = step(Array(s.actions[start..<(start + 3)])) }
    }
}
