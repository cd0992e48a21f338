import Testing
@testable import Learners

@Test func benchmarkReportsPositiveThroughput() {
    let rate = LearnerBenchmark.logisticSamplesPerSecond(featureCount: 8, batchSize: 4, samples: 2000, seed: 1)
    #expect(rate > 0 && rate.isFinite)
    var mlp = MLPClassifier(featureCount: 4, classCount: 3, hiddenSizes: [8], batchSize: 16)
    #expect(LearnerBenchmark.samplesPerSecond(&mlp, samples: 500) > 0)
}
