import PolicyRuntime

/// Upper reference, not a deployable policy: it is told the drift schedule. While a change of the
/// concept (decision boundary, priors, new classes or items) is under way it raises the learning
/// rate one bin and fine-tunes on the recent window after every period; after a sudden change it
/// retrains fully. Pure feature-distribution events need no action from a well-specified learner.
public struct OraclePolicy: TuningPolicy {
    /// The drift schedule it is told.
    public var events: [DriftEvent]
    public var name: String { "oracle" }
    public init(events: [DriftEvent]) { self.events = events }

    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        var a = context.defaultAction
        let last = context.nextPeriod - 1   // the period just observed
        var changing = false, sudden = false
        for e in events where e.target != .featureDistribution {
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

/// The simulator's policy names: every hand-written rule (`HandWrittenRule`) and the oracle.
public enum PolicyName {
    public static let help = HandWrittenRule.help + " | oracle"

    /// The policy called `text` for an environment with `spec` (the oracle reads its drift schedule).
    public static func parse(_ text: String, spec: EnvironmentSpec, learningRateBin: Int? = nil,
                             batchSizeBin: Int? = nil) -> (any TuningPolicy)? {
        if text == "oracle" { return OraclePolicy(events: spec.drift) }
        return HandWrittenRule.parse(text, learningRateBin: learningRateBin, batchSizeBin: batchSizeBin)
    }
}
