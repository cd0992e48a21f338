import DriftDetection
import Foundation
import PolicyRegistry
import PolicyRuntime
import ProductionLearner
import Testing
@testable import DriftTuneCLI

/// A constant policy: its heads' biases pick (learning-rate bin, batch bin, retrain bin) whatever it observes.
private func constantPolicy(lr: Int, batch: Int, retrain: Int, tag: Double) -> PolicyDocument {
    let features = ObservationSchema.v1.features.map { ObservationSchema.Feature(name: $0.name, lower: $0.lower, upper: $0.upper) }
    let n = features.count
    var bias = [Float](repeating: 0, count: 3 + 2 + 3)
    bias[lr] = 5; bias[3 + batch] = 5; bias[5 + retrain] = 5
    return PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: [Double](repeating: 0, count: n), variance: [Double](repeating: 1, count: n), epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.0001, 0.01, 0.3], batchSizes: [16, 256], retrainChoices: RetrainDecision.allCases),
        network: .init(activation: "tanh", hidden: [], heads: .init(inputs: n, outputs: 8, weights: [Float](repeating: 0, count: n * 8), bias: bias)),
        fallback: .init(learningRateBin: 1, batchSizeBin: 0),
        provenance: .init(environment: "flip", evaluationMeanReward: tag),
        loop: .init(model: "logistic", periodLength: 250, window: 500, labelDelay: 0, fineTuneEpochs: 1, retrainEpochs: 3,
                    updateOverhead: 0, computeBudget: 100, episodeLength: 20, warmupPeriods: 2))
}

/// A binary stream whose boundary flips sign halfway.
private func flipStream() -> LabelledCSV {
    var x: [Float] = [], y: [Int32] = []
    for i in 0..<5_500 {
        let a = Float((i * 37) % 101) / 50 - 1, b = Float((i * 53) % 97) / 48 - 1
        x += [a, b]
        let positive = a + 0.5 * b > 0
        y.append((positive != (i >= 3_000)) ? 1 : 0)
    }
    return LabelledCSV(featureNames: ["a", "b"], features: x, labels: y, skipped: [])
}

@Test func canaryReplayRefusesADeliberatelyBadPolicy() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("canary-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let registry = try Registry(path: dir.appendingPathComponent("r.sqlite").path)
    let good = try registry.push(data: PolicyFile.encode(constantPolicy(lr: 2, batch: 0, retrain: 1, tag: 1)), file: "good.policy")
    let bad = try registry.push(data: PolicyFile.encode(constantPolicy(lr: 0, batch: 1, retrain: 0, tag: 2)), file: "bad.policy")
    let stream = flipStream()
    let gate: (TunedPolicy, TunedPolicy?) throws -> CanaryVerdict = { c, p in
        try CanaryReplay.verdict(candidate: c, production: p, stream: stream, margin: 0.02, seed: 0)
    }
    try registry.promote(good.version, to: .canary, gate: gate)
    try registry.promote(good.version, to: .production)
    do {
        try registry.promote(bad.version, to: .canary, gate: gate)
        Issue.record("the bad policy was promoted")
    } catch let RegistryError.canaryRefused(version, verdict) {
        #expect(version == bad.version)
        #expect(verdict.production! > verdict.candidate + 0.1)
    }
    #expect(try registry.current(name: "flip", channel: .canary) == good.version)
}
