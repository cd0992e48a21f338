import PolicyGradient
import Simulation

/// A sweep: which environments (with overrides), training seeds and disjoint held-out test seeds,
/// the methods (agent and baselines), the training budget, the metrics and the statistics.
/// Read from `scenarios/NAME.yaml` by `Scenario.load(file:)`.
public struct Scenario: Sendable {
    /// Scenario name (the `name` key, or the file's base name).
    public var name: String
    public var description: String
    /// The file it was read from.
    public var file: String
    /// SHA-256 of the file's bytes (recorded in the manifest).
    public var contentHash: String
    public var environments: [ScenarioEnvironment]
    /// Seeds the trained methods (agent, static search) may simulate.
    public var trainSeeds: [UInt64]
    /// Held-out seeds every method is evaluated on; disjoint from `trainSeeds`.
    public var testSeeds: [UInt64]
    public var training: TrainingBudget
    public var agent: AgentSettings
    /// Agents trained per environment, each from its own random stream (`agent_seeds`; default 1),
    /// all evaluated on every held-out seed: the tables then report the agent over training seeds
    /// and held-out seeds together (`TrainingSeedStatistics`). Agent seed 1 is the agent of a
    /// scenario without the key, so adding seeds reuses its stored training and runs.
    public var agentSeeds: Int = 1
    public var methods: [Method]
    public var metrics: [Metric]
    public var statistics: StatisticsSettings
    /// The `planner` method's search (`planner: {horizon, radius}`; defaults 4 and 1).
    public var planner = LookaheadPlanner()
    /// The `static-hindsight` method's retrain rules (`static_hindsight: {rules: [...]}`).
    public var hindsightRules = StaticHindsight.defaultRules
    /// The `policy:PATH` methods' files, loaded and checked, by the path as written.
    public var outsidePolicies: [String: OutsidePolicy] = [:]
}

/// One evaluation environment of a scenario.
public struct ScenarioEnvironment: Sendable {
    /// Name in tables: the environment's name (a `label` key may rename it).
    public var label: String
    /// The spec after overrides.
    public var spec: EnvironmentSpec
    /// The specs trained methods learn on: the environment itself unless `train_on` names others
    /// (transfer scenarios), with the same overrides.
    public var trainSpecs: [EnvironmentSpec]
    /// Stable text identifying the evaluation spec (file hash + overrides) for run identities.
    public var identity: String
    /// Stable text identifying the training specs.
    public var trainIdentity: String
}

/// The simulation budget of the trained methods.
public struct TrainingBudget: Sendable, Equatable, Codable {
    /// Environment steps (periods) the agent trains for (`training.steps`); the static random
    /// search gets the same.
    public var steps: Int
    /// Training seeds each static-search candidate is scored on.
    public var searchSeedsPerCandidate: Int
}

/// The agent's training settings: a `train --config` mapping read over `TrainingSettings.tuning`
/// for 50-period episodes, with `steps` set to the scenario's `training.steps`, and its seed.
public struct AgentSettings: Sendable, Equatable, Codable {
    /// Hyperparameters and run options, read and validated by PolicyGradient's reader. The run
    /// options (`checkpoint_interval`, `evaluation_*`) do not apply to sweeps, which evaluate on
    /// `test_seeds`; `environment_workers` is 1 in a sweep (which is parallel across jobs).
    public var settings: TrainingSettings
    /// Part of every agent training job's identity, from which the job's random stream (network
    /// initialization, rollouts) is split: another seed trains another agent on the same settings.
    public var seed: UInt64
    /// Agents trained per environment, each from its own random stream (`candidates` in the
    /// scenario's agent block; default 1). With more than one, the one with the highest mean
    /// episode reward on `validationSeeds` is exported and evaluated; every candidate's validation
    /// reward is kept in the training record.
    public var candidates: Int = 1
    /// Seeds the candidates are compared on: disjoint from the training and the held-out seeds.
    public var validationSeeds: [UInt64] = []
    /// The static search's setting as one more candidate (`static_candidate: true`; default false):
    /// the agent job runs the scenario's static search itself (the same job as the `static-search`
    /// method, so the same setting), turns the setting into a policy network that follows it, and
    /// compares it with the PPO candidates on `validationSeeds`. Its budget then includes the
    /// search's steps.
    public var staticCandidate: Bool = false
    /// With the static candidate: 0 (default) lets every PPO candidate start from its own random
    /// initialization; α > 0 (`anchor_strength`) starts each at the static setting instead, α
    /// logits in favour of the setting's decisions (`StaticCandidate.anchored`), so PPO learns
    /// deviations from it.
    public var anchorStrength: Double = 0
    /// The agent runs shadow learners and reads observation schema v2 (`shadow_learners: true`;
    /// default false): its PPO candidates train, are validated and are evaluated in their
    /// environments with `learner.shadow_learners` on and pay their compute; the static candidate
    /// and every other method run without them.
    public var shadowLearners: Bool = false

