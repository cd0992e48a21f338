import DriftDetection

/// What to do with the learner before the next period.
public enum RetrainChoice: String, Sendable, Equatable, CaseIterable, Codable {
    case none
    /// `fine_tune_epochs` passes over the recent window, from the current parameters.
    case fineTune = "fine_tune"
    /// Fresh initialization, then `retrain_epochs` passes over the recent window.
    case fullRetrain = "full_retrain"
}

/// A factored action: one bin per head.
public struct TuningAction: Sendable, Equatable, Codable {
    /// Index into `ActionSchema.learningRates`.
    public var learningRateBin: Int
    /// Index into `ActionSchema.batchSizes`.
    public var batchSizeBin: Int
    public var retrain: RetrainChoice
    /// False freezes the learner for the period (it predicts but does not learn online). Not a head
    /// of the agent (always true there); it exists for the never-updated baseline.
    public var learnOnline: Bool

    public init(learningRateBin: Int, batchSizeBin: Int, retrain: RetrainChoice = .none, learnOnline: Bool = true) {
        self.learningRateBin = learningRateBin
        self.batchSizeBin = batchSizeBin
        self.retrain = retrain
        self.learnOnline = learnOnline
    }
}

/// The action heads and the concrete values behind their bins (recorded in exported policies).
public struct ActionSchema: Sendable, Equatable, Codable {
    /// Log-spaced learning rates (per minibatch update), smallest first.
    public var learningRates: [Float]
    /// Batch sizes, smallest first.
    public var batchSizes: [Int]
    public var retrainChoices: [RetrainChoice]

    public init(learningRates: [Float], batchSizes: [Int], retrainChoices: [RetrainChoice] = RetrainChoice.allCases) {
        self.learningRates = learningRates
        self.batchSizes = batchSizes
        self.retrainChoices = retrainChoices
    }

    public init(spec: EnvironmentSpec) {
        self.init(learningRates: spec.actions.learningRates.map { Float($0) }, batchSizes: spec.actions.batchSizes)
    }

    /// Sizes of the categorical heads: learning rate, batch size, retrain.
    public var headSizes: [Int] { [learningRates.count, batchSizes.count, retrainChoices.count] }

    /// The bin whose learning rate is nearest to `lr` in log scale.
    public func nearestLearningRateBin(_ lr: Double) -> Int {
        learningRates.indices.min { abs(log2(Double(learningRates[$0]) / lr)) < abs(log2(Double(learningRates[$1]) / lr)) } ?? 0
    }

    /// The bin whose batch size is nearest to `batch` in log scale.
    public func nearestBatchSizeBin(_ batch: Int) -> Int {
        batchSizes.indices.min { abs(log2(Double(batchSizes[$0]) / Double(batch))) < abs(log2(Double(batchSizes[$1]) / Double(batch))) } ?? 0
    }
}

import Foundation
