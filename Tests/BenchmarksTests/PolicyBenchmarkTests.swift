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

@Test func benchFiguresCompareWithTheSameRunsSgemmPeak() throws {
    let f = PolicyBenchmark.figures(passes: 1, sgemmPeak: 50)
    #expect(f["batch"] as? Int == 4_096)
    let gflops = try #require(f["gflops"] as? Double)
    #expect(gflops > 0 && (f["samples_per_second"] as? Double ?? 0) > 0)
    #expect(f["fraction_of_sgemm_peak"] as? Double == gflops / 50)
    #expect(f["ratio_vs_numpy_reference"] == nil && f["numpy_reference_gflops"] == nil)  // numpy is measured, with --reference
}
