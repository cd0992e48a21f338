import DriftDetection
import Foundation
import Learners
import Linalg
import PolicyRuntime

/// One period of a production run, as written to the JSON-lines log.
public struct PeriodLog: Sendable, Codable, Equatable {
    public var period: Int
    public var learningRate: Float
    public var batchSize: Int
    public var retrain: String
    public var fallback: String?
    public var metric: Double
    public var loss: Double
    public var compute: Double
    public var adwinAlarm: Bool
    public var observation: [Float]

    enum CodingKeys: String, CodingKey {
        case period, learningRate = "learning_rate", batchSize = "batch_size", retrain, fallback, metric, loss, compute
        case adwinAlarm = "adwin_alarm", observation
    }
}

/// The figures of a whole production run.
public struct RunSummary: Sendable, Codable, Equatable {
    public var controller: String
    public var model: String
    public var metric: String
    public var samples: Int
    public var periods: Int
    public var meanMetric: Double
    public var retrains: Int
    public var fineTunes: Int
    public var compute: Double
    public var skippedRows: Int
    public var fallbacks: [String: Int]
    /// Why the run stopped early, if it did (a diverged learner).
    public var stoppedEarly: String?

    enum CodingKeys: String, CodingKey {
        case controller, model, metric, samples, periods, meanMetric = "mean_metric", retrains, fineTunes = "fine_tunes"
        case compute, skippedRows = "skipped_rows", fallbacks, stoppedEarly = "stopped_early"
    }
}

/// `drifttune learn`'s loop: the production learner on a real stream, asking a controller for a
/// decision every period and applying it, with the same `PeriodRunner` and `Monitor` as the simulator.
public struct ProductionRun {
    public var model: LearnerKind
    public var metric: TaskMetric
    public var settings: LoopSettings
    public var warmupPeriods: Int
    public var defaults: Decision
    public var seed: UInt64

    public init(model: LearnerKind, metric: TaskMetric, settings: LoopSettings, warmupPeriods: Int, defaults: Decision, seed: UInt64) {
        self.model = model
        self.metric = metric
        self.settings = settings
        self.warmupPeriods = warmupPeriods
        self.defaults = defaults
        self.seed = seed
    }

    /// Runs the stream; `log` receives each period as it finishes. Periods are whole: a trailing
    /// partial period is not scored (its size is reported in the summary's sample count).
    public func run(_ stream: LabelledCSV, controller: Controller,
                    log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        let p = settings.periodLength, f = stream.featureCount
        let warm = warmupPeriods * p
        guard stream.count >= warm + p else { throw StreamError.tooShort(input: "stream", rows: stream.count, needed: warm + p) }
        let classCount = model.isBinary ? 2 : stream.classCount
        if model.isBinary, stream.classCount > 2 {
            throw LearnerError.invalidConfiguration(what: "labels for \(model.rawValue)", value: "\(stream.classCount) classes",
                                                    expected: "0 or 1 (binary learner)")
        }
        let root = RandomSource(seed: seed)
        var learnerSeed = root.split("learner")
        let learner = try LearnerFactory.make(kind: model, featureCount: f, classCount: classCount,
                                              learningRate: defaults.learningRate, batchSize: defaults.batchSize, seed: learnerSeed.next())
        let monitor = Monitor(featureCount: f, classCount: classCount, metric: metric,
                              detectors: MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false }))
        var runner = PeriodRunner(learner: learner, monitor: monitor, settings: settings, rng: root.split("retrain"))
        var controller = controller
        var summary = RunSummary(controller: controller.name, model: model.rawValue, metric: metric.rawValue, samples: stream.count,
                                 periods: 0, meanMetric: 0, retrains: 0, fineTunes: 0, compute: 0, skippedRows: stream.skipped.count,
                                 fallbacks: [:], stoppedEarly: nil)
        try stream.features.withUnsafeBufferPointer { px in
            try stream.labels.withUnsafeBufferPointer { py in
                let x = px.baseAddress!, y = py.baseAddress!
                if warm > 0 { runner.warmStart(x, labels: y, rows: warm) }
                var decision = defaults
                var metricSum = 0.0
                var last: PeriodOutcome?
                var start = warm
                while start + p <= stream.count {
                    if let last {
                        decision = controller.decide(observation: last.observation, reading: last.reading, period: runner.period,
                                                     defaults: defaults)
                    }
                    runner.configure(learningRate: decision.learningRate, batchSize: decision.batchSize)
                    let retrainCompute = last == nil ? 0 : runner.retrain(decision.retrain)
                    let out = runner.runPeriod(x + start * f, labels: y + start, learnOnline: true, extraCompute: retrainCompute)
                    metricSum += out.reading.metric
                    summary.periods += 1
                    if last != nil { summary.retrains += decision.retrain == .fullRetrain ? 1 : 0 }
                    if last != nil { summary.fineTunes += decision.retrain == .fineTune ? 1 : 0 }
                    try log(PeriodLog(period: runner.period - 1, learningRate: decision.learningRate, batchSize: decision.batchSize,
                                      retrain: last == nil ? "none" : decision.retrain.rawValue, fallback: decision.fallback?.rawValue,
                                      metric: out.reading.metric, loss: out.reading.loss, compute: out.onlineCompute + retrainCompute,
                                      adwinAlarm: out.reading.adwinAlarm, observation: out.observation))
                    if case .diverged(let reason) = runner.learner.health {
                        summary.stoppedEarly = "learner diverged in period \(runner.period - 1) (lr \(decision.learningRate), batch \(decision.batchSize)): \(reason)"
                        break
                    }
                    last = out
                    start += p
                }
                summary.meanMetric = metricSum / Double(max(summary.periods, 1))
                summary.compute = runner.computeUsed
            }
        }
        summary.fallbacks = Dictionary(uniqueKeysWithValues: controller.fallbackCounts.map { ($0.key.rawValue, $0.value) })
        return summary
    }
}
