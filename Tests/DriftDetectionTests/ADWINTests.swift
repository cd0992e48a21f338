import DriftDetection
import Testing

@Test func adwinMatchesRiverOnFixtures() throws { try expectParity("adwin") }

@Test func adwinFinalStateMatchesRiver() throws {
    for run in Fixtures.runs("adwin") {
        var d = try #require(try DetectorRegistry.make(name: "adwin", parameters: run.params) as? ADWIN)
        for x in Fixtures.streams[run.stream]! { d.update(x) }
        let width = try #require(run.final["width"] as? Double)
        let est = try #require(run.final["estimation"] as? Double)
        let variance = try #require(run.final["variance"] as? Double)
        #expect(d.width == width, "\(run.stream)")
        #expect(abs(d.estimation - est) <= 1e-12 * max(1, abs(est)), "\(run.stream)")
        #expect(abs(d.variance - variance) <= 1e-9 * max(1, abs(variance)), "\(run.stream)")
    }
}

@Test func adwinSmallWindowStatistics() {
    var d = ADWIN()
    for v in [1.0, 2, 3, 4, 5] { d.update(v) }
    #expect(d.width == 5)
    #expect(d.estimation == 3)
    #expect(d.variance == 10)   // River reports the un-normalised sum of squares
    #expect(d.windowVariance == 2)
}

@Test func adwinDetectsStepAndResets() {
    var d = ADWIN()
    let stream = Array(repeating: 0.0, count: 1000) + Array(repeating: 5.0, count: 1000)
    let hits = Fixtures.detections(&d, stream)
    #expect(hits.first.map { $0 >= 1000 && $0 < 1100 } == true)
    d.reset()
    #expect(d.width == 0 && !d.driftDetected && d.estimation == 0)
    var fresh = ADWIN()
    #expect(Fixtures.detections(&d, stream) == Fixtures.detections(&fresh, stream))
}
