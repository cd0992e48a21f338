import Foundation
import Testing
@testable import PolicyRuntime

/// `samplePolicy` with a `steps` learning-rate head: 3 + 4 + 3 outputs.
private func stepsPolicy(seed: UInt64 = 3) -> PolicyDocument { samplePolicy(seed: seed, learningRateHead: .steps) }

@Test func stepsHeadMovesOneBinFromTheRateTheObservationReports() {
    let doc = stepsPolicy()
    #expect(doc.actions.headSizes == [3, 4, 3])
    let rates = doc.actions.learningRates.map(Double.init)
    let lo = rates.min()!, hi = rates.max()!
    // log_lr of bin b, as the monitor writes it.
    let logLR = rates.map { Float(log($0 / lo) / log(hi / lo)) }
    let index = doc.observationSchema.index(of: "log_lr")!
    var policy = TunedPolicy(document: doc)
    var moves = Set<Int>(), clamped = 0
    for (k, var x) in sampleObservations(1_500, for: doc).enumerated() {
        let current = k % rates.count
        x[index] = logLR[current]
        let d = policy.decide(x)
        let r = referenceBins(doc, x)
        let expected = min(max(current + r[0] - 1, 0), rates.count - 1)
        if expected != current + r[0] - 1 { clamped += 1 }
        #expect(d.learningRateBin == expected, "bin \(current), move \(r[0])")
        #expect(d.batchSizeBin == r[1] && d.retrain == doc.actions.retrainChoices[r[2]])
        moves.insert(r[0])
    }
    // Every move happened, and the ends clamped some of them.
    #expect(moves == [0, 1, 2] && clamped > 0)
}

@Test func logLRFeatureMapsBackToItsBin() {
    // Shipped-spec bins (geometric) and an uneven ladder: the nearest bin in log scale.
    for rates: [Float] in [[0.003, 0.00959, 0.03064, 0.09791, 0.31291, 1.0], [0.001, 0.002, 0.1, 0.5], [0.05]] {
        let bins = ActionBins(learningRates: rates, batchSizes: [32], learningRateHead: .steps)
        let lo = Double(rates.min()!), hi = Double(rates.max()!)
        for (b, r) in rates.enumerated() {
            let x = hi > lo ? Float(log(Double(r) / lo) / log(hi / lo)) : 0
            #expect(bins.learningRateBin(logLRFeature: x) == b)
        }
    }
    let bins = ActionBins(learningRates: [0.01, 0.1, 1], batchSizes: [32], learningRateHead: .steps)
    #expect(bins.action(bins: [0, 0, 0], currentLearningRateBin: 0, currentBatchSizeBin: 0).learningRateBin == 0)
    #expect(bins.action(bins: [2, 0, 0], currentLearningRateBin: 2, currentBatchSizeBin: 0).learningRateBin == 2)
    #expect(bins.action(bins: [2, 0, 0], currentLearningRateBin: 1, currentBatchSizeBin: 0).learningRateBin == 2)
    #expect(bins.action(bins: [1, 0, 0], currentLearningRateBin: 1, currentBatchSizeBin: 0).learningRateBin == 1)
    // A `bins` head ignores the current bin.
    let plain = ActionBins(learningRates: [0.01, 0.1, 1], batchSizes: [32])
    #expect(plain.action(bins: [0, 0, 0], currentLearningRateBin: 2, currentBatchSizeBin: 0).learningRateBin == 0)
}

@Test func stepsHeadIsRecordedAndValidated() throws {
    // The `bins` head writes no key, so earlier files keep their bytes; `steps` round-trips.
    let plain = try PolicyFile.encode(samplePolicy())
    #expect(!String(decoding: plain, as: UTF8.self).contains("learning_rate_head"))
    let doc = stepsPolicy()
    let data = try PolicyFile.encode(doc)
    #expect(String(decoding: data, as: UTF8.self).contains("\"learning_rate_head\":\"steps\""))
    #expect(try PolicyFile.decode(data, file: "steps.policy") == doc)
    // The fallback names a learning-rate bin, not a step: bin 4 of 5 is valid with a 3-output head.
    var high = doc
    high.fallback.learningRateBin = 4
    _ = try PolicyFile.decode(try PolicyFile.encode(high), file: "high.policy")
    // Steps need log_lr in the observation.
    var blind = doc
    let i = blind.observationSchema.index(of: "log_lr")!
    blind.observationSchema.features[i].name = "log_rate"
    #expect {
        try PolicyFile.decode(try PolicyFile.encode(blind), file: "blind.policy")
    } throws: { error in
        "\(error)".contains("learning_rate_head") && "\(error)".contains("log_lr")
    }
}
