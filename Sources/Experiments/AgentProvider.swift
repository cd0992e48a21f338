import Linalg
import Simulation

/// The PPO agent as a sweep method. Waits for PolicyGradient's trainer (branch `agent`).
struct AgentProvider: MethodProvider {
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? {
        throw SweepError.agentUnavailable("PolicyGradient has no trainer in this build")
    }

    func policy(training: TrainingRecord?) throws -> any TuningPolicy {
        throw SweepError.agentUnavailable("PolicyGradient has no trainer in this build")
    }
}
