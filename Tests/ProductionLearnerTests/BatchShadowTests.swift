import Foundation
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

private let bins = ActionBins(learningRates: [0.01, 0.1, 1.0], batchSizes: [8, 32, 128])

/// Periods of 512 samples, so every batch size divides a period and each shadow's compute is exact.
private func run(shadows: Bool, batchShadows: Bool, batchBin: Int, rateBin: Int = 1) -> ProductionRun {
    let settings = LoopSettings(model: "logistic", periodLength: 512, window: 1024, updateOverhead: 8, computeBudget: 60,
                                episodeLength: 30, warmupPeriods: 2, shadowLearners: shadows, batchShadows: batchShadows)
    return ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins,
                         defaultAction: TuningAction(learningRateBin: rateBin, batchSizeBin: batchBin), seed: 3)
}

private func logs(_ run: ProductionRun, _ stream: LabelledCSV) throws -> [PeriodLog] {
    var out: [PeriodLog] = []
    _ = try run.run(stream, policy: FixedPolicy()) { out.append($0) }
    return out
}

@Test func schemaThreeIsSchemaTwoThenTheBatchEvidence() throws {
    #expect(ObservationSchema.v3.version == 3)
    #expect(Array(ObservationSchema.v3.names.prefix(ObservationSchema.v2.count)) == ObservationSchema.v2.names)
    #expect(ObservationSchema.v3.names.suffix(2) == ["shadow_gain_batch_down", "shadow_gain_batch_up"])
    var loop = LoopSettings(model: "logistic", periodLength: 10, window: 10, computeBudget: 1, episodeLength: 1, warmupPeriods: 0,
                            shadowLearners: true, batchShadows: true)
    #expect(loop.observationSchema == .v3)
    let json = String(decoding: try JSONEncoder().encode(loop), as: UTF8.self)
    #expect(json.contains("\"batch_shadows\":true"))
    #expect(try JSONDecoder().decode(LoopSettings.self, from: Data(json.utf8)) == loop)
    // Batch-size shadows without the learning-rate ones are refused, not silently dropped.
    let alone = json.replacingOccurrences(of: "\"shadow_learners\":true", with: "\"shadow_learners\":false")
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(LoopSettings.self, from: Data(alone.utf8)) }
    loop.batchShadows = false
    #expect(loop.observationSchema == .v2)
    #expect(!String(decoding: try JSONEncoder().encode(loop), as: UTF8.self).contains("batch_shadows"))
}

@Test func batchShadowsLeaveTheLiveLearnerAndTheRateShadowsAlone() throws {
    let stream = flipStream(rows: 8_192, flipAt: 4_096, seed: 7)
    let v2 = try logs(run(shadows: true, batchShadows: false, batchBin: 1), stream)
    let v3 = try logs(run(shadows: true, batchShadows: true, batchBin: 1), stream)
    #expect(v2.allSatisfy { $0.observation.count == 20 } && v3.allSatisfy { $0.observation.count == 22 })
    #expect(v2.map(\.metric) == v3.map(\.metric) && v2.map(\.loss) == v3.map(\.loss))
    let used = ObservationSchema.v1.index(of: "compute_used")!
    for (a, b) in zip(v2, v3) {
        for i in 0..<20 where i != used { #expect(a.observation[i] == b.observation[i]) }
    }
}

@Test func batchShadowsRunAtTheNeighbouringBatchSizesAndTheirComputeIsCharged() throws {
    // Live batch 32 (1 + 16·8/512 = 1.25 units a period); the rate shadows cost the same each; the
    // batch shadows at 8 (1 + 64·8/512 = 2) and 128 (1 + 4·8/512 = 1.0625).
    let stream = flipStream(rows: 6_144, flipAt: 3_072, seed: 7)
    let v3 = try logs(run(shadows: true, batchShadows: true, batchBin: 1), stream)
    for period in v3 { #expect(abs(period.compute - (1.25 * 3 + 2 + 1.0625)) < 1e-9) }
    // At the smallest bin only the larger shadow runs, and the smaller one's feature is 0.
    let smallest = try logs(run(shadows: true, batchShadows: true, batchBin: 0), stream)
    for period in smallest {
        #expect(abs(period.compute - (2 * 3 + 1.25)) < 1e-9)
        #expect(period.observation[20] == 0)
    }
    let largest = try logs(run(shadows: true, batchShadows: true, batchBin: 2), stream)
    for period in largest { #expect(period.observation[21] == 0) }
}

@Test func batchEvidencePointsTowardMoreUpdatesAfterAChange() throws {
    // At batch 128 a learner makes 4 updates a period and recovers slowly from the flip: the shadow at
    // batch 32 (16 updates) does better than the live learner right after it.
    let stream = flipStream(rows: 10_240, flipAt: 5_120, seed: 7)
    let log = try logs(run(shadows: true, batchShadows: true, batchBin: 2), stream)
    let flip = 5_120 / 512 - 2  // first scored period after the flip (2 warm-up periods)
    #expect(log[flip].observation[20] > 0.01)
    let before = log[1..<flip].map { abs($0.observation[20]) }.max() ?? 1
    #expect(log[flip].observation[20] > 2 * before)
}

@Test func recordedProbabilitiesAreTheLiveLearnersWithShadowsOn() throws {
    // `learn --log-probabilities` logs what the live learner predicted: with shadows on, the same
    // period × classes values as without them (the shadows' replays are not logged), and their arg-max
    // accuracy is the period's metric.
    let stream = flipStream(rows: 4_096, flipAt: 2_048, seed: 7)
    func recorded(_ r: ProductionRun) throws -> [PeriodLog] {
        var run = r
        run.recordProbabilities = true
        return try logs(run, stream)
    }
    let plain = try recorded(run(shadows: false, batchShadows: false, batchBin: 1))
    let shadowed = try recorded(run(shadows: true, batchShadows: true, batchBin: 1))
    #expect(plain.count == shadowed.count && !plain.isEmpty)
    for (a, b) in zip(plain, shadowed) {
        #expect(b.probabilities?.count == 512 * 2)
        #expect(a.probabilities == b.probabilities)
    }
    let labels = stream.labels
    for log in shadowed {
        let p = try #require(log.probabilities)
        let first = 2 * 512 + log.period * 512  // after the 2 warm-up periods
        let correct = (0..<512).filter { i in (p[2 * i + 1] > p[2 * i] ? 1 : 0) == labels[first + i] }.count
        #expect(abs(Double(correct) / 512 - log.metric) < 1e-12)
    }
}
