import DriftDetection
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

/// Runners of one stream whose minibatches a shared `StandardizedPass` standardizes once: each
/// ends every period with the bits of a twin that standardized for itself.
@Test func aRunnerReplayingAnotherRunnersStandardizedPassEndsAsItsUnsharedTwin() throws {
    let stream = flipStream(rows: 9_000, flipAt: 5_000, scales: [1e-3, 1, 1e4, 50])
    // A label delay that is not a multiple of the batch: learned minibatches reach into the previous period.
    let settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, labelDelay: 130, computeBudget: 60,
                                episodeLength: 30, warmupPeriods: 1, standardize: true)
    let bins = ActionBins(learningRates: [0.01, 0.2], batchSizes: [8, 32])
    func runner() throws -> PeriodRunner {
        let learner = try LearnerFactory.make(kind: .logistic, featureCount: 4, classCount: 2, learningRate: 0.01, batchSize: 8, seed: 3)
        let monitor = Monitor(featureCount: 4, classCount: 2, metric: .accuracy, detectors: .standard, metricOnly: true)
        return PeriodRunner(learner: learner, monitor: monitor, settings: settings, actions: bins, rng: RandomSource(seed: 2))
    }
    let slow = TuningAction(learningRateBin: 0, batchSizeBin: 0), fast = TuningAction(learningRateBin: 1, batchSizeBin: 0)
    let larger = TuningAction(learningRateBin: 1, batchSizeBin: 1)
    var recorder = try runner(), replayer = try runner(), twin = try runner(), other = try runner(), otherTwin = try runner()
    var pass = StandardizedPass()
    stream.features.withUnsafeBufferPointer { px in
        stream.labels.withUnsafeBufferPointer { py in
            recorder.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: 500)
            replayer.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: 500)
            twin.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: 500)
            other.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: 500)
            otherTwin.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: 500)
            for period in 1..<(stream.count / 500) {
                let x = px.baseAddress! + period * 500 * 4, y = py.baseAddress! + period * 500
                pass.clear()
                _ = recorder.step(slow, x, labels: y, sharing: &pass)
                let shared = replayer.step(fast, x, labels: y, sharing: &pass)
                let alone = twin.step(fast, x, labels: y)
                #expect(pass.replayCount == 1, "period \(period)")
                #expect(shared.reading.metric == alone.reading.metric, "period \(period)")
                #expect(replayer.periodProbabilities == twin.periodProbabilities)
                #expect(replayer.learner.snapshot() == twin.learner.snapshot())
                #expect(replayer.standardScaler == twin.standardScaler)
                // Another batch size cannot replay: it records its own pass, and ends as its twin.
                _ = other.step(larger, x, labels: y, sharing: &pass)
                _ = otherTwin.step(larger, x, labels: y)
                #expect(pass.replayCount == 0)
                #expect(other.periodProbabilities == otherTwin.periodProbabilities)
                #expect(other.learner.snapshot() == otherTwin.learner.snapshot())
            }
        }
    }
    #expect(try #require(replayer.standardScaler).count == stream.count)
}
