import DriftDetection
import Testing

@Test func benchmarkReportsPositiveThroughput() {
    var d = PageHinkley()
    let rate = DetectorBenchmark.updatesPerSecond(detector: &d, values: (0..<10_000).map { Double($0 % 13) })
    #expect(rate > 0)
}
