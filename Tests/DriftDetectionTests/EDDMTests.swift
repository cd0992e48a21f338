import DriftDetection
import Testing

@Test func eddmMatchesRiverOnFixtures() throws { try expectParity("eddm") }

@Test func eddmWarningsMatchRiver() throws {
    for run in Fixtures.runs("eddm") {
        var d = try #require(try DetectorRegistry.make(name: "eddm", parameters: run.params) as? EDDM)
        var warnings: [Int] = []
        for (i, x) in Fixtures.streams[run.stream]!.enumerated() {
            d.update(x)
            if d.warningDetected { warnings.append(i) }
        }
        #expect(warnings == (run.final["warnings"] as? [Int]), "\(run.stream)")
    }
}

@Test func eddmReset() {
    var d = EDDM()
    for i in 0..<500 { d.update(i % 7 == 0 ? 1 : 0) }
    #expect(d.errorCount > 0)
    d.reset()
    #expect(d.count == 0 && d.errorCount == 0 && !d.driftDetected && !d.warningDetected)
}
