import Foundation
import DriftDetection
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

private let bins = ActionBins(learningRates: [0.001, 0.01, 0.1, 1.0], batchSizes: [32])

private func run(shadows: Bool, rateBin: Int, standardize: Bool = false, updates: UpdateRegime = .online) -> ProductionRun {
    let settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, updateOverhead: 8, computeBudget: 60,
                                episodeLength: 30, warmupPeriods: 2, standardize: standardize, updates: updates,
                                shadowLearners: shadows)
    return ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins,
                         defaultAction: TuningAction(learningRateBin: rateBin, batchSizeBin: 0), seed: 3)
}

private func logs(_ run: ProductionRun, _ stream: LabelledCSV) throws -> [PeriodLog] {
    var out: [PeriodLog] = []
    _ = try run.run(stream, policy: FixedPolicy()) { out.append($0) }
    return out
}

@Test func schemaTwoIsSchemaOneThenTheShadowEvidence() {
    #expect(ObservationSchema.v2.version == 2 && ObservationSchema.v1.version == 1)
    #expect(Array(ObservationSchema.v2.names.prefix(ObservationSchema.v1.count)) == ObservationSchema.v1.names)
    #expect(ObservationSchema.v2.names.suffix(2) == ["shadow_gain_lr_down", "shadow_gain_lr_up"])
    var loop = LoopSettings(model: "logistic", periodLength: 10, window: 10, computeBudget: 1, episodeLength: 1, warmupPeriods: 0)
    #expect(loop.observationSchema == .v1)
    loop.shadowLearners = true
    #expect(loop.observationSchema == .v2)
}

@Test func shadowLearnersLeaveTheLiveLearnerAlone() throws {
    // Same periods, metrics and losses with and without shadows, raw and standardized, online and deployed:
    // the shadows copy the learner and the scaler and never write back.
    let stream = flipStream(rows: 8_000, flipAt: 4_000, scales: [1e-3, 1, 1e4, 10])
    for (standardize, updates) in [(false, UpdateRegime.online), (true, .online), (true, .deployed)] {
        let plain = try logs(run(shadows: false, rateBin: 1, standardize: standardize, updates: updates), stream)
        let shadowed = try logs(run(shadows: true, rateBin: 1, standardize: standardize, updates: updates), stream)
        #expect(plain.map(\.metric) == shadowed.map(\.metric))
        #expect(plain.map(\.loss) == shadowed.map(\.loss))
        #expect(plain.allSatisfy { $0.observation.count == 18 } && shadowed.allSatisfy { $0.observation.count == 20 })
        // Every v1 feature but compute_used (which now includes the shadows) is unchanged.
        let used = ObservationSchema.v1.index(of: "compute_used")!
        for (a, b) in zip(plain, shadowed) {
            for i in 0..<18 where i != used { #expect(a.observation[i] == b.observation[i]) }
        }
    }
}

@Test func shadowsLearnTheSameMinibatchesAndTheirComputeIsCharged() throws {
    // Online, with both neighbours: each shadow learns exactly the live learner's minibatches, so a
    // period costs three times the live learner's compute; at the lowest bin only the upper shadow runs.
    let stream = flipStream(rows: 6_000, flipAt: 3_000)
    let plain = try logs(run(shadows: false, rateBin: 1), stream)
    let both = try logs(run(shadows: true, rateBin: 1), stream)
    for (a, b) in zip(plain, both) { #expect(abs(b.compute - 3 * a.compute) < 1e-9) }
    let lowest = try logs(run(shadows: true, rateBin: 0), stream)
    let lowestPlain = try logs(run(shadows: false, rateBin: 0), stream)
    for (a, b) in zip(lowestPlain, lowest) {
        #expect(abs(b.compute - 2 * a.compute) < 1e-9)
        #expect(b.observation[18] == 0)  // no shadow below the lowest bin
    }
    // Deployed: the serving model learns nothing, so all compute is the shadows'.
    let deployed = try logs(run(shadows: true, rateBin: 1, updates: .deployed), stream)
    #expect(deployed.allSatisfy { $0.compute > 0 })
    #expect(try logs(run(shadows: false, rateBin: 1, updates: .deployed), stream).allSatisfy { $0.compute == 0 })
}

@Test func shadowEvidencePointsTowardTheBetterLearningRate() throws {
    // After the boundary flips, a learner at lr 0.01 recovers slowly: the shadow at 0.1 does better
    // (positive gain), the one at 0.001 worse (negative gain), and by far more than before the flip,
    // when the separable concept still rewards the larger step a little.
    let stream = flipStream(rows: 10_000, flipAt: 5_000)
    let log = try logs(run(shadows: true, rateBin: 1), stream)
    let flip = 5_000 / 500 - 2  // first scored period after the flip (2 warm-up periods)
    let after = log[flip..<(flip + 4)]
    #expect(after.allSatisfy { $0.observation[19] > 0.01 && $0.observation[18] < 0 })
    let before = log[1..<flip]
    let largestBefore = before.map { $0.observation[19] }.max() ?? 1
    #expect(after.allSatisfy { $0.observation[19] > 2 * largestBefore })
    // At the top bin there is no higher shadow.
    let top = try logs(run(shadows: true, rateBin: 3), stream)
    #expect(top.allSatisfy { $0.observation[19] == 0 })
}

@Test func loopSettingsWriteShadowLearnersOnlyWhenOn() throws {
    var loop = LoopSettings(model: "logistic", periodLength: 10, window: 10, computeBudget: 1, episodeLength: 1, warmupPeriods: 0)
    #expect(!String(decoding: try JSONEncoder().encode(loop), as: UTF8.self).contains("shadow"))
    loop.shadowLearners = true
    #expect(String(decoding: try JSONEncoder().encode(loop), as: UTF8.self).contains("\"shadow_learners\":true"))
    #expect(try JSONDecoder().decode(LoopSettings.self, from: JSONEncoder().encode(loop)) == loop)
}
