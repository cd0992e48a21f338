/// How a production learner's model is updated.
public enum UpdateRegime: String, Codable, Sendable, Equatable, CaseIterable {
    /// The serving model learns from every labelled minibatch as labels arrive (prequential), and
    /// may also be fine-tuned or retrained on the window between periods.
    case online
    /// The serving model is frozen between update jobs: it only changes when an action fine-tunes
    /// or retrains it on the labelled window (with the action's learning rate and batch size),
    /// after which the new model serves the next period (the gray release).
    case deployed
}

/// How the production learner is run period by period: the one description of the learner loop
/// shared by environment specs (which derive it), the simulator, policy files (`loop`) and
/// `drifttune learn`. JSON keys are snake_case.
public struct LoopSettings: Codable, Sendable, Equatable {
    /// Learner model: `logistic`, `softmax`, `mlp` or `fm`.
    public var model: String
    /// Stream samples per decision.
    public var periodLength: Int
    /// Most recent labelled samples kept for fine-tuning and retraining.
    public var window: Int
    /// Samples whose label has not arrived yet (learned from only once it has).
    public var labelDelay: Int
    /// Passes over the window of a fine-tune.
    public var fineTuneEpochs: Int
    /// Passes over the window of a full retrain (and of the warm start).
    public var retrainEpochs: Int
    /// Compute units charged per minibatch update, in sample-gradients (a fixed cost per update).
    public var updateOverhead: Double
    /// The compute budget that `compute_used` in the observation is measured against.
    public var computeBudget: Double
    /// Periods in an episode (the scale of `episode_progress`).
    public var episodeLength: Int
    /// Periods of pre-deployment data the learner is trained on before the first scored period.
    public var warmupPeriods: Int
    /// Whether features are standardized online (running mean and variance, River's
    /// `StandardScaler`) before the learner sees them. Absent in a file means false, so policy
    /// files and specs written before it keep their behaviour; written only when true.
    public var standardize: Bool
    /// How the serving model is updated. Absent in a file means `online` (files and specs written
    /// before it keep their behaviour); written only when `deployed`.
    public var updates: UpdateRegime
    /// Whether the loop runs shadow learners (observation schema v2): copies of the learner at the
    /// neighbouring learning-rate bins, restarted from the live learner every period and trained on
    /// the same labelled minibatches; their loss against the live learner's is evidence of which
    /// way the learning rate should move. Their compute is charged like the live learner's. Absent
    /// in a file means false (schema v1); written only when true.
    public var shadowLearners: Bool
    /// Whether the shadow learners also include copies at the neighbouring batch-size bins (at the
    /// live learning rate), replaying the period in minibatches of their size: observation schema
    /// v3. Needs `shadowLearners`. Absent in a file means false; written only when true.
    public var batchShadows: Bool
    /// Whether the loop runs an expert pool (observation schema v4): one persistent learner per
    /// learning-rate × batch-size bin, each learning online at its own setting; the action's bins
    /// choose which expert serves the period (and which one a retrain or fine-tune applies to), and
    /// every expert pays its compute. Online updates only, without shadow learners. Absent in a file
    /// means false; written only when true.
    public var experts: Bool
    /// Weight of the past in each expert's score when the loop runs experts: after a period,
    /// `score = expert_decay × score + metric`. Written only with `experts`; absent means 0.9.
    public var expertDecay: Double
    /// `expertDecay` when nothing says otherwise (a file without `expert_decay`, `learn --policy
    /// leader` without `--leader-decay`).
    public static let defaultExpertDecay = 0.9
    /// How far, in decayed mean metric, an expert may trail the best score and still lead when it
    /// adapts faster (a higher learning rate per sample, `lr / batch`): experts closer than this are
    /// treated as tied, and a tie goes to the one that loses least when the stream changes. 0 is the
    /// plain best score. Written only with `experts`; absent from a pool file means 0 (files written before it).
    public var expertTolerance: Double
    /// `expertTolerance` for a new loop (specs without `learner.expert_tolerance`, `learn --policy
    /// leader` without `--leader-tolerance`): one sample in a period of 1,000.
    public static let defaultExpertTolerance = 0.001
    /// How an expert pool serves: 0 serves one expert a whole period (the one the action names);
    /// N > 0 serves every sample by the leader of the experts' per-sample correctness, decayed to
    /// half in N labelled samples (same tolerance and tie-break as the period leader), the action
    /// then naming only the expert a retrain or fine-tune applies to. An abrupt change mid-period
    /// then costs tens of samples, not the rest of the period. Written only with `experts` when
    /// above 0; absent means 0 (files written before it).
    public var expertHalfLife: Int
    /// The largest `expertHalfLife` a loop accepts: 10⁹ samples, longer than any stream it will see.
    public static let maxExpertHalfLife = 1_000_000_000
    /// The task metric the observation's metric features were computed with (`accuracy`,
    /// `macro_f1` or `auc`), so a production loop computes the same one. Absent in files written
    /// before it (the loop then falls back to its default for the model); written when known.
    public var metric: String?

