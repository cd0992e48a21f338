/// DDM (Drift Detection Method): watches the error rate of a classifier on a 0/1 stream (1 = error)
/// and signals warning/drift when rate + std rises `warningThreshold`/`driftThreshold` standard
/// deviations above its historical minimum.
///
/// Matches River 0.26.1 `river.drift.binary.DDM` update for update.
///
/// - Parameters:
///   - warmStart: values seen before warnings or drifts may be signalled.
///   - warningThreshold: standard deviations above the minimum for a warning.
///   - driftThreshold: standard deviations above the minimum for a drift.
///
///     var ddm = DDM()
///     let errors = (0..<2000).map { i in (i % 10 == 0 || (i >= 1000 && i % 3 == 0)) ? 1.0 : 0.0 }
///     for (i, e) in errors.enumerated() where ddm.update(e) { print("drift at \(i)") }
public struct DDM: DriftDetector {
    public let warmStart: Int
    public let warningThreshold: Double
    public let driftThreshold: Double

    public private(set) var driftDetected = false
    /// True if the last `update` is in the warning zone (never together with `driftDetected`).
    public private(set) var warningDetected = false
    /// Values seen since the last reset.
    public private(set) var count: Double = 0
    /// Running error rate since the last reset.
    public private(set) var errorRate: Double = 0
    private var pMin = 0.0
    private var sMin = 0.0
    private var psMin = Double.infinity

    public init(warmStart: Int = 30, warningThreshold: Double = 2.0, driftThreshold: Double = 3.0) {
        self.warmStart = warmStart
        self.warningThreshold = warningThreshold
        self.driftThreshold = driftThreshold
    }

    public mutating func reset() {
        driftDetected = false
        warningDetected = false
        count = 0
        errorRate = 0
        pMin = 0
        sMin = 0
        psMin = .infinity
    }

    /// Adds one outcome (1 = error, 0 = correct; other values are used as given, as River does).
    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected { reset() }
        count += 1
        errorRate += (1 / count) * (x - errorRate)
        let p = errorRate
        let s = (p * (1 - p) / count).squareRoot()
        if count > Double(warmStart) {
            if p + s <= psMin {
                pMin = p
                sMin = s
                psMin = pMin + sMin
            }
            warningDetected = p + s > pMin + warningThreshold * sMin
            if p + s > pMin + driftThreshold * sMin {
                driftDetected = true
                warningDetected = false
            }
        }
        return driftDetected
    }
}
