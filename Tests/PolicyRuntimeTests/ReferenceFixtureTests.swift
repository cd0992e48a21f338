import Foundation
import Testing
@testable import PolicyRuntime

// The fixture is the contract shared with the Python reference loader (python/drifttune_policy.py):
// both must reproduce `decisions.csv` from `reference.policy` and `observations.csv`, and
// `decisions-steps.csv` from `reference-steps.policy` (a learning-rate head of steps, moving from
// the observations' log_lr) on the same observations (scripts/check_python_loader.py runs the
// Python side in CI). Regenerate with
//   DRIFTTUNE_WRITE_FIXTURES=1 swift test --filter writeReferenceFixture

private func observationRows() -> [[Float]] {
    let doc = samplePolicy()
    var rows = sampleObservations(997, for: doc, seed: 11)
    // Guardrail cases the Python loader must treat the same way.
    var nan = rows[0]; nan[2] = .nan
    var high = rows[1]; high[17] = 1.25
    var low = rows[2]; low[1] = -1.5
    rows += [nan, high, low]
    return rows
}

private func format(_ x: Float) -> String { x.isNaN ? "nan" : "\(x)" }

/// Rewrites the fixture; skipped (not passed) unless DRIFTTUNE_WRITE_FIXTURES=1.
@Test(.enabled(if: ProcessInfo.processInfo.environment["DRIFTTUNE_WRITE_FIXTURES"] == "1", "writes Fixtures/; set DRIFTTUNE_WRITE_FIXTURES=1"))
func writeReferenceFixture() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let doc = samplePolicy()
    try PolicyFile.write(doc, to: dir.appendingPathComponent("reference.policy").path)
    var policy = TunedPolicy(document: doc)
    let rows = observationRows()
    let header = doc.observationSchema.features.map(\.name).joined(separator: ",")
    try ([header] + rows.map { $0.map(format).joined(separator: ",") }).joined(separator: "\n").appending("\n")
        .write(to: dir.appendingPathComponent("observations.csv"), atomically: true, encoding: .utf8)
    let decisions = rows.map { x -> String in
        let bins = doc.actions.bins(of: policy.decide(x))
        return "\(bins[0]),\(bins[1]),\(bins[2]),\(policy.lastFallback?.rawValue ?? "")"
    }
    try (["learning_rate_bin,batch_size_bin,retrain_bin,fallback"] + decisions).joined(separator: "\n").appending("\n")
        .write(to: dir.appendingPathComponent("decisions.csv"), atomically: true, encoding: .utf8)
    let steps = samplePolicy(seed: 5, learningRateHead: .steps)
    try PolicyFile.write(steps, to: dir.appendingPathComponent("reference-steps.policy").path)
    var stepsPolicy = TunedPolicy(document: steps)
    let stepsDecisions = rows.map { x -> String in
        let bins = steps.actions.bins(of: stepsPolicy.decide(x))
        return "\(bins[0]),\(bins[1]),\(bins[2]),\(stepsPolicy.lastFallback?.rawValue ?? "")"
    }
    try (["learning_rate_bin,batch_size_bin,retrain_bin,fallback"] + stepsDecisions).joined(separator: "\n").appending("\n")
        .write(to: dir.appendingPathComponent("decisions-steps.csv"), atomically: true, encoding: .utf8)
}

@Test func runtimeReproducesTheReferenceDecisions() throws {
    var policy = try TunedPolicy.load(fixtureURL("reference.policy").path, expectingSchema: 1)
    let observations = try String(contentsOf: fixtureURL("observations.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Float(String($0))! } }
    let expected = try String(contentsOf: fixtureURL("decisions.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(observations.count == 1_000 && expected.count == 1_000)
    for (x, line) in zip(observations, expected) {
        let bins = policy.document.actions.bins(of: policy.decide(x))
        #expect("\(bins[0]),\(bins[1]),\(bins[2]),\(policy.lastFallback?.rawValue ?? "")" == String(line))
    }
    #expect(policy.fallbackCounts == [.nonFinite: 1, .outOfRange: 2])
}

@Test func runtimeReproducesTheReferenceStepsDecisions() throws {
    var policy = try TunedPolicy.load(fixtureURL("reference-steps.policy").path, expectingSchema: 1)
    #expect(policy.document.actions.learningRateHead == .steps)
    let observations = try String(contentsOf: fixtureURL("observations.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Float(String($0))! } }
    let expected = try String(contentsOf: fixtureURL("decisions-steps.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(observations.count == 1_000 && expected.count == 1_000)
    var lrBins = Set<Int>()
    for (x, line) in zip(observations, expected) {
        let bins = policy.document.actions.bins(of: policy.decide(x))
        lrBins.insert(bins[0])
        #expect("\(bins[0]),\(bins[1]),\(bins[2]),\(policy.lastFallback?.rawValue ?? "")" == String(line))
    }
    #expect(lrBins.count == policy.document.actions.learningRates.count)
}
