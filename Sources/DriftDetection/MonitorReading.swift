import Foundation

/// What the learner and its controller were doing, for the control features of the observation.
public struct ControlState: Sendable, Equatable {
    public var learningRate: Float
    public var batchSize: Int
    /// Smallest and largest learning-rate bin.
    public var learningRateRange: ClosedRange<Float>
    /// Smallest and largest batch-size bin.
    public var batchSizeRange: ClosedRange<Int>
    public var periodsSinceRetrain: Int
    /// Compute units used so far and the episode budget.
    public var computeUsed: Double
    public var computeBudget: Double
    /// Periods done (including this one) and the episode length.
    public var period: Int
    public var episodeLength: Int

    public init(learningRate: Float, batchSize: Int, learningRateRange: ClosedRange<Float>, batchSizeRange: ClosedRange<Int>,
                periodsSinceRetrain: Int, computeUsed: Double, computeBudget: Double, period: Int, episodeLength: Int) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.learningRateRange = learningRateRange
        self.batchSizeRange = batchSizeRange
        self.periodsSinceRetrain = periodsSinceRetrain
        self.computeUsed = computeUsed
        self.computeBudget = computeBudget
        self.period = period
        self.episodeLength = episodeLength
    }

    /// `log_lr`: ln(learning rate) scaled linearly from the smallest to the largest bin, clipped to [0, 1].
    public static func scaledLogLearningRate(_ rate: Float, range lr: ClosedRange<Float>) -> Float {
        guard lr.upperBound > lr.lowerBound else { return 0 }
        let x = log(Double(rate) / Double(lr.lowerBound)) / log(Double(lr.upperBound) / Double(lr.lowerBound))
        return Float(min(max(x, 0), 1))
    }

    /// `log2_batch`: log2(batch size) scaled linearly from the smallest to the largest bin, clipped to [0, 1].
    public static func scaledLogBatchSize(_ batch: Int, range b: ClosedRange<Int>) -> Float {
        guard b.upperBound > b.lowerBound else { return 0 }
        let x = log2(Double(batch) / Double(b.lowerBound)) / log2(Double(b.upperBound) / Double(b.lowerBound))
        return Float(min(max(x, 0), 1))
    }
}

/// Raw per-period figures behind the observation (unscaled where that is meaningful).
public struct MonitorReading: Sendable, Equatable {
    public var metric: Double = 0
    public var loss: Double = 0
    public var adwinAlarm = false
    public var ddmAlarm = false
    public var ddmWarning = false
    public var pageHinkley: Double = 0
    public var maxPSI: Double = 0
    public var ksScores: Double = 0
    public var confidence: Double = 0
    public var entropy: Double = 0
    public var labelRate: Double = 0

    public init() {}
}
