import PolicyGradient
import Simulation

/// An environment the agent can train on, by name: `cartpole` (the reference control task) or a
/// drift tuning environment from the catalog (`environments/NAME.yaml`, or a path to a spec).
public enum AgentEnvironment: Sendable {
    case cartPole
    case tuning(TuningEnvironment)

    /// The name that selects CartPole.
    public static let cartPoleName = "cartpole"

    /// Resolves `name`.
    /// - Throws: the catalog's `ConfigError` when no such spec exists or it is invalid.
    public static func resolve(_ name: String, catalog: EnvironmentCatalog = EnvironmentCatalog(),
                               components: EnvironmentComponents) throws -> AgentEnvironment {
        if name.lowercased() == cartPoleName { return .cartPole }
        return .tuning(try TuningEnvironment(spec: catalog.load(name), components: components))
    }

    /// Default settings for this environment and algorithm; tuning environments step on `workers` threads.
    public func defaultSettings(algorithm: PolicyGradientAlgorithm, workers: Int) -> TrainingSettings {
        switch self {
        case .cartPole:
            return .cartPole(algorithm: algorithm)
        case .tuning(let env):
            return .tuning(episodeLength: env.spec.episodeLength, algorithm: algorithm, workers: workers)
        }
    }
}
