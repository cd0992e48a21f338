import DriftDetection
import Foundation
import Learners
import Linalg
import PolicyRuntime

/// One period of a production run, as written to the JSON-lines log.
public struct PeriodLog: Sendable, Codable, Equatable {
    public var period: Int
    /// The action the period ran with (its retrain happened before the period).
    public var action: TuningAction
    public var learningRate: Float
    public var batchSize: Int
    public var fallback: String?
    public var metric: Double
    public var loss: Double
    public var compute: Double
    public var adwinAlarm: Bool
    public var observation: [Float]

    enum CodingKeys: String, CodingKey {
        case period, action, learningRate = "learning_rate", batchSize = "batch_size", fallback, metric, loss, compute
        case adwinAlarm = "adwin_alarm", observation
    }
}

/// The figures of a whole production run. `meanMetric` and `compute` cover the periods the policy
/// chose (every scored period after period 0, which runs the default action before the policy has
/// seen anything), as `drifttune simulate` reports an episode; `periods` counts every scored period.
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

/// `drifttune learn`'s loop: the production learner on a real stream, asking a policy for an
/// action every period and applying it through the same `PeriodRunner.step` as the simulator.
public struct ProductionRun {
    public var model: LearnerKind
    public var metric: TaskMetric
    public var settings: LoopSettings
    /// The bins actions refer to (a policy file's, an environment's, or one bin each for plain rules).
    public var actions: ActionBins
    /// The action of period 0 and the default of hand-written rules.
    public var defaultAction: TuningAction
    public var seed: UInt64

    public init(model: LearnerKind, metric: TaskMetric, settings: LoopSettings, actions: ActionBins,
                defaultAction: TuningAction, seed: UInt64) {
        self.model = model
        self.metric = metric
        self.settings = settings
        self.actions = actions
        self.defaultAction = defaultAction
        self.seed = seed
    }

    /// Runs the stream; `log` receives each period as it finishes. The first `warmupPeriods` are
    /// trained on before anything is scored; periods are whole: a trailing partial period is not
    /// scored (its size is reported in the summary's sample count).
    public func run(_ stream: LabelledCSV, policy: any TuningPolicy,
                    log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        let p = settings.periodLength, f = stream.featureCount
        let warm = settings.warmupPeriods * p
        guard stream.count >= warm + p else { throw StreamError.tooShort(input: "stream", rows: stream.count, needed: warm + p) }
        let classCount = model.isBinary ? 2 : stream.classCount
        if model.isBinary, stream.classCount > 2 {
            throw LearnerError.invalidConfiguration(what: "labels for \(model.rawValue)", value: "\(stream.classCount) classes",
                                                    expected: "0 or 1 (binary learner)")
        }
        let root = RandomSource(seed: seed)
        var learnerSeed = root.split("learner")
        let (lr, batch) = actions.values(of: defaultAction)
        let learner = try LearnerFactory.make(kind: model, featureCount: f, classCount: classCount,
                                              learningRate: lr, batchSize: batch, seed: learnerSeed.next())
        let monitor = Monitor(featureCount: f, classCount: classCount, metric: metric, detectors: .standard)
        var runner = PeriodRunner(learner: learner, monitor: monitor, settings: settings, actions: actions, rng: root.split("retrain"))
        var policy = policy
        var summary = RunSummary(controller: policy.name, model: model.rawValue, metric: metric.rawValue, samples: stream.count,
                                 periods: 0, meanMetric: 0, retrains: 0, fineTunes: 0, compute: 0, skippedRows: stream.skipped.count,
                                 fallbacks: [:], stoppedEarly: nil)
        try stream.features.withUnsafeBufferPointer { px in
            try stream.labels.withUnsafeBufferPointer { py in
                guard let x = px.baseAddress, let y = py.baseAddress else { return }
                runner.configure(learningRate: lr, batchSize: batch)
                if warm > 0 { runner.warmStart(x, labels: y, rows: warm) }
                var action = defaultAction
                var fallback: FallbackReason?
                var metricSum = 0.0, computeSum = 0.0
                var start = warm
                while start + p <= stream.count {
                    let out = runner.step(action, x + start * f, labels: y + start)
                    if runner.period > 1 {  // period 0 runs the default action before the policy has seen anything
                        metricSum += out.reading.metric
                        computeSum += out.compute
                    }
                    summary.periods += 1
                    summary.retrains += out.action.retrain == .fullRetrain ? 1 : 0
                    summary.fineTunes += out.action.retrain == .fineTune ? 1 : 0
                    if let fallback { summary.fallbacks[fallback.rawValue, default: 0] += 1 }
                    try log(PeriodLog(period: runner.period - 1, action: out.action, learningRate: out.learningRate,
                                      batchSize: out.batchSize, fallback: fallback?.rawValue, metric: out.reading.metric,
                                      loss: out.reading.loss, compute: out.compute, adwinAlarm: out.reading.adwinAlarm,
                                      observation: out.observation))
                    if case .diverged(let reason) = runner.learner.health {
                        summary.stoppedEarly = "learner diverged in period \(runner.period - 1) (lr \(out.learningRate), batch \(out.batchSize)): \(reason)"
                        break
                    }
                    start += p
                    let context = PolicyContext(actions: actions, defaultAction: defaultAction, nextPeriod: runner.period,
                                                episodeLength: settings.episodeLength)
                    action = policy.decide(out.observation, context: context)
                    fallback = policy.lastFallback
                }
                summary.meanMetric = metricSum / Double(max(summary.periods - 1, 1))
                summary.compute = computeSum
            }
        }
        return summary
    }
}
