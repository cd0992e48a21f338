import Linalg
import PolicyRuntime
import Simulation

/// What a method does in a sweep: optionally train on the training seeds, then hand back the
/// policy that is evaluated on the held-out seeds.
public protocol MethodProvider: Sendable {
    /// Trains on `environment.trainSpecs` and the scenario's training seeds with `rng`; nil for
    /// methods that need no training.
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord?
    /// The policy to evaluate on an environment with `spec`, from the training record when the
    /// method trained.
    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy
}

/// Errors of sweep execution that are not about the scenario file.
public enum SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    case agentUnavailable(String)
    case missingTraining(method: String, environment: String)
    case io(path: String, problem: String)
    case badShard(String)

    public var description: String {
        switch self {
        case .agentUnavailable(let why): return "the agent cannot run: \(why)"
        case .missingTraining(let m, let e): return "no training record for \(m) on \(e)"
        case .io(let path, let problem): return "\(path): \(problem)"
        case .badShard(let s): return "--shard '\(s)': expected I/N with 1 ≤ I ≤ N"
        }
    }
}

/// Baselines that need no training.
struct FixedMethodProvider: MethodProvider {
    var method: Method
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? { nil }
    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        guard let policy = method.untrainedPolicy(spec: spec) else {
            throw SweepError.missingTraining(method: method.description, environment: spec.name)
        }
        return policy
    }
}

/// Random search for the best static configuration.
struct StaticSearchProvider: MethodProvider {
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? {
        let search = StaticSearch(specs: environment.trainSpecs,
                                  seeds: Array(scenario.trainSeeds.prefix(scenario.training.searchSeedsPerCandidate)),
                                  steps: scenario.training.steps)
        return try search.run(rng: rng)
    }

    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        guard let setting = training?.setting else {
            throw SweepError.missingTraining(method: Method.staticSearch.description, environment: training?.environment ?? "?")
        }
        return StaticSettingPolicy(setting: setting)
    }
}

/// A searched static configuration, named "static-search" in tables.
public struct StaticSettingPolicy: TuningPolicy {
    public var setting: FixedSetting
    private var inner: AnyPolicy
    public var name: String { Method.staticSearch.description }
    public init(setting: FixedSetting) {
        self.setting = setting
        inner = AnyPolicy(setting.policy)
    }
    public mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        inner.decide(observation, context: context)
    }
}

extension Method {
    /// The provider that trains and builds this method's policy.
    public var provider: any MethodProvider {
        switch self {
        case .staticSearch: StaticSearchProvider()
        case .agent: AgentProvider()
        default: FixedMethodProvider(method: self)
        }
    }
}
