import DriftDetection
import Testing

@Test func kswinMatchesRiverExactlyOnFixtures() throws { try expectParity("kswin") }

@Test func kswinResetReplaysSameDetections() {
    var d = KSWIN(seed: 42)
    let stream = Fixtures.streams["abrupt"]!
    let first = Fixtures.detections(&d, stream)
    d.reset()
    #expect(d.count == 0 && d.pValue == 0 && !d.driftDetected)
    #expect(Fixtures.detections(&d, stream) == first)
    #expect(!first.isEmpty)
}

@Test func kswinExposesStatisticAndPValue() {
    var d = KSWIN(seed: 1)
    for i in 0..<150 { d.update(Double(i % 10)) }
    #expect(d.statistic >= 0 && d.statistic <= 1)
    #expect(d.pValue > 0 && d.pValue <= 1)
}
