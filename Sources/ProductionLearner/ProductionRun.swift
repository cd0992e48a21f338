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
    /// The period's predicted class probabilities, row-major (`period_length × classes`), in stream
    /// order; only when the run records them (`learn --log-probabilities`, for monitor parity checks).
    public var probabilities: [Float]? = nil
    /// A loop with an expert pool (`learn --policy leader`, or a policy whose loop has `experts`):
    /// every expert's metric this period, in the pool's order (null for an expert that has left the
    /// pool); `metric` is the served one's.
    public var expertMetrics: [Double?]? = nil
    /// A pool serving sample by sample (`expert_half_life` > 0): how many of the period's rows each
    /// expert served, in the pool's order; the period's action, learning rate and batch size are
    /// those of the expert that served most.
    public var servedRows: [Int]? = nil

    enum CodingKeys: String, CodingKey {
        case period, action, learningRate = "learning_rate", batchSize = "batch_size", fallback, metric, loss, compute
        case adwinAlarm = "adwin_alarm", observation, probabilities, expertMetrics = "expert_metrics", servedRows = "served_rows"
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
    /// The stream's class count; nil takes it from the labels read before the first scored period
    /// (the warm-up and period 0): the largest + 1, at least 2 (always 2 for binary learners).
    /// A later label beyond it is a malformed row.
    public var classCount: Int?
    /// Adds every period's predicted probabilities to its log entry (`PeriodLog.probabilities`).
    public var recordProbabilities = false

    /// The most floats a buffer sized by the stream may hold (window, period or warm-up × features,
    /// classes × features): 2^28 (1 GiB), products computed with overflow checks.
    public static let maxCells = 1 << 28

    public init(model: LearnerKind, metric: TaskMetric, settings: LoopSettings, actions: ActionBins,
                defaultAction: TuningAction, seed: UInt64, classCount: Int? = nil) {
        self.classCount = classCount
        self.model = model
        self.metric = metric
        self.settings = settings
        self.actions = actions
        self.defaultAction = defaultAction
        self.seed = seed
    }

    /// Runs an in-memory stream (its class count: the largest label + 1, unless `classCount` is set).
    public func run(_ stream: LabelledCSV, policy: any TuningPolicy,
                    log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        var run = self
        run.classCount = classCount ?? stream.classCount
        var rows = InMemoryRows(stream)
        return try run.run(&rows, policy: policy, log: log)
    }

    /// Refuses buffers of `count` rows × `features` beyond `maxCells`, before they are allocated.
    func checkCells(_ what: String, _ count: Int, features f: Int) throws {
        let (cells, overflow) = count.multipliedReportingOverflow(by: max(f, 1))
        guard !overflow, cells <= Self.maxCells else { throw StreamError.tooLarge(what: what, features: f, limit: Self.maxCells) }
    }

    /// Runs the stream, pulling rows from `source` a period at a time; `log` receives each period
    /// as it finishes. The first `warmupPeriods` are trained on before anything is scored; periods
    /// are whole: a trailing partial period is not scored (its size is counted in the summary's
    /// samples). Memory holds the warm-up, one period and the learner's window, whatever the
    /// stream's length. A loop with `experts` runs an expert pool (`ExpertPool`), every expert
    /// holding its own window; `policy` then chooses which expert serves.
    public func run<Source: RowSource>(_ source: inout Source, policy: any TuningPolicy,
                                       log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        let p = settings.periodLength, f = source.featureCount
        let warm = settings.warmupPeriods * p
        if settings.experts {  // every expert keeps its own window: refuse a pool whose windows together pass the limit
            let count = actions.learningRates.count * actions.batchSizes.count
            let (windows, overflow) = (settings.window + p).multipliedReportingOverflow(by: count)
            try checkCells("the pool's windows (\(count) experts × \(settings.window + p) samples)",
                           overflow ? Int.max : windows, features: f)
        }
        var (x, y, first, classCount) = try openStream(&source)
        let root = RandomSource(seed: seed)
        let (lr, batch) = actions.values(of: defaultAction)
        let makeLearner = { () throws -> any OnlineLearner in
            var learnerSeed = root.split("learner")
            return try LearnerFactory.make(kind: model, featureCount: f, classCount: classCount,
                                           learningRate: lr, batchSize: batch, seed: learnerSeed.next())
        }
        var runner: any PeriodLoop
        var recorder: ProbabilityRecorder? = nil  // the live predictions of a single learner with shadows
        if settings.experts {
            runner = try ExpertPool(settings: settings, actions: actions, featureCount: f, classCount: classCount, metric: metric,
                                    makeDetectors: { MonitorDetectors.standard }, rng: root.split("retrain"), makeLearner: makeLearner)
        } else {
            var learner = try makeLearner()
            if recordProbabilities && settings.shadowLearners {
                recorder = ProbabilityRecorder()
                learner = RecordingLearner(inner: learner, recorder: recorder!)
            }
            let monitor = Monitor(featureCount: f, classCount: classCount, metric: metric, detectors: .standard)
            runner = PeriodRunner(learner: learner, monitor: monitor, settings: settings, actions: actions, rng: root.split("retrain"))
        }
        var policy = policy
        var summary = RunSummary(controller: policy.name, model: model.rawValue, metric: metric.rawValue, samples: first,
                                 periods: 0, meanMetric: 0, retrains: 0, fineTunes: 0, compute: 0, skippedRows: 0,
                                 fallbacks: [:], stoppedEarly: nil)
        runner.configure(learningRate: lr, batchSize: batch)
        if warm > 0 { x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in runner.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: warm) } } }
        // From here on the buffers hold one period: period 0 is the tail of the first read.
        if warm > 0 {
            x = Array(x[(warm * f)...])
            y = Array(y[warm...])
        }
        var action = defaultAction
        var fallback: FallbackReason?
        var metricSum = 0.0, computeSum = 0.0
        var filled = p
        while filled == p {
            recorder?.values.removeAll(keepingCapacity: true)
            let out = x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in runner.step(action, px.baseAddress!, labels: py.baseAddress!) }
            }
            if runner.period > 1 {  // period 0 runs the default action before the policy has seen anything
                metricSum += out.reading.metric
                computeSum += out.compute
            }
            summary.periods += 1
            summary.retrains += out.action.retrain == .fullRetrain ? 1 : 0
            summary.fineTunes += out.action.retrain == .fineTune ? 1 : 0
            if let fallback { summary.fallbacks[fallback.rawValue, default: 0] += 1 }
            // The live learner predicts the period first; shadow learners (copies of the recording
            // learner) replay it afterwards and append theirs, which are not the live predictions.
            let live = !recordProbabilities ? nil
                : recorder.map { Array($0.values.prefix(p * classCount)) } ?? runner.servedProbabilities.map { Array($0.prefix(p * classCount)) }
            var entry = PeriodLog(period: runner.period - 1, action: out.action, learningRate: out.learningRate,
                                  batchSize: out.batchSize, fallback: fallback?.rawValue, metric: out.reading.metric,
                                  loss: out.reading.loss, compute: out.compute, adwinAlarm: out.reading.adwinAlarm,
                                  observation: out.observation, probabilities: live)
            entry.expertMetrics = runner.lastExpertMetrics
            entry.servedRows = runner.lastServedRows
            try log(entry)
            if case .diverged(let reason) = runner.health {
                summary.stoppedEarly = settings.experts
                    ? "every expert's learner diverged by period \(runner.period - 1)"
                    : "learner diverged in period \(runner.period - 1) (lr \(out.learningRate), batch \(out.batchSize)): \(reason)"
                break
            }
            let context = PolicyContext(schema: settings.observationSchema, actions: actions, defaultAction: defaultAction, nextPeriod: runner.period,
                                        episodeLength: settings.episodeLength)
            action = policy.decide(out.observation, context: context)
            fallback = policy.lastFallback
            filled = try readPeriod(&source, &x, &y)
            summary.samples += filled
        }
        return finished(summary, metricSum: metricSum, computeSum: computeSum, skippedRows: source.skippedCount)
    }

    /// The summary with its means over the periods after period 0 and the skipped-row count.
    func finished(_ summary: RunSummary, metricSum: Double, computeSum: Double, skippedRows: Int) -> RunSummary {
        var summary = summary
        summary.meanMetric = metricSum / Double(max(summary.periods - 1, 1))
        summary.compute = computeSum
        summary.skippedRows = skippedRows
        return summary
    }

    /// Checks the buffer sizes, reads the warm-up and period 0 (refusing a stream shorter than
    /// that) and settles the class count. Returns the rows read, in buffers sized for them.
    func openStream<Source: RowSource>(_ source: inout Source) throws -> (x: [Float], y: [Int32], rows: Int, classCount: Int) {
        let p = settings.periodLength, f = source.featureCount
        let warm = settings.warmupPeriods * p
        try checkCells("the window (\(settings.window) samples)", settings.window, features: f)
        try checkCells("a period (\(p) samples)", p, features: f)
        try checkCells("the warm-up and first period (\(warm + p) samples)", warm + p, features: f)
        if let classCount { source.limitLabels(to: classCount) }  // a label beyond it is a bad row, on its line
        var x = [Float](repeating: 0, count: max(1, (warm + p) * f)), y = [Int32](repeating: 0, count: warm + p)
        let first = try x.withUnsafeMutableBufferPointer { px in
            try y.withUnsafeMutableBufferPointer { py in try source.read(rows: warm + p, features: px.baseAddress!, labels: py.baseAddress!) }
        }
        guard first == warm + p else { throw StreamError.tooShort(input: source.input, rows: first, needed: warm + p) }
        let seen = max(2, Int(y.max() ?? 0) + 1)
        if model.isBinary, max(seen, classCount ?? 2) > 2 {
            throw LearnerError.invalidConfiguration(what: "labels for \(model.rawValue)", value: "\(max(seen, classCount ?? 2)) classes",
                                                    expected: "0 or 1 (binary learner)")
        }
        let classCount = model.isBinary ? 2 : max(self.classCount ?? seen, 2)
        try checkCells("the classes (\(classCount))", classCount, features: f)
        source.limitLabels(to: classCount)
        return (x, y, first, classCount)
    }

    /// Reads the next period into `x`/`y`; returns the rows read (fewer than a period at the end).
    func readPeriod<Source: RowSource>(_ source: inout Source, _ x: inout [Float], _ y: inout [Int32]) throws -> Int {
        try x.withUnsafeMutableBufferPointer { px in
            try y.withUnsafeMutableBufferPointer { py in try source.read(rows: settings.periodLength, features: px.baseAddress!, labels: py.baseAddress!) }
        }
    }
}

