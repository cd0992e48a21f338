/// Page-Hinkley test: signals drift when the cumulative deviation of values from their running
/// mean rises (or falls) more than `threshold` above its historical extreme.
///
/// Matches River 0.26.1 `river.drift.PageHinkley` update for update (same running-mean
/// arithmetic, same `min_instances` gate, reset on the update after a detection).
///
/// - Parameters:
///   - minInstances: values seen before the test may fire.
///   - delta: magnitude of changes tolerated.
///   - threshold: detection threshold (λ).
///   - alpha: forgetting factor of the cumulative sums.
///   - mode: which direction of change is detected.
///
///     var ph = PageHinkley()
///     let stream = Array(repeating: 0.0, count: 1000) + Array(repeating: 5.0, count: 1000)
///     for (i, x) in stream.enumerated() where ph.update(x) { print("drift at \(i)") }
public struct PageHinkley: DriftDetector {
    /// Direction of change that triggers a detection.
    public enum Mode: String, Sendable, CaseIterable {
        /// Increases of the mean only.
        case up
        /// Decreases of the mean only.
        case down
        /// Either direction.
        case both
    }

    public let minInstances: Int
    public let delta: Double
    public let threshold: Double
    public let alpha: Double
    public let mode: Mode

    public private(set) var driftDetected = false
    /// Values seen since the last reset.
    public private(set) var count: Double = 0
    /// Running mean of the values since the last reset.
    public private(set) var mean: Double = 0
    /// Cumulative (discounted) sum of `x - mean - delta`.
    public private(set) var sumIncrease: Double = 0
    /// Cumulative (discounted) sum of `x - mean + delta`.
    public private(set) var sumDecrease: Double = 0
    private var minIncrease = Double.infinity
    private var maxDecrease: Double = -1

    /// Test statistic for an increase: how far `sumIncrease` is above its minimum.
    public var increaseStatistic: Double { count == 0 ? 0 : sumIncrease - minIncrease }
    /// Test statistic for a decrease: how far `sumDecrease` is below its maximum.
    public var decreaseStatistic: Double { count == 0 ? 0 : maxDecrease - sumDecrease }
    /// The statistic compared with `threshold` under `mode` (the larger one for `.both`).
    public var statistic: Double {
        switch mode {
        case .up: increaseStatistic
        case .down: decreaseStatistic
        case .both: max(increaseStatistic, decreaseStatistic)
        }
    }

    public init(
        minInstances: Int = 30, delta: Double = 0.005, threshold: Double = 50.0,
        alpha: Double = 1 - 0.0001, mode: Mode = .both
    ) {
        self.minInstances = minInstances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
    }

    public mutating func reset() {
        driftDetected = false
        count = 0
        mean = 0
        sumIncrease = 0
        sumDecrease = 0
        minIncrease = .infinity
        maxDecrease = -1
    }

    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected { reset() }
        count += 1
        mean += (1 / count) * (x - mean)
        let dev = x - mean
        sumIncrease = alpha * sumIncrease + dev - delta
        sumDecrease = alpha * sumDecrease + dev + delta
        if sumIncrease < minIncrease { minIncrease = sumIncrease }
        if sumDecrease > maxDecrease { maxDecrease = sumDecrease }
        if count >= Double(minInstances) {
            let up = sumIncrease - minIncrease
            let down = maxDecrease - sumDecrease
            switch mode {
            case .up: driftDetected = up > threshold
            case .down: driftDetected = down > threshold
            case .both: driftDetected = up > threshold || down > threshold
            }
        }
        return driftDetected
    }
}
