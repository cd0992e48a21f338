import Simulation

/// One finished evaluation run (environment × method × held-out seed), as stored in
/// `runs/<id>.json`.
public struct RunRecord: Sendable, Equatable, Codable {
    /// Stable identity (see `RunIdentity`).
    public var id: String
    public var environment: String
    public var method: String
    public var seed: UInt64
    /// Identity of the training job whose policy was evaluated, if any.
    public var trainingId: String?
    /// Values in `Metric.allCases` order.
    public var metrics: [Double]
    /// Per period (0 = reset period): task metric, retrain code (0 none, 1 fine-tune, 2 full),
    /// learning rate and batch size.
    public var metric: [Double]
    public var retrain: [Int]
    public var learningRate: [Double]
    public var batchSize: [Int]
    /// Drift onsets of the environment (event name, period).
    public var onsets: [Onset]
    public var terminationReason: String?

    public struct Onset: Sendable, Equatable, Codable {
        public var event: String
        public var period: Int
    }

    public func value(_ m: Metric) -> Double { metrics[Metric.allCases.firstIndex(of: m)!] }
}

extension RunRecord {
    /// Summarizes an episode.
    init(id: String, environment: String, method: String, trainingId: String?, episode: EpisodeResult, spec: EnvironmentSpec) {
        let recoveries = episode.recoveries(events: spec.drift)
        let horizon = episode.periods.count
        let recovery = Statistics.mean(recoveries.map { Double($0.periods ?? (horizon - $0.onset)) })
        var values: [Double] = []
        for m in Metric.allCases {
            switch m {
            case .episodeReward: values.append(episode.totalReward)
            case .taskMetric: values.append(episode.meanMetric)
            case .retrains: values.append(Double(episode.retrains))
            case .compute: values.append(episode.compute)
            case .recoveryTime: values.append(recovery)
            }
        }
        var onsets: [Onset] = []
        for e in spec.drift {
            for p in e.onsets(before: spec.episodeLength + 1) where p >= 1 { onsets.append(Onset(event: e.name, period: p)) }
        }
        onsets.sort { ($0.period, $0.event) < ($1.period, $1.event) }
        self.init(id: id, environment: environment, method: method, seed: episode.seed, trainingId: trainingId,
                  metrics: values, metric: episode.periods.map(\.metric),
                  retrain: episode.periods.map { $0.retrain == .none ? 0 : $0.retrain == .fineTune ? 1 : 2 },
                  learningRate: episode.periods.map { Double($0.learningRate) }, batchSize: episode.periods.map(\.batchSize),
                  onsets: onsets, terminationReason: episode.terminationReason)
    }
}

/// One finished training job (environment × trained method), as stored in `train/<id>.json`.
public struct TrainingRecord: Sendable, Equatable, Codable {
    public var id: String
    public var environment: String
    public var method: String
    /// Environment steps (periods) simulated.
    public var steps: Int
    /// Learning curve: (environment steps so far, mean episode reward).
    public var curveSteps: [Int]
    public var curveValues: [Double]
    /// The static search's (or static hindsight's) choice.
    public var setting: FixedSetting?
    /// The trained agent's policy (PolicyGradient's serialized form).
    public var agentPolicy: AgentPolicyData?
    /// With several agent candidates (or the static candidate): each one's mean validation reward,
    /// the selected one marked (absent with a single candidate).
    public var agentCandidates: [AgentCandidate]? = nil
}

/// One of several agents trained for an environment, scored on the validation seeds.
public struct AgentCandidate: Sendable, Equatable, Codable {
    /// 1-based, in training order.
    public var index: Int
    /// Mean episode reward over the validation seeds (and training environments).
    public var validationReward: Double
    public var selected: Bool
    /// The static candidate's setting (`static_candidate: true`); absent for PPO candidates.
    public var setting: FixedSetting? = nil
    /// Environment steps this candidate simulated (its PPO training, or the static search);
    /// written only with `static_candidate: true`.
    public var steps: Int? = nil
}
