import Foundation

/// Throughput measurement for `drifttune bench`.
public enum DetectorBenchmark {
    /// Feeds `values` to `detector` once and returns updates per second (wall clock).
    /// - Parameters:
    ///   - detector: the detector to drive (its state advances).
    ///   - values: the stream; longer streams give steadier numbers (≥ 10⁶ values recommended).
    public static func updatesPerSecond(detector: inout some DriftDetector, values: [Double]) -> Double {
        var detections = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for x in values where detector.update(x) { detections += 1 }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        // Keep the loop observable so the optimiser cannot drop it.
        if detections < 0 { print(detections) }
        return elapsed > 0 ? Double(values.count) / elapsed : .infinity
    }
}