    /// `spec` as the agent runs it: with shadow learners when `shadowLearners` is set.
    public func agentSpec(_ spec: EnvironmentSpec) -> EnvironmentSpec {
        guard shadowLearners else { return spec }
        var s = spec
        s.learner.shadowLearners = true
        return s
    }

    public init(settings: TrainingSettings, seed: UInt64, candidates: Int = 1, validationSeeds: [UInt64] = [],
                staticCandidate: Bool = false, anchorStrength: Double = 0, shadowLearners: Bool = false) {
        self.settings = settings
        self.seed = seed
        self.candidates = candidates
        self.validationSeeds = validationSeeds
        self.staticCandidate = staticCandidate
        self.anchorStrength = anchorStrength
        self.shadowLearners = shadowLearners
    }

    enum CodingKeys: String, CodingKey { case settings, seed, candidates, validationSeeds, staticCandidate, anchorStrength, shadowLearners }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settings = try c.decode(TrainingSettings.self, forKey: .settings)
        seed = try c.decode(UInt64.self, forKey: .seed)
        candidates = try c.decodeIfPresent(Int.self, forKey: .candidates) ?? 1
        validationSeeds = try c.decodeIfPresent([UInt64].self, forKey: .validationSeeds) ?? []
        staticCandidate = try c.decodeIfPresent(Bool.self, forKey: .staticCandidate) ?? false
        anchorStrength = try c.decodeIfPresent(Double.self, forKey: .anchorStrength) ?? 0
        shadowLearners = try c.decodeIfPresent(Bool.self, forKey: .shadowLearners) ?? false
    }

    /// Selection keys are written only when used, so a scenario without them keeps its agent's
    /// training identity (and its stored results).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings, forKey: .settings)
        try c.encode(seed, forKey: .seed)
        if candidates != 1 { try c.encode(candidates, forKey: .candidates) }
        if !validationSeeds.isEmpty { try c.encode(validationSeeds, forKey: .validationSeeds) }
        if staticCandidate { try c.encode(staticCandidate, forKey: .staticCandidate) }
        if anchorStrength != 0 { try c.encode(anchorStrength, forKey: .anchorStrength) }
        if shadowLearners { try c.encode(shadowLearners, forKey: .shadowLearners) }
    }

    /// PolicyGradient's defaults for 50-period tuning episodes (`TrainingSettings.tuning`), seed 0.
    public static let defaults = AgentSettings(settings: .tuning(episodeLength: 50), seed: 0)
}

/// Statistics of the tables.
public struct StatisticsSettings: Sendable, Equatable, Codable {
    /// Bootstrap resamples for confidence intervals.
    public var resamples: Int
    /// Seed of the bootstrap.
    public var seed: UInt64
    /// Confidence level (0.95).
    public var confidence: Double

    public static let defaults = StatisticsSettings(resamples: 2000, seed: 20_261_123, confidence: 0.95)
}

/// The per-run quantities of the tables.
public enum Metric: String, Sendable, CaseIterable, Codable {
    /// Sum of the period rewards over the episode.
    case episodeReward = "episode_reward"
    /// Mean task metric over the episode's steps.
    case taskMetric = "task_metric"
    /// Fine-tunes plus full retrains.
    case retrains
    /// Compute units used.
    case compute
    /// Mean periods until the metric is back within 2 points of its pre-drift level, over the drift
    /// onsets; an onset never recovered from counts the periods left in the episode.
    case recoveryTime = "recovery_time"

    /// True when larger is better.
    public var higherIsBetter: Bool { self == .episodeReward || self == .taskMetric }
}