    /// The observation schema this loop produces: v3 with batch-size shadows too, v2 with shadow
    /// learners, v1 without.
    public var observationSchema: ObservationSchema {
        experts ? .v4 : shadowLearners ? (batchShadows ? .v3 : .v2) : .v1
    }

    /// Why this loop cannot run, or nil: an expert pool needs online updates, no shadow learners, and
    /// a decay and a tolerance in [0, 1].
    public var expertPoolProblem: String? {
        guard experts else { return nil }
        if updates != .online { return "an expert pool learns online: it cannot run with updates: deployed" }
        if shadowLearners { return "an expert pool replaces the shadow learners: it cannot run with shadow_learners" }
        if !(expertDecay.isFinite && (0...1).contains(expertDecay)) { return "expert_decay must be between 0 and 1, not \(expertDecay)" }
        if !(expertTolerance.isFinite && (0...1).contains(expertTolerance)) {
            return "expert_tolerance must be between 0 and 1, not \(expertTolerance)"
        }
        if !(0...Self.maxExpertHalfLife).contains(expertHalfLife) {
            return "expert_half_life must be between 0 and \(Self.maxExpertHalfLife) samples, not \(expertHalfLife)"
        }
        return nil
    }

    public init(model: String, periodLength: Int, window: Int, labelDelay: Int = 0, fineTuneEpochs: Int = 1,
                retrainEpochs: Int = 3, updateOverhead: Double = 0, computeBudget: Double, episodeLength: Int,
                warmupPeriods: Int, standardize: Bool = false, updates: UpdateRegime = .online,
                shadowLearners: Bool = false, batchShadows: Bool = false, experts: Bool = false,
                expertDecay: Double = defaultExpertDecay, expertTolerance: Double = defaultExpertTolerance,
                expertHalfLife: Int = 0, metric: String? = nil) {
        self.model = model
        self.periodLength = periodLength
        self.window = window
        self.labelDelay = labelDelay
        self.fineTuneEpochs = fineTuneEpochs
        self.retrainEpochs = retrainEpochs
        self.updateOverhead = updateOverhead
        self.computeBudget = computeBudget
        self.episodeLength = episodeLength
        self.warmupPeriods = warmupPeriods
        self.standardize = standardize
        self.updates = updates
        self.shadowLearners = shadowLearners
        self.batchShadows = batchShadows
        self.experts = experts
        self.expertDecay = expertDecay
        self.expertTolerance = expertTolerance
        self.expertHalfLife = expertHalfLife
        self.metric = metric
    }

