import Foundation

/// EDDM (Early Drift Detection Method): watches the distance between consecutive errors on a 0/1
/// stream (1 = error) and signals warning/drift when mean + 2·std of that distance falls below
/// `alpha`/`beta` times its maximum.
///
/// Matches River 0.26.1 `river.drift.binary.EDDM` update for update.
///
/// - Parameters:
///   - warmStart: errors (and values) seen before warnings or drifts may be signalled.
///   - alpha: warning level (ratio to the maximum), `alpha >= beta`.
///   - beta: drift level (ratio to the maximum).
///
///     var eddm = EDDM()
///     let errors = (0..<4000).map { i in (i % 20 == 0 || (i >= 2000 && i % 4 == 0)) ? 1.0 : 0.0 }
///     for (i, e) in errors.enumerated() where eddm.update(e) { print("drift at \(i)") }
public struct EDDM: DriftDetector {
    public let warmStart: Int
    public let alpha: Double
    public let beta: Double

    public private(set) var driftDetected = false
    /// True while the distance between errors is in the warning zone.
    public private(set) var warningDetected = false
    /// Values seen since the last reset.
    public private(set) var count = 0
    /// Errors seen since the last reset.
    public private(set) var errorCount = 0
    private var lastError = 0
    // Welford mean/variance of the distances, as River's stats.Var (ddof = 1).
    private var distanceCount: Double = 0
    private var distanceMean: Double = 0
    private var distanceS: Double = 0
    private var p2sMax: Double = -1

    public init(warmStart: Int = 30, alpha: Double = 0.95, beta: Double = 0.9) {
        precondition(alpha >= beta, "alpha must be greater than or equal to beta")
        self.warmStart = warmStart
        self.alpha = alpha
        self.beta = beta
    }

    public mutating func reset() {
        driftDetected = false
        warningDetected = false
        count = 0
        errorCount = 0
        lastError = 0
        distanceCount = 0
        distanceMean = 0
        distanceS = 0
        p2sMax = -1
    }

    /// Adds one outcome; only `x == 1` counts as an error.
    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected { reset() }
        count += 1
        guard x == 1 else { return driftDetected }
        errorCount += 1
        let d = Double(count - lastError)
        let oldMean = distanceMean
        distanceCount += 1
        distanceMean += (1 / distanceCount) * (d - distanceMean)
        distanceS += 1 * (d - oldMean) * (d - distanceMean)
        if count > warmStart {
            let variance = distanceCount > 1 ? distanceS / (distanceCount - 1) : 0
            // River writes `var ** 0.5`, which is C pow; keep it for bit parity at the thresholds.
            let p2s = distanceMean + 2 * pow(variance, 0.5)
            if p2s > p2sMax {
                p2sMax = p2s
            } else if errorCount > warmStart {
                let level = p2s / p2sMax
                if level < beta {
                    driftDetected = true
                } else if level < alpha {
                    warningDetected = true
                } else {
                    warningDetected = false
                }
            }
        }
        lastError = count
        return driftDetected
    }
}
