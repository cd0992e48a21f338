import PolicyRuntime
import Simulation

/// A method of a sweep: the agent or a baseline. Each is a provider that (optionally) trains on the
/// training seeds and then hands back a `TuningPolicy` evaluated on the held-out seeds.
public enum Method: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The environment's default fixed configuration (spec learning rate and batch size, online
    /// learning, no retraining): the rule `fixed`.
    case defaultFixed
    /// The learner frozen after warm-up (never updated).
    case never
    /// Best static (lr, batch, retrain period) by random search on the training seeds, with the
    /// agent's simulation budget.
    case staticSearch
    /// Full retrain every `k` periods, default settings.
    case periodic(Int)
    /// Retrain when a drift signal fires.
    case alarm(AlarmRetrainPolicy.Signal)
    /// Cosine learning-rate schedule restarted at detected drift.
    case cosine
    /// Told the drift schedule: an upper reference, not a baseline.
    case oracle
    /// The best static (lr, batch, retrain rule) chosen on the held-out seeds themselves
    /// (`StaticHindsight`): a reference, not a baseline.
    case staticHindsight
    /// Lookahead over environment snapshots (`LookaheadPlanner`): an upper reference, not deployable.
    case planner
    /// The PPO agent trained on the training seeds.
    case agent
    /// A DriftTune policy file from outside the sweep (`policy:PATH`, the path as the scenario
    /// writes it, relative to the scenario file), evaluated like a baseline (`OutsidePolicy`).
    case policyFile(String)

    /// Names as scenarios and tables spell them.
    public var description: String {
        switch self {
        case .defaultFixed: "fixed"
        case .never: "never"
        case .staticSearch: "static-search"
        case .periodic(let k): "periodic:\(k)"
        case .alarm(let s): s.rawValue
        case .cosine: "cosine-restarts"
        case .oracle: "oracle"
        case .staticHindsight: "static-hindsight"
        case .planner: LookaheadPlanner.name
        case .agent: "agent"
        case .policyFile(let path): OutsidePolicy.prefix + path
        }
    }

    public static let help = "fixed | never | static-search | periodic:K | adwin | ddm | ks | cosine-restarts | oracle | static-hindsight | planner | agent | policy:PATH (a policy file, relative to the scenario)"

    /// Parses a name (inverse of `description`).
    public init?(name: String) {
        switch name {
        case "fixed": self = .defaultFixed
        case "never": self = .never
        case "static-search": self = .staticSearch
        case "adwin": self = .alarm(.adwin)
        case "ddm": self = .alarm(.ddm)
        case "ks": self = .alarm(.ks)
        case "cosine-restarts": self = .cosine
        case "oracle": self = .oracle
        case "static-hindsight": self = .staticHindsight
        case LookaheadPlanner.name: self = .planner
        case "agent": self = .agent
        default:
            if name.hasPrefix(OutsidePolicy.prefix) {
                let path = String(name.dropFirst(OutsidePolicy.prefix.count))
                guard !path.isEmpty else { return nil }
                self = .policyFile(path)
                return
            }
            guard let k = HandWrittenRule.periodicInterval(name) else { return nil }
            self = .periodic(k)
        }
    }

    /// True for methods that train before they are evaluated (static hindsight "trains" on the
    /// held-out seeds: its grid search is a job like the others).
    public var isTrained: Bool { self == .staticSearch || self == .agent || self == .staticHindsight }

    /// True for reference methods excluded from "best baseline" comparisons.
    public var isReference: Bool { self == .oracle || self == .staticHindsight || self == .planner }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = Method(name: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown method \(s)"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// The policy of an untrained method on an environment with `spec` (the oracle reads its
    /// drift schedule); nil for trained ones. Rules come from `HandWrittenRule`, the one vocabulary
    /// `simulate` and `learn` use too.
    /// The planner has no policy: it plays the environment itself (`PlannerProvider`).
    public func untrainedPolicy(spec: EnvironmentSpec) -> (any TuningPolicy)? {
        if case .policyFile = self { return nil }
        return isTrained || self == .planner ? nil : PolicyName.parse(description, spec: spec)
    }
}
