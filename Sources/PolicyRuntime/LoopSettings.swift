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

    public init(model: String, periodLength: Int, window: Int, labelDelay: Int = 0, fineTuneEpochs: Int = 1,
                retrainEpochs: Int = 3, updateOverhead: Double = 0, computeBudget: Double, episodeLength: Int,
                warmupPeriods: Int) {
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
    }

    enum CodingKeys: String, CodingKey {
        case model, periodLength = "period_length", window, labelDelay = "label_delay", fineTuneEpochs = "fine_tune_epochs"
        case retrainEpochs = "retrain_epochs", updateOverhead = "update_overhead", computeBudget = "compute_budget"
        case episodeLength = "episode_length", warmupPeriods = "warmup_periods"
    }
}
