/// The detectors a monitor feeds with the per-sample error stream (0 correct, 1 wrong).
public struct MonitorDetectors: Sendable {
    public var adwin: any DriftDetector
    public var ddm: any DriftDetector
    /// Optional: reports a DDM warning level (0.5 in the observation) when the DDM detector offers one.
    public var ddmWarning: (@Sendable (any DriftDetector) -> Bool)?

    public init(adwin: any DriftDetector, ddm: any DriftDetector,
                ddmWarning: (@Sendable (any DriftDetector) -> Bool)? = nil) {
        self.adwin = adwin
        self.ddm = ddm
        self.ddmWarning = ddmWarning
    }

    /// ADWIN and DDM with River's defaults, DDM reporting its warning level: what the simulator and
    /// `drifttune learn` both use.
    public static var standard: MonitorDetectors {
        MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false })
    }
}
