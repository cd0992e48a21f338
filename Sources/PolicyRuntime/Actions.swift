import Foundation

/// What to do with the learner's parameters before the next period.
public enum RetrainDecision: String, Codable, Sendable, Equatable, CaseIterable {
    case none
    /// `fine_tune_epochs` passes over the recent labelled window from the current parameters.
    case fineTune = "fine_tune"
    /// Fresh initialization, then `retrain_epochs` passes over the recent labelled window.
    case fullRetrain = "full_retrain"
}

/// One decision for the next period, in bins of an `ActionBins`: the single action vocabulary of
/// the agent, the hand-written rules, the simulator and the production learner.
///
///     let a = TuningAction(learningRateBin: 2, batchSizeBin: 1, retrain: .fineTune)
///     bins.learningRates[a.learningRateBin]   // the concrete learning rate
public struct TuningAction: Sendable, Equatable, Hashable, Codable {
    /// Index into `ActionBins.learningRates`.
    public var learningRateBin: Int
    /// Index into `ActionBins.batchSizes`.
    public var batchSizeBin: Int
    public var retrain: RetrainDecision
    /// False freezes the learner for the period (it predicts but does not learn online). Not a head
    /// of the agent (always true there); it exists for the never-updated baseline.
    public var learnOnline: Bool

    public init(learningRateBin: Int, batchSizeBin: Int, retrain: RetrainDecision = .none, learnOnline: Bool = true) {
        self.learningRateBin = learningRateBin
        self.batchSizeBin = batchSizeBin
        self.retrain = retrain
        self.learnOnline = learnOnline
    }

    enum CodingKeys: String, CodingKey {
        case learningRateBin = "learning_rate_bin", batchSizeBin = "batch_size_bin", retrain, learnOnline = "learn_online"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRateBin = try c.decode(Int.self, forKey: .learningRateBin)
        batchSizeBin = try c.decode(Int.self, forKey: .batchSizeBin)
        retrain = try c.decode(RetrainDecision.self, forKey: .retrain)
        learnOnline = try c.decodeIfPresent(Bool.self, forKey: .learnOnline) ?? true
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRateBin, forKey: .learningRateBin)
        try c.encode(batchSizeBin, forKey: .batchSizeBin)
        try c.encode(retrain, forKey: .retrain)
        if !learnOnline { try c.encode(learnOnline, forKey: .learnOnline) }
    }
}

/// The action heads and the concrete values behind their bins (recorded in every policy file).
public struct ActionBins: Codable, Sendable, Equatable {
    /// Learning rates (per minibatch update), smallest first, one per bin of the first head.
    public var learningRates: [Float]
    /// Batch sizes, smallest first, one per bin of the second head.
    public var batchSizes: [Int]
    /// Retrain decisions, one per bin of the third head.
    public var retrainChoices: [RetrainDecision]

    public init(learningRates: [Float], batchSizes: [Int], retrainChoices: [RetrainDecision] = RetrainDecision.allCases) {
        self.learningRates = learningRates
        self.batchSizes = batchSizes
        self.retrainChoices = retrainChoices
    }

    enum CodingKeys: String, CodingKey {
        case learningRates = "learning_rates", batchSizes = "batch_sizes", retrainChoices = "retrain_choices"
    }

    /// Bins per head: learning rate, batch size, retrain.
    public var headSizes: [Int] { [learningRates.count, batchSizes.count, retrainChoices.count] }

    /// The action of one bin per head (`bins` in head order, each in range).
    public func action(bins: [Int]) -> TuningAction {
        TuningAction(learningRateBin: bins[0], batchSizeBin: bins[1], retrain: retrainChoices[bins[2]])
    }

    /// The bin of every head for `action` (its retrain decision's first bin; 0 if it has none).
    public func bins(of action: TuningAction) -> [Int] {
        [action.learningRateBin, action.batchSizeBin, retrainChoices.firstIndex(of: action.retrain) ?? 0]
    }

    /// The concrete learning rate and batch size of `action`, its bins clamped into range.
    public func values(of action: TuningAction) -> (learningRate: Float, batchSize: Int) {
        (learningRates[min(max(action.learningRateBin, 0), learningRates.count - 1)],
         batchSizes[min(max(action.batchSizeBin, 0), batchSizes.count - 1)])
    }

    /// The bin whose learning rate is nearest to `lr` in log scale.
    public func nearestLearningRateBin(_ lr: Double) -> Int {
        learningRates.indices.min { abs(log2(Double(learningRates[$0]) / lr)) < abs(log2(Double(learningRates[$1]) / lr)) } ?? 0
    }

    /// The bin whose batch size is nearest to `batch` in log scale.
    public func nearestBatchSizeBin(_ batch: Int) -> Int {
        batchSizes.indices.min { abs(log2(Double(batchSizes[$0]) / Double(batch))) < abs(log2(Double(batchSizes[$1]) / Double(batch))) } ?? 0
    }

    /// Smallest and largest learning rate on offer (the scale of the `log_lr` feature).
    public var learningRateRange: ClosedRange<Float> { (learningRates.min() ?? 1)...(learningRates.max() ?? 1) }
    /// Smallest and largest batch size on offer (the scale of the `log2_batch` feature).
    public var batchSizeRange: ClosedRange<Int> { (batchSizes.min() ?? 1)...(batchSizes.max() ?? 1) }
}
