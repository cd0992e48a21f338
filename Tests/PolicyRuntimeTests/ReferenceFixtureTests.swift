import Foundation
import Testing
@testable import PolicyRuntime

// The fixture is the contract shared with the Python reference loader (python/drifttune_policy.py):
// both must reproduce `decisions.csv` from `reference.policy` and `observations.csv`, and
// `decisions-steps.csv` from `reference-steps.policy` (a learning-rate head of steps, moving from
// the observations' log_lr) on the same observations, and `decisions-batch-steps.csv` from
// `reference-batch-steps.policy` (both heads of steps; the batch size moves from log2_batch)
// (scripts/check_python_loader.py runs the Python side in CI). Regenerate with
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
    for (name, steps) in [("steps", samplePolicy(seed: 5, learningRateHead: .steps)),
                          ("batch-steps", samplePolicy(seed: 6, learningRateHead: .steps, batchSizeHead: .steps))] {
        try PolicyFile.write(steps, to: dir.appendingPathComponent("reference-\(name).policy").path)
        var stepsPolicy = TunedPolicy(document: steps)
        let stepsDecisions = rows.map { x -> String in
            let bins = steps.actions.bins(of: stepsPolicy.decide(x))
            return "\(bins[0]),\(bins[1]),\(bins[2]),\(stepsPolicy.lastFallback?.rawValue ?? "")"
        }
        try (["learning_rate_bin,batch_size_bin,retrain_bin,fallback"] + stepsDecisions).joined(separator: "\n").appending("\n")
            .write(to: dir.appendingPathComponent("decisions-\(name).csv"), atomically: true, encoding: .utf8)
    }
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

@Test func runtimeReproducesTheReferenceBatchStepsDecisions() throws {
    var policy = try TunedPolicy.load(fixtureURL("reference-batch-steps.policy").path, expectingSchema: 1)
    #expect(policy.document.actions.learningRateHead == .steps && policy.document.actions.batchSizeHead == .steps)
    #expect(policy.document.actions.headSizes == [3, 3, 3])
    let observations = try String(contentsOf: fixtureURL("observations.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Float(String($0))! } }
    let expected = try String(contentsOf: fixtureURL("decisions-batch-steps.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(observations.count == 1_000 && expected.count == 1_000)
    var batchBins = Set<Int>()
    let batchFeature = policy.document.observationSchema.index(of: "log2_batch")!
    for (x, line) in zip(observations, expected) {
        let action = policy.decide(x)
        let bins = policy.document.actions.bins(of: action)
        batchBins.insert(bins[1])
        #expect("\(bins[0]),\(bins[1]),\(bins[2]),\(policy.lastFallback?.rawValue ?? "")" == String(line))
        // A steps head never moves more than one bin from the batch size the observation reports.
        if policy.lastFallback == nil {
            #expect(abs(bins[1] - policy.document.actions.batchSizeBin(log2BatchFeature: x[batchFeature])) <= 1)
        }
    }
    #expect(batchBins.count == policy.document.actions.batchSizes.count)
}
