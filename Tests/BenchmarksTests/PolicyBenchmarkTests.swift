import Benchmarks
import Foundation
import Testing

@Test func gemmFlopCountMatchesHandCount() {
    let f = PolicyBenchmark.gemmFlops(PolicyBenchmark.referenceArchitecture, batch: 4_096)
    // Actor 24·64 + 64·64 + 64·18, critic 24·64 + 64·64 + 64·1 multiply-adds per sample.
    let actor: Double = 24 * 64 + 64 * 64 + 64 * 18
    let critic: Double = 24 * 64 + 64 * 64 + 64
    let macs: Double = actor + critic
    let rows: Double = 4_096
    let firstLayers: Double = 2 * 24 * 64
    #expect(f.forward == 2 * rows * macs)
    #expect(f.backward == 2 * rows * (2 * macs - firstLayers))
}

@Test func benchmarkRunsAndReportsThroughput() {
    let r = PolicyBenchmark.run(batch: 256, passes: 3)
    #expect(r.samplesPerSecond > 0 && r.gflopsPerSecond > 0 && r.flopsPerPass > 0)
    #expect(r.parameterCount == 2 * (24 * 64 + 64 + 64 * 64 + 64) + 64 * 18 + 18 + 64 + 1)
}

/// Release-mode figures: `DRIFTTUNE_SLOW=1 swift test -c release --filter PolicyBenchmarkTests`.
@Test(.enabled(if: ProcessInfo.processInfo.environment["DRIFTTUNE_SLOW"] == "1"))
func benchmarkReferenceNetworkOn4096States() {
    let r = PolicyBenchmark.run(batch: 4_096, passes: 100)
    print(String(format: "benchmark: forward+loss+backward on %d states: %.3f ms/pass, %.0f samples/s, %.1f GFLOP/s (forward alone %.3f ms, %.1f GFLOP/s); %.1f MFLOP/pass",
                 r.batch, r.secondsPerPass * 1e3, r.samplesPerSecond, r.gflopsPerSecond,
                 r.forwardSecondsPerPass * 1e3, r.forwardGflopsPerSecond, r.flopsPerPass / 1e6))
    #expect(r.gflopsPerSecond >= 2 * 14.4)
}

@Test func benchFiguresCompareWithSgemmPeakAndNumpy() throws {
    let f = PolicyBenchmark.figures(passes: 1, sgemmPeak: 50)
    #expect(f["batch"] as? Int == 4_096)
    let gflops = try #require(f["gflops"] as? Double)
    #expect(gflops > 0 && (f["samples_per_second"] as? Double ?? 0) > 0)
    #expect(f["fraction_of_sgemm_peak"] as? Double == gflops / 50)
    #expect(f["ratio_vs_numpy_reference"] as? Double == gflops / 14.4)
}
