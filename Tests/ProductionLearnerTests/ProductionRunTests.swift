import Foundation
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

/// A run at a slow default rate (0.001, batch 32) in single-bin heads, or in `actions` from `default`.
private func run(seed: UInt64 = 1, actions: ActionBins = ActionBins(learningRates: [0.001], batchSizes: [32]),
                 default action: TuningAction = TuningAction(learningRateBin: 0, batchSizeBin: 0),
                 updates: UpdateRegime = .online) -> ProductionRun {
    let settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 2, updates: updates)
    return ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: actions, defaultAction: action, seed: seed)
}

@Test func retrainingRecoversFromAConceptFlipThatAFrozenRateCannot() throws {
    let stream = flippingStream(rows: 15_000, flipAt: 6_000)
    var logs: [PeriodLog] = []
    let none = try run().run(stream, policy: FixedPolicy()) { logs.append($0) }
    let adwin = try run().run(stream, policy: AlarmRetrainPolicy(signal: .adwin))
    let periodic = try run().run(stream, policy: PeriodicRetrainPolicy(every: 5))
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
    _ = try run(seed: 4).run(stream, policy: AlarmRetrainPolicy(signal: .adwin)) { a.append($0) }
    _ = try run(seed: 4).run(stream, policy: AlarmRetrainPolicy(signal: .adwin)) { b.append($0) }
    #expect(a == b)
}

@Test func monitorObservationMatchesTheSchema() {
    #expect(Monitor.observationCount == ObservationSchema.current.count)
}

@Test func tooShortStreamIsAnError() {
    #expect(throws: StreamError.tooShort(input: "stream", rows: 1_000, needed: 1_500)) {
        try run().run(flippingStream(rows: 1_000, flipAt: 500), policy: FixedPolicy())
    }
}

@Test func policyControllerAppliesItsDecisions() throws {
    // A policy whose heads always pick learning rate bin 1 (0.3), batch bin 0 (8) and fine-tune;
    // period 0 runs the default action (the file's fallback: 0.01, batch 128).
    let n = ObservationSchema.current.count
    let heads = PolicyDocument.Layer(inputs: n, outputs: 7, weights: [Float](repeating: 0, count: n * 7), bias: [0, 5, 5, 0, 0, 5, 0])
    let doc = PolicyDocument(
        observationSchema: .current,
        normalization: .init(mean: [Double](repeating: 0, count: n), variance: [Double](repeating: 1, count: n), epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.01, 0.3], batchSizes: [8, 128], retrainChoices: RetrainDecision.allCases),
        network: .init(activation: "tanh", hidden: [], heads: heads),
        fallback: .init(learningRateBin: 0, batchSizeBin: 1), provenance: .init(environment: "test"))
    var logs: [PeriodLog] = []
    let summary = try run(actions: doc.actions, default: doc.fallback)
        .run(flippingStream(rows: 6_000, flipAt: 3_000), policy: TunedPolicy(document: doc)) { logs.append($0) }
    #expect(logs[0].learningRate == 0.01 && logs[0].batchSize == 128 && logs[0].action.retrain == .none)
    #expect(logs.dropFirst().allSatisfy { $0.learningRate == 0.3 && $0.batchSize == 8 && $0.action.retrain == .fineTune })
    #expect(summary.fineTunes == summary.periods - 1 && summary.fallbacks.isEmpty)
}

/// Under deployed updates the serving model is frozen between update jobs: without retraining it
/// neither learns nor spends compute, not even in period 0, and only
/// fine-tunes or retrains move it.
@Test func deployedUpdatesFreezeTheServingModelBetweenUpdateJobs() throws {
    let stream = flippingStream(rows: 15_000, flipAt: 6_000)
    let fast = ActionBins(learningRates: [0.3], batchSizes: [32])
    var frozenLogs: [PeriodLog] = []
    let frozen = try run(actions: fast, updates: .deployed).run(stream, policy: FixedPolicy()) { frozenLogs.append($0) }
    let online = try run(actions: fast).run(stream, policy: FixedPolicy())
    #expect(frozen.compute == 0 && frozenLogs.allSatisfy { !$0.action.learnOnline && $0.compute == 0 })
    #expect(frozenLogs[10...].allSatisfy { $0.metric < 0.05 })  // the warm-started model, still serving after the flip
    #expect(online.meanMetric > frozen.meanMetric + 0.3)  // online learning follows the flip, the frozen model cannot
    let updated = try run(actions: fast, updates: .deployed).run(stream, policy: PeriodicRetrainPolicy(every: 2, choice: .fineTune))
    #expect(updated.fineTunes > 0 && updated.compute > 0)
    #expect(updated.meanMetric > frozen.meanMetric + 0.3)
}

@Test func loopSettingsDecodeUpdatesAsOnlineWhenAbsentAndWriteOnlyDeployed() throws {
    let old = #"{"model":"logistic","period_length":100,"window":400,"label_delay":0,"fine_tune_epochs":1,"retrain_epochs":3,"update_overhead":0,"compute_budget":10,"episode_length":10,"warmup_periods":1}"#
    var loop = try JSONDecoder().decode(LoopSettings.self, from: Data(old.utf8))
    #expect(loop.updates == .online)
    #expect(!String(decoding: try JSONEncoder().encode(loop), as: UTF8.self).contains("updates"))
    loop.updates = .deployed
    #expect(String(decoding: try JSONEncoder().encode(loop), as: UTF8.self).contains("\"updates\":\"deployed\""))
    #expect(try JSONDecoder().decode(LoopSettings.self, from: JSONEncoder().encode(loop)) == loop)
}
