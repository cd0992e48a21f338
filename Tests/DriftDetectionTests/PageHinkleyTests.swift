import DriftDetection
import Testing

@Test func pageHinkleyMatchesRiverOnFixtures() throws { try expectParity("page-hinkley") }

@Test func pageHinkleyResetAndStatistic() {
    var d = PageHinkley()
    for _ in 0..<100 { d.update(0) }
    #expect(!d.driftDetected)
    var fired = false
    for _ in 0..<100 where d.update(10) { fired = true; break }
    #expect(fired)
    #expect(d.statistic > d.threshold)
    d.reset()
    #expect(d.count == 0 && d.statistic == 0 && !d.driftDetected)
}
