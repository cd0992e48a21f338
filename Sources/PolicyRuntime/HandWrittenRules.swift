import Foundation

/// Keeps a fixed learning rate and batch size (the context's default unless given) and never retrains.
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

/// The never-updated baseline: after warm-up (and period 0) the learner is frozen.
public struct NeverUpdatePolicy: TuningPolicy {
    public var name: String { "never" }
    public init() {}
    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = context.defaultAction
        a.learnOnline = false
        return a
    }
}

/// Learns online with fixed settings and retrains before periods 1 + every, 1 + 2·every, …
public struct PeriodicRetrainPolicy: TuningPolicy {
    public var every: Int
    public var choice: RetrainDecision
    public var base: FixedPolicy
    public var name: String { "periodic:\(every)" }
    public init(every: Int, choice: RetrainDecision = .fullRetrain, base: FixedPolicy = FixedPolicy()) {
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
    public enum Signal: String, Sendable, CaseIterable, Codable {
        /// ADWIN on the per-sample error signalled change in the period.
        case adwin
        /// DDM on the per-sample error is in its drift state.
        case ddm
        /// KS statistic of prediction scores above `ksThreshold`.
        case ks
    }
    public var signal: Signal
    public var choice: RetrainDecision
    /// Periods after a retrain during which alarms are ignored (the detectors restart).
    public var cooldown: Int
    public var ksThreshold: Float
    public var base: FixedPolicy
    public var name: String { signal.rawValue }

    public init(signal: Signal, choice: RetrainDecision = .fullRetrain, cooldown: Int = 1, ksThreshold: Float = 0.15,
                base: FixedPolicy = FixedPolicy()) {
        self.signal = signal
        self.choice = choice
        self.cooldown = cooldown
        self.ksThreshold = ksThreshold
        self.base = base
    }

    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = base.decide(observation, context: context)
        let fired: Bool
        switch signal {
        case .adwin: fired = context.value("adwin_change", in: observation) >= 1
        case .ddm: fired = context.value("ddm_state", in: observation) >= 1
        case .ks: fired = context.value("ks_scores", in: observation) > ksThreshold
        }
        let since = Int((context.value("periods_since_retrain", in: observation) * 50).rounded())
        if fired && since >= cooldown { a.retrain = choice }
        return a
    }
}

/// A learning-rate schedule baseline: cosine annealing from the largest to the smallest learning
/// rate bin over `cycle` periods, restarted (warm restart, SGDR) whenever ADWIN or DDM signals
/// drift. It never retrains; only the learning rate moves, at the default batch size.
public struct CosineRestartPolicy: TuningPolicy {
    /// Periods of one annealing cycle.
    public var cycle: Int
    /// Periods since the last restart.
    public private(set) var sinceRestart = 0
    public var name: String { "cosine-restarts" }

    public init(cycle: Int = 10) { self.cycle = max(cycle, 1) }

    public mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        if context.value("adwin_change", in: observation) >= 1 || context.value("ddm_state", in: observation) >= 1 {
            sinceRestart = 0
        }
        let rates = context.actions.learningRates.map { Double($0) }
        let t = Double(min(sinceRestart, cycle)) / Double(cycle)
        let lr = rates[0] + 0.5 * (rates[rates.count - 1] - rates[0]) * (1 + cos(Double.pi * t))
        sinceRestart += 1
        return TuningAction(learningRateBin: context.actions.nearestLearningRateBin(lr),
                            batchSizeBin: context.defaultAction.batchSizeBin)
    }
}

extension PolicyContext {
    /// The value of feature `name` in `observation` (0 when the schema has no such feature).
    public func value(_ name: String, in observation: [Float]) -> Float {
        guard let i = schema.index(of: name), i < observation.count else { return 0 }
        return observation[i]
    }
}

/// The hand-written rules by name: one vocabulary for `simulate`, `learn` and scenarios.
public enum HandWrittenRule {
    /// Every rule name (`periodic:K` with K ≥ 1).
    public static let help = "fixed | never | periodic:K | adwin | ddm | ks | cosine-restarts"

    /// The rule called `text`, at the context's default settings unless bins are given; nil if
    /// `text` names no rule.
    public static func parse(_ text: String, learningRateBin: Int? = nil, batchSizeBin: Int? = nil) -> (any TuningPolicy)? {
        let base = FixedPolicy(learningRateBin: learningRateBin, batchSizeBin: batchSizeBin)
        switch text {
        case "fixed": return base
        case "never": return NeverUpdatePolicy()
        case "cosine-restarts": return CosineRestartPolicy()
        default:
            if let signal = AlarmRetrainPolicy.Signal(rawValue: text) { return AlarmRetrainPolicy(signal: signal, base: base) }
            if let k = periodicInterval(text) { return PeriodicRetrainPolicy(every: k, base: base) }
            return nil
        }
    }

    /// K of `periodic:K` (1 ≤ K ≤ 1,000,000), or nil.
    public static func periodicInterval(_ text: String) -> Int? {
        guard text.hasPrefix("periodic:"), let k = Int(text.dropFirst("periodic:".count)), (1...1_000_000).contains(k) else {
            return nil
        }
        return k
    }
}
