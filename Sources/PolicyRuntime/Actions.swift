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

/// How an action head chooses its value: the learning-rate head and the batch-size head.
public enum HeadKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// One output per bin: the head names the bin.
    case bins
    /// Three outputs: one bin down, stay, one bin up from the value the period just ran (the
    /// observation's `log_lr` or `log2_batch`), clamped at the ends; the bins the shadow learners try.
    case steps
}

/// How the agent's first head chooses the learning rate.
public typealias LearningRateHead = HeadKind
/// How the agent's second head chooses the batch size.
public typealias BatchSizeHead = HeadKind

/// The action heads and the concrete values behind their bins (recorded in every policy file).
public struct ActionBins: Codable, Sendable, Equatable {
    /// Learning rates (per minibatch update), smallest first, one per bin of the first head (or
    /// the ladder the `steps` head moves on).
    public var learningRates: [Float]
    /// Batch sizes, smallest first, one per bin of the second head.
    public var batchSizes: [Int]
    /// Retrain decisions, one per bin of the third head.
    public var retrainChoices: [RetrainDecision]
    /// What the first head's outputs mean (`bins` unless a policy was trained with steps).
    public var learningRateHead: LearningRateHead
    /// What the second head's outputs mean (`bins` unless a policy was trained with batch steps).
    public var batchSizeHead: BatchSizeHead

    public init(learningRates: [Float], batchSizes: [Int], retrainChoices: [RetrainDecision] = RetrainDecision.allCases,
                learningRateHead: LearningRateHead = .bins, batchSizeHead: BatchSizeHead = .bins) {
        self.learningRates = learningRates
        self.batchSizes = batchSizes
        self.retrainChoices = retrainChoices
        self.learningRateHead = learningRateHead
        self.batchSizeHead = batchSizeHead
    }

    enum CodingKeys: String, CodingKey {
        case learningRates = "learning_rates", batchSizes = "batch_sizes", retrainChoices = "retrain_choices"
        case learningRateHead = "learning_rate_head", batchSizeHead = "batch_size_head"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRates = try c.decode([Float].self, forKey: .learningRates)
        batchSizes = try c.decode([Int].self, forKey: .batchSizes)
        retrainChoices = try c.decode([RetrainDecision].self, forKey: .retrainChoices)
        learningRateHead = try c.decodeIfPresent(LearningRateHead.self, forKey: .learningRateHead) ?? .bins
        batchSizeHead = try c.decodeIfPresent(BatchSizeHead.self, forKey: .batchSizeHead) ?? .bins
    }

    /// Writes `learning_rate_head` and `batch_size_head` only for `steps`, so files of `bins`
    /// heads keep their bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRates, forKey: .learningRates)
        try c.encode(batchSizes, forKey: .batchSizes)
        try c.encode(retrainChoices, forKey: .retrainChoices)
        if learningRateHead != .bins { try c.encode(learningRateHead, forKey: .learningRateHead) }
        if batchSizeHead != .bins { try c.encode(batchSizeHead, forKey: .batchSizeHead) }
    }

    /// Outputs per head: learning rate (a bin each, or 3 steps), batch size (likewise), retrain.
    public var headSizes: [Int] {
        [learningRateHead == .steps ? 3 : learningRates.count, batchSizeHead == .steps ? 3 : batchSizes.count,
         retrainChoices.count]
    }

    /// The action of one output per head (`bins` in head order, each in range). A `steps` head's
    /// output 0, 1, 2 moves its current bin (the one the last period ran) one bin down, nowhere,
    /// one bin up, clamped at the ends.
    public func action(bins: [Int], currentLearningRateBin: Int, currentBatchSizeBin: Int) -> TuningAction {
        func pick(_ kind: HeadKind, _ output: Int, current: Int, count: Int) -> Int {
            switch kind {
            case .bins: return output
            case .steps: return min(max(current + output - 1, 0), count - 1)
            }
        }
        return TuningAction(learningRateBin: pick(learningRateHead, bins[0], current: currentLearningRateBin, count: learningRates.count),
                            batchSizeBin: pick(batchSizeHead, bins[1], current: currentBatchSizeBin, count: batchSizes.count),
                            retrain: retrainChoices[bins[2]])
    }

    /// The action of `bins` after a period that ran `last` (what a `steps` head moves from).
    public func action(bins: [Int], after last: TuningAction) -> TuningAction {
        action(bins: bins, currentLearningRateBin: last.learningRateBin, currentBatchSizeBin: last.batchSizeBin)
    }

    /// The learning-rate bin a `log_lr` observation value stands for: the inverse of the monitor's
    /// scaling (ln lr from the smallest to the largest bin, onto 0…1), then the nearest bin.
    public func learningRateBin(logLRFeature x: Float) -> Int {
        let r = learningRateRange
        guard r.upperBound > r.lowerBound else { return 0 }
        let lr = Double(r.lowerBound) * Foundation.exp(Double(min(max(x, 0), 1)) * log(Double(r.upperBound) / Double(r.lowerBound)))
        return nearestLearningRateBin(lr)
    }

    /// The batch-size bin a `log2_batch` observation value stands for: the inverse of the
    /// monitor's scaling (log2 batch from the smallest to the largest bin, onto 0…1), then the
    /// nearest bin.
    public func batchSizeBin(log2BatchFeature x: Float) -> Int {
        let r = batchSizeRange
        guard r.upperBound > r.lowerBound else { return 0 }
        let batch = Double(r.lowerBound) * Foundation.exp2(Double(min(max(x, 0), 1)) * log2(Double(r.upperBound) / Double(r.lowerBound)))
        return batchSizes.indices.min { abs(log2(Double(batchSizes[$0]) / batch)) < abs(log2(Double(batchSizes[$1]) / batch)) } ?? 0
    }

    /// The bin of every head for `action` (its retrain decision's first bin; 0 if it has none), as
    /// a `bins` head reads them.
    public func bins(of action: TuningAction) -> [Int] {
        [action.learningRateBin, action.batchSizeBin, retrainChoices.firstIndex(of: action.retrain) ?? 0]
    }

    /// The head outputs that keep `action` after a period that ran it: its bins, with "stay" (1)
    /// for a `steps` learning-rate head.
    public func holdingOutputs(of action: TuningAction) -> [Int] {
        var outputs = bins(of: action)
        if learningRateHead == .steps { outputs[0] = 1 }
        if batchSizeHead == .steps { outputs[1] = 1 }
        return outputs
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