/// Where a `RecordingLearner` puts the probabilities it predicted (reference type: the runner holds
/// its own copy of the learner). Used by one run on one thread.
final class ProbabilityRecorder: @unchecked Sendable {
    var values: [Float] = []
}

/// A learner that forwards everything to `inner` and appends every prediction to `recorder`.
struct RecordingLearner: OnlineLearner {
    var inner: any OnlineLearner
    let recorder: ProbabilityRecorder

    var featureCount: Int { inner.featureCount }
    var classCount: Int { inner.classCount }
    var learningRate: Float {
        get { inner.learningRate }
        set { inner.learningRate = newValue }
    }
    var batchSize: Int {
        get { inner.batchSize }
        set { inner.batchSize = newValue }
    }
    var health: LearnerHealth { inner.health }

    func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>) {
        inner.predictProbabilities(x, rows: rows, into: probabilities)
        recorder.values.append(contentsOf: UnsafeBufferPointer(start: probabilities, count: rows * inner.classCount))
    }

    @discardableResult
    mutating func partialFit(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        inner.partialFit(x, labels: labels, rows: rows)
    }

    mutating func reinitialize(using rng: inout RandomSource) { inner.reinitialize(using: &rng) }
    func snapshot() -> LearnerSnapshot { inner.snapshot() }
    mutating func restore(_ snapshot: LearnerSnapshot) throws { try inner.restore(snapshot) }
}
