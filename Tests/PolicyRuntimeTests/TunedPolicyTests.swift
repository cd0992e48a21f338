import Foundation
import Testing
@testable import PolicyRuntime

@Test func greedyDecisionsFollowTheNetwork() {
    let doc = samplePolicy()
    var policy = TunedPolicy(document: doc)
    var seen = Set<[Int]>()
    for x in sampleObservations(2_000, for: doc) {
        let d = policy.decide(x)
        let bins = doc.actions.bins(of: d)
        #expect(bins == referenceBins(doc, x))
        #expect(policy.lastFallback == nil)
        #expect(d.retrain == doc.actions.retrainChoices[bins[2]])
        seen.insert(bins)
    }
    // A constant policy would pass the equality above trivially; this network really varies.
    #expect(seen.count > 5)
    #expect(policy.decisionCount == 2_000 && policy.fallbackCounts.isEmpty)
}

@Test func untrustworthyObservationsFallBackAndAreCounted() {
    let doc = samplePolicy()
    var policy = TunedPolicy(document: doc)
    let good = sampleObservations(1, for: doc)[0]
    var nan = good; nan[3] = .nan
    var inf = good; inf[0] = -.infinity
    var high = good; high[5] = 1.5
    let fallback = TuningAction(learningRateBin: 2, batchSizeBin: 1, retrain: .none)
    for (x, reason) in [(nan, FallbackReason.nonFinite), (inf, .nonFinite), (high, .outOfRange), (Array(good.prefix(5)), .wrongLength), ([], .wrongLength)] {
        #expect(policy.decide(x) == fallback)
        #expect(policy.lastFallback == reason)
        #expect(policy.decide(x, sample: true) == fallback)
        #expect(policy.lastFallback == reason)
    }
    var named = Dictionary(uniqueKeysWithValues: zip(policy.featureNames, good.map(Double.init)))
    _ = policy.decide(named: named)
    #expect(policy.lastFallback == nil)
    named["ks_scores"] = nil
    #expect(policy.decide(named: named) == fallback)
    #expect(policy.lastFallback == .missingValue)
    #expect(policy.fallbackCounts == [.nonFinite: 4, .outOfRange: 2, .wrongLength: 4, .missingValue: 1])
    #expect(policy.decisionCount == 12)
}

@Test func sampledDecisionsAreSeededAndInRange() {
    let doc = samplePolicy()
    let xs = sampleObservations(500, for: doc)
    func run(_ seed: UInt64) -> [TuningAction] {
        var p = TunedPolicy(document: doc, seed: seed)
        return xs.map { p.decide($0, sample: true) }
    }
    let a = run(5), b = run(5), c = run(6)
    #expect(a == b)
    #expect(a != c)
    for d in a {
        #expect(doc.actions.learningRates.indices.contains(d.learningRateBin))
        #expect(doc.actions.batchSizes.indices.contains(d.batchSizeBin))
        #expect(doc.actions.retrainChoices.contains(d.retrain))
    }
}

@Test func reluNetworksDecideToo() {
    let doc = samplePolicy(seed: 9, hidden: [8], activation: "relu")
    var policy = TunedPolicy(document: doc)
    let xs = sampleObservations(50, for: doc)
    #expect(Set(xs.map { x in doc.actions.bins(of: policy.decide(x)) }).count > 1)
}

/// A production loop builds the observation from the file's own loop settings: schema v2 with
/// shadow learners, v1 without. A file whose schema is not the one its loop produces is refused.
@Test func ownLoopSchemaIsRequired() throws {
    var doc = samplePolicy()
    doc.loop = LoopSettings(model: "logistic", periodLength: 100, window: 400, computeBudget: 10, episodeLength: 10, warmupPeriods: 1)
    let path = temporaryPath("own-loop.policy")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PolicyFile.write(doc, to: path)
    _ = try TunedPolicy.loadForOwnLoop(path)
    doc.loop?.shadowLearners = true
    try PolicyFile.write(doc, to: path)
    #expect(throws: PolicyFileError.schemaVersionMismatch(file: path, policy: 1, expected: 2)) {
        try TunedPolicy.loadForOwnLoop(path)
    }
}
