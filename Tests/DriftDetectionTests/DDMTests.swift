import DriftDetection
import Testing

@Test func ddmMatchesRiverOnFixtures() throws { try expectParity("ddm") }

@Test func ddmWarningsMatchRiver() throws {
    for run in Fixtures.runs("ddm") {
        var d = try #require(try DetectorRegistry.make(name: "ddm", parameters: run.params) as? DDM)
        var warnings: [Int] = []
        for (i, x) in Fixtures.streams[run.stream]!.enumerated() {
            d.update(x)
            if d.warningDetected { warnings.append(i) }
        }
        #expect(warnings == (run.final["warnings"] as? [Int]), "\(run.stream)")
    }
}

@Test func ddmReset() {
    var d = DDM()
    for i in 0..<500 { d.update(i % 3 == 0 ? 1 : 0) }
    d.reset()
    #expect(d.count == 0 && !d.warningDetected && !d.driftDetected)
}
