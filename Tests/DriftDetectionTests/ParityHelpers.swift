import DriftDetection
import Testing

/// Runs every fixture run of `name` through the registry-built detector and compares indices.
func expectParity(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let runs = Fixtures.runs(name)
    #expect(!runs.isEmpty, "no fixture runs for \(name)", sourceLocation: sourceLocation)
    for run in runs {
        var detector = try DetectorRegistry.make(name: name, parameters: run.params)
        let values = try #require(Fixtures.streams[run.stream])
        let got = Fixtures.detections(&detector, values)
        #expect(got == run.indices, "\(name) \(run.params) on \(run.stream)", sourceLocation: sourceLocation)
    }
}