    enum CodingKeys: String, CodingKey {
        case model, periodLength = "period_length", window, labelDelay = "label_delay", fineTuneEpochs = "fine_tune_epochs"
        case retrainEpochs = "retrain_epochs", updateOverhead = "update_overhead", computeBudget = "compute_budget"
        case episodeLength = "episode_length", warmupPeriods = "warmup_periods", standardize, updates
        case shadowLearners = "shadow_learners", batchShadows = "batch_shadows", experts, expertDecay = "expert_decay"
        case expertTolerance = "expert_tolerance", expertHalfLife = "expert_half_life", metric
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        periodLength = try c.decode(Int.self, forKey: .periodLength)
        window = try c.decode(Int.self, forKey: .window)
        labelDelay = try c.decode(Int.self, forKey: .labelDelay)
        fineTuneEpochs = try c.decode(Int.self, forKey: .fineTuneEpochs)
        retrainEpochs = try c.decode(Int.self, forKey: .retrainEpochs)
        updateOverhead = try c.decode(Double.self, forKey: .updateOverhead)
        computeBudget = try c.decode(Double.self, forKey: .computeBudget)
        episodeLength = try c.decode(Int.self, forKey: .episodeLength)
        warmupPeriods = try c.decode(Int.self, forKey: .warmupPeriods)
        standardize = try c.decodeIfPresent(Bool.self, forKey: .standardize) ?? false
        updates = try c.decodeIfPresent(UpdateRegime.self, forKey: .updates) ?? .online
        shadowLearners = try c.decodeIfPresent(Bool.self, forKey: .shadowLearners) ?? false
        batchShadows = try c.decodeIfPresent(Bool.self, forKey: .batchShadows) ?? false
        if batchShadows && !shadowLearners {
            throw DecodingError.dataCorruptedError(forKey: .batchShadows, in: c, debugDescription: "batch_shadows needs shadow_learners: true")
        }
        experts = try c.decodeIfPresent(Bool.self, forKey: .experts) ?? false
        expertDecay = try c.decodeIfPresent(Double.self, forKey: .expertDecay) ?? Self.defaultExpertDecay
        // A pool file without it predates it: its leader was the best score. Without a pool it does not matter.
        expertTolerance = try c.decodeIfPresent(Double.self, forKey: .expertTolerance) ?? (experts ? 0 : Self.defaultExpertTolerance)
        expertHalfLife = try c.decodeIfPresent(Int.self, forKey: .expertHalfLife) ?? 0
        if expertHalfLife != 0 && !experts {
            throw DecodingError.dataCorruptedError(forKey: .expertHalfLife, in: c, debugDescription: "expert_half_life needs experts: true")
        }
        if let problem = expertPoolProblem {
            throw DecodingError.dataCorruptedError(forKey: .experts, in: c, debugDescription: problem)
        }
        metric = try c.decodeIfPresent(String.self, forKey: .metric)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(periodLength, forKey: .periodLength)
        try c.encode(window, forKey: .window)
        try c.encode(labelDelay, forKey: .labelDelay)
        try c.encode(fineTuneEpochs, forKey: .fineTuneEpochs)
        try c.encode(retrainEpochs, forKey: .retrainEpochs)
        try c.encode(updateOverhead, forKey: .updateOverhead)
        try c.encode(computeBudget, forKey: .computeBudget)
        try c.encode(episodeLength, forKey: .episodeLength)
        try c.encode(warmupPeriods, forKey: .warmupPeriods)
        if standardize { try c.encode(standardize, forKey: .standardize) }
        if updates != .online { try c.encode(updates, forKey: .updates) }
        if shadowLearners { try c.encode(shadowLearners, forKey: .shadowLearners) }
        if batchShadows { try c.encode(batchShadows, forKey: .batchShadows) }
        if experts {
            try c.encode(experts, forKey: .experts)
            try c.encode(expertDecay, forKey: .expertDecay)
            try c.encode(expertTolerance, forKey: .expertTolerance)
            if expertHalfLife > 0 { try c.encode(expertHalfLife, forKey: .expertHalfLife) }
        }
        try c.encodeIfPresent(metric, forKey: .metric)
    }
}
