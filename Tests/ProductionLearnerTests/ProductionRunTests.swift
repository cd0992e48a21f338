import DriftDetection
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

/// A binary stream whose decision boundary flips sign at `flipAt` (abrupt concept drift).
private func flippingStream(rows: Int, flipAt: Int, seed: UInt64 = 3) -> LabelledCSV {
    var rng = RandomSource(seed: seed)
    let d = 4
    let w: [Float] = [1.5, -2, 1, 0.5]
    var x = [Float](), y = [Int32]()
    for i in 0..<rows {
        let row = (0..<d).map { _ in Float(rng.nextGaussian()) }
        var z = zip(row, w).reduce(0) { $0 + $1.0 * $1.1 }
        if i >= flipAt { z = -z }
        x += row
        y.append(z > 0 ? 1 : 0)
    }
    return LabelledCSV(featureNames: ["a", "b", "c", "d"], features: x, labels: y, skipped: [])
}

private func run(seed: UInt64 = 1) -> ProductionRun {
    let settings = LoopSettings(periodLength: 500, window: 1000, computeBudget: 60, expectedPeriods: 30,
                                learningRateRange: 0.01...0.3, batchSizeRange: 8...128)
    return ProductionRun(model: .logistic, metric: .accuracy, settings: settings, warmupPeriods: 2,
                         defaults: Decision(learningRate: 0.001, batchSize: 32), seed: seed)
}

@Test func retrainingRecoversFromAConceptFlipThatAFrozenRateCannot() throws {
    let stream = flippingStream(rows: 15_000, flipAt: 6_000)
    var logs: [PeriodLog] = []
    let none = try run().run(stream, controller: .none) { logs.append($0) }
    let adwin = try run().run(stream, controller: .adwin)
    let periodic = try run().run(stream, controller: .periodic(5))
    #expect(none.periods == 28 && logs.count == 28)
    // Before the flip (period 10) the learner is accurate; after it, the slow rate stays wrong for long.
    #expect(logs[0].metric > 0.9)
    #expect(logs[10..<20].allSatisfy { $0.metric < 0.2 })
    #expect(none.retrains == 0 && adwin.retrains >= 1 && periodic.retrains == 5)
    #expect(adwin.meanMetric > none.meanMetric + 0.3)
    #expect(periodic.meanMetric > none.meanMetric + 0.2)
    #expect(adwin.compute > none.compute)
}

@Test func sameSeedSameRun() throws {
    let stream = flippingStream(rows: 6_000, flipAt: 3_000)
    var a: [PeriodLog] = [], b: [PeriodLog] = []
    _ = try run(seed: 4).run(stream, controller: .adwin) { a.append($0) }
    _ = try run(seed: 4).run(stream, controller: .adwin) { b.append($0) }
    #expect(a == b)
}

@Test func tooShortStreamIsAnError() {
    #expect(throws: StreamError.tooShort(input: "stream", rows: 1_000, needed: 1_500)) {
        try run().run(flippingStream(rows: 1_000, flipAt: 500), controller: .none)
    }
}

@Test func policyControllerAppliesItsDecisions() throws {
    // A policy whose heads always pick learning rate bin 1 (0.3), batch bin 0 (8) and fine-tune.
    let features = ObservationSchema.v1.features.map { PolicyDocument.Feature(name: $0.name, lower: $0.lower, upper: $0.upper) }
    let n = features.count
    let heads = PolicyDocument.Layer(inputs: n, outputs: 7, weights: [Float](repeating: 0, count: n * 7), bias: [0, 5, 5, 0, 0, 5, 0])
    let doc = PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: [Double](repeating: 0, count: n), variance: [Double](repeating: 1, count: n), epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.01, 0.3], batchSizes: [8, 128], retrainChoices: RetrainDecision.allCases),
        network: .init(activation: "tanh", hidden: [], heads: heads),
        fallback: .init(learningRateBin: 0, batchSizeBin: 1, retrainBin: 0), provenance: .init(environment: "test"))
    var logs: [PeriodLog] = []
    let summary = try run().run(flippingStream(rows: 6_000, flipAt: 3_000), controller: .policy(TunedPolicy(document: doc))) { logs.append($0) }
    #expect(logs.dropFirst().allSatisfy { $0.learningRate == 0.3 && $0.batchSize == 8 && $0.retrain == "fine_tune" })
    #expect(summary.fineTunes == summary.periods - 1 && summary.fallbacks.isEmpty)
}
