/// What a policy may know besides the observation.
public struct PolicyContext: Sendable {
    public var schema: ObservationSchema
    public var actions: ActionBins
    /// The default action: the configured learning rate and batch size, no retraining.
    public var defaultAction: TuningAction
    /// Index of the period the decision is for (period 0 always runs the default action).
    public var nextPeriod: Int
    public var episodeLength: Int

    public init(schema: ObservationSchema = .current, actions: ActionBins, defaultAction: TuningAction, nextPeriod: Int,
                episodeLength: Int) {
        self.schema = schema
        self.actions = actions
        self.defaultAction = defaultAction
        self.nextPeriod = nextPeriod
        self.episodeLength = episodeLength
    }
}

/// The decision protocol: after every period, the observation in, the action for the next period
/// out. Exported policies (`TunedPolicy`), the hand-written rules and the simulator's reference
/// policies all speak it, and the simulator and `drifttune learn` drive the learner through it.
public protocol TuningPolicy: Sendable {
    /// Short name for tables and logs ("fixed", "periodic:10", "adwin", "policy", ...).
    var name: String { get }
    mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction
    /// Why the last decision fell back to a default, if it did (guardrails of exported policies).
    var lastFallback: FallbackReason? { get }
}

extension TuningPolicy {
    public var lastFallback: FallbackReason? { nil }
}
