import DriftDetection

/// What a policy may know besides the observation.
public struct PolicyContext: Sendable {
    public var schema: ObservationSchema
    public var actions: ActionSchema
    /// The spec's default action (its learning rate and batch size, no retraining).
    public var defaultAction: TuningAction
    /// Index of the period the decision is for.
    public var nextPeriod: Int
    public var episodeLength: Int
    /// The drift schedule. Only reference policies (the oracle) may read it.
    public var driftEvents: [DriftEvent]

    public init(schema: ObservationSchema, actions: ActionSchema, defaultAction: TuningAction, nextPeriod: Int,
                episodeLength: Int, driftEvents: [DriftEvent]) {
        self.schema = schema
        self.actions = actions
        self.defaultAction = defaultAction
        self.nextPeriod = nextPeriod
        self.episodeLength = episodeLength
        self.driftEvents = driftEvents
    }
}

/// Chooses the action for the next period from the last observation.
public protocol TuningPolicy: Sendable {
    /// Short name for tables ("fixed", "periodic:10", "adwin", ...).
    var name: String { get }
    mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction
}

/// Keeps a fixed learning rate and batch size (the spec's defaults unless given) and never retrains.
public struct FixedPolicy: TuningPolicy {
    public var learningRateBin: Int?
    public var batchSizeBin: Int?
    public var name: String { "fixed" }
    public init(learningRateBin: Int? = nil, batchSizeBin: Int? = nil) {
        self.learningRateBin = learningRateBin
        self.batchSizeBin = batchSizeBin
    }
    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        TuningAction(learningRateBin: learningRateBin ?? context.defaultAction.learningRateBin,
                     batchSizeBin: batchSizeBin ?? context.defaultAction.batchSizeBin)
    }
}

/// The never-updated baseline: after warm-up (and the reset period) the learner is frozen.
public struct NeverUpdatePolicy: TuningPolicy {
    public var name: String { "never" }
    public init() {}
    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = context.defaultAction
        a.learnOnline = false
        return a
    }
}

/// Learns online with fixed settings and retrains every `every` periods.
public struct PeriodicRetrainPolicy: TuningPolicy {
    public var every: Int
    public var choice: RetrainChoice
    public var base: FixedPolicy
    public var name: String { "periodic:\(every)" }
    public init(every: Int, choice: RetrainChoice = .fullRetrain, base: FixedPolicy = FixedPolicy()) {
        self.every = max(every, 1)
        self.choice = choice
        self.base = base
    }
    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = base.decide(observation, context: context)
        if context.nextPeriod > 1 && (context.nextPeriod - 1) % every == 0 { a.retrain = choice }
        return a
    }
}

/// Learns online with fixed settings and retrains when a drift signal of the observation fires.
public struct AlarmRetrainPolicy: TuningPolicy {
    public enum Signal: String, Sendable, CaseIterable {
        case adwin, ddm
        /// KS statistic of prediction scores above `ksThreshold`.
        case ks
    }
    public var signal: Signal
    public var choice: RetrainChoice
    /// Periods after a retrain during which alarms are ignored (the detectors restart).
    public var cooldown: Int
    public var ksThreshold: Float
    public var base: FixedPolicy
    public var name: String { signal.rawValue }

    public init(signal: Signal, choice: RetrainChoice = .fullRetrain, cooldown: Int = 1, ksThreshold: Float = 0.15,
                base: FixedPolicy = FixedPolicy()) {
        self.signal = signal
        self.choice = choice
        self.cooldown = cooldown
        self.ksThreshold = ksThreshold
        self.base = base
    }

    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = base.decide(observation, context: context)
        let s = context.schema
        func value(_ name: String) -> Float { s.index(of: name).map { observation[$0] } ?? 0 }
        let fired: Bool
        switch signal {
        case .adwin: fired = value("adwin_change") >= 1
        case .ddm: fired = value("ddm_state") >= 1
        case .ks: fired = value("ks_scores") > ksThreshold
        }
        let since = Int((value("periods_since_retrain") * 50).rounded())
        if fired && since >= cooldown { a.retrain = choice }
        return a
    }
}

/// Upper reference, not a deployable policy: it is told the drift schedule. While a change of the
/// concept (decision boundary, priors, new classes or items) is under way it raises the learning
/// rate one bin and fine-tunes on the recent window after every period; after a sudden change it
/// retrains fully. Pure feature-distribution events need no action from a well-specified learner.
public struct OraclePolicy: TuningPolicy {
    public var name: String { "oracle" }
    public init() {}

    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = context.defaultAction
        let last = context.nextPeriod - 1   // the period just observed
        var changing = false, sudden = false
        for e in context.driftEvents where e.target != .featureDistribution {
            if e.isActive(inPeriod: last) || e.isActive(inPeriod: last + 1) { changing = true }
            if e.kind == .sudden && e.isActive(inPeriod: last) { sudden = true }
        }
        if changing {
            a.learningRateBin = min(a.learningRateBin + 1, context.actions.learningRates.count - 1)
            a.retrain = .fineTune
        }
        if sudden { a.retrain = .fullRetrain }
        return a
    }
}

/// Parses the CLI's policy names: fixed, never, periodic:K, adwin, ddm, ks, oracle.
public enum PolicyName {
    public static let help = "fixed | never | periodic:K | adwin | ddm | ks | oracle"

    public static func parse(_ text: String, learningRateBin: Int? = nil, batchSizeBin: Int? = nil) -> (any TuningPolicy)? {
        let base = FixedPolicy(learningRateBin: learningRateBin, batchSizeBin: batchSizeBin)
        switch text {
        case "fixed": return base
        case "never": return NeverUpdatePolicy()
        case "adwin": return AlarmRetrainPolicy(signal: .adwin, base: base)
        case "ddm": return AlarmRetrainPolicy(signal: .ddm, base: base)
        case "ks": return AlarmRetrainPolicy(signal: .ks, base: base)
        case "oracle": return OraclePolicy()
        default:
            if text.hasPrefix("periodic:"), let k = Int(text.dropFirst("periodic:".count)), k > 0 {
                return PeriodicRetrainPolicy(every: k, base: base)
            }
            return nil
        }
    }
}
