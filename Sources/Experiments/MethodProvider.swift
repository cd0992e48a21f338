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
    /// One evaluation episode on `environment` from `seed`. By default the policy plays it; a
    /// method that needs the environment itself (the planner) plays it its own way.
    func episode(training: TrainingRecord?, environment: ScenarioEnvironment, scenario: Scenario, seed: UInt64) throws -> EpisodeResult
}

extension MethodProvider {
    public func episode(training: TrainingRecord?, environment: ScenarioEnvironment, scenario: Scenario,
                        seed: UInt64) throws -> EpisodeResult {
        let policy = AnyPolicy(try policy(training: training, spec: environment.spec))
        var tuning = try TuningEnvironment(spec: environment.spec, components: .standard)
        return tuning.runEpisode(policy: policy, seed: seed)
    }
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

/// The best static setting on the held-out seeds themselves (`StaticHindsight`).
struct StaticHindsightProvider: MethodProvider {
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? {
        try StaticHindsight(spec: environment.spec, seeds: scenario.testSeeds, rules: scenario.hindsightRules).run()
    }

    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        guard let setting = training?.setting else {
            throw SweepError.missingTraining(method: Method.staticHindsight.description, environment: training?.environment ?? spec.name)
        }
        return setting.policy
    }
}

/// The lookahead planner (`LookaheadPlanner`) with the scenario's `planner` settings; with
/// `continuation: static-hindsight` its rollouts follow static-hindsight's setting (its training record).
struct PlannerProvider: MethodProvider {
    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? { nil }

    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        throw SweepError.missingTraining(method: Method.planner.description, environment: spec.name)
    }

    func episode(training: TrainingRecord?, environment: ScenarioEnvironment, scenario: Scenario,
                 seed: UInt64) throws -> EpisodeResult {
        var tuning = try TuningEnvironment(spec: environment.spec, components: .standard)
        guard scenario.planner.continuation == .base else { return scenario.planner.runEpisode(in: &tuning, seed: seed) }
        guard let setting = training?.setting else {
            throw SweepError.missingTraining(method: Method.staticHindsight.description, environment: environment.spec.name)
        }
        return scenario.planner.runEpisode(in: &tuning, seed: seed, base: AnyPolicy(setting.policy))
    }
}

extension Method {
    /// The provider that trains and builds this method's policy.
    public var provider: any MethodProvider {
        switch self {
        case .staticSearch: StaticSearchProvider()
        case .staticHindsight: StaticHindsightProvider()
        case .planner: PlannerProvider()
        case .agent: AgentProvider()
        case .policyFile(let path): OutsidePolicyProvider(path: path)
        default: FixedMethodProvider(method: self)
        }
    }
}
