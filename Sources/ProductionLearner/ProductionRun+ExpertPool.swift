import DriftDetection
import Foundation
import Learners
import Linalg
import PolicyRuntime

/// How `drifttune learn --policy leader` chooses among its experts.
public struct ExpertPoolSettings: Sendable, Equatable {
    /// Weight of the past in each expert's score: after a period, `score = decay × score + metric`.
    /// 0 follows the last period's best; values near 1 follow the best over the whole run.
    public var decay: Double = 0.9

    public init(decay: Double = 0.9) { self.decay = decay }
}

extension ProductionRun {
    /// Runs one learner per setting of the action bins (every learning rate × batch size), each
    /// learning online from every labelled sample at its own fixed setting, and serves each period
    /// the predictions of the expert with the best decayed score of past periods' metric
    /// (follow the leader over static settings). Period 0 serves the default action's expert.
    /// Every expert pays its compute, which the summary and log count. An expert whose learner
    /// diverges leaves the pool; the run stops early only when none is left.
    ///
    /// The experts' monitors read their metric only. One full monitor watches what the pool serves
    /// (the served expert's predictions, period after period): the log's observation, alarms, loss
    /// and `metric` are the served stream's, with the served expert's learning rate and batch size
    /// and the whole pool's compute. `expert_metrics` holds every expert's metric, in bin order
    /// (learning rate fastest), null for one that has left. With `recordProbabilities` the log
    /// carries the served predictions.
    public func runExpertPool<Source: RowSource>(_ source: inout Source, pool: ExpertPoolSettings,
                                                 log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        guard pool.decay.isFinite, (0...1).contains(pool.decay) else {
            throw LearnerError.invalidConfiguration(what: "expert pool decay", value: "\(pool.decay)", expected: "0 to 1")
        }
        let p = settings.periodLength, f = source.featureCount
        let warm = settings.warmupPeriods * p
        let settingsList = Self.poolActions(actions)
        // Every expert keeps its own window: refuse a pool whose windows together pass the limit.
        let (windows, overflow) = (settings.window + p).multipliedReportingOverflow(by: settingsList.count)
        try checkCells("the pool's windows (\(settingsList.count) experts × \(settings.window + p) samples)",
                       overflow ? Int.max : windows, features: f)
        var (x, y, first, classCount) = try openStream(&source)
        let root = RandomSource(seed: seed)
        var runners: [PeriodRunner] = []
        var recorders: [ProbabilityRecorder] = []  // each expert's predictions of the period
        for action in settingsList {
            var learnerSeed = root.split("learner")
            let (lr, batch) = actions.values(of: action)
            let recorder = ProbabilityRecorder()
            recorders.append(recorder)
            let learner = RecordingLearner(
                inner: try LearnerFactory.make(kind: model, featureCount: f, classCount: classCount,
                                               learningRate: lr, batchSize: batch, seed: learnerSeed.next()),
                recorder: recorder)
            let monitor = Monitor(featureCount: f, classCount: classCount, metric: metric, detectors: .standard, metricOnly: true)
            var runner = PeriodRunner(learner: learner, monitor: monitor, settings: settings, actions: actions,
                                      rng: root.split("retrain"))
            runner.configure(learningRate: lr, batchSize: batch)
            if warm > 0 {
                x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in runner.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: warm) } }
            }
            runners.append(runner)
        }
        if warm > 0 {
            x = Array(x[(warm * f)...])
            y = Array(y[warm...])
        }
        var servedMonitor = Monitor(featureCount: f, classCount: classCount, metric: metric, detectors: .standard)
        var served = settingsList.firstIndex { $0.learningRateBin == defaultAction.learningRateBin && $0.batchSizeBin == defaultAction.batchSizeBin } ?? 0
        var scores = [Double](repeating: 0, count: runners.count)
        var active = [Bool](repeating: true, count: runners.count)
        var summary = RunSummary(controller: "leader", model: model.rawValue, metric: metric.rawValue, samples: first,
                                 periods: 0, meanMetric: 0, retrains: 0, fineTunes: 0, compute: 0, skippedRows: 0,
                                 fallbacks: [:], stoppedEarly: nil)
        var metricSum = 0.0, computeSum = 0.0, poolCompute = 0.0
        var filled = p
        var period = 0
        while filled == p {
            var outcomes: [PeriodOutcome?] = Array(repeating: nil, count: runners.count)
            for recorder in recorders { recorder.values.removeAll(keepingCapacity: true) }
            for k in runners.indices where active[k] {
                outcomes[k] = x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in runners[k].step(settingsList[k], px.baseAddress!, labels: py.baseAddress!) }
                }
            }
            let out = outcomes[served]!
            let compute = outcomes.reduce(0.0) { $0 + ($1?.compute ?? 0) }
            poolCompute += compute
            let predictions = Array(recorders[served].values.prefix(p * classCount))
            let control = ControlState(
                learningRate: out.learningRate, batchSize: out.batchSize,
                learningRateRange: actions.learningRateRange, batchSizeRange: actions.batchSizeRange,
                periodsSinceRetrain: runners[served].periodsSinceRetrain, computeUsed: poolCompute,
                computeBudget: settings.computeBudget, period: period, episodeLength: settings.episodeLength)
            let (observation, reading) = x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    predictions.withUnsafeBufferPointer { pp in
                        servedMonitor.observe(features: px.baseAddress!, probabilities: pp.baseAddress!, labels: py.baseAddress!,
                                              rows: p, labelsArrived: p - settings.labelDelay, control: control)
                    }
                }
            }
            if period > 0 {  // as in `run`: period 0's figures are not in the summary's means
                metricSum += reading.metric
                computeSum += compute
            }
            summary.periods += 1
            var entry = PeriodLog(period: period, action: out.action, learningRate: out.learningRate, batchSize: out.batchSize,
                                  fallback: nil, metric: reading.metric, loss: reading.loss, compute: compute,
                                  adwinAlarm: reading.adwinAlarm, observation: observation)
            entry.expertMetrics = outcomes.map { $0.map(\.reading.metric) }
            if recordProbabilities { entry.probabilities = predictions }
            try log(entry)
            for k in runners.indices where active[k] {
                if case .diverged = runners[k].learner.health { active[k] = false; continue }
                scores[k] = pool.decay * scores[k] + outcomes[k]!.reading.metric
            }
            guard let leader = Self.leader(scores: scores, active: active) else {
                summary.stoppedEarly = "every expert's learner diverged by period \(period)"
                break
            }
            served = leader
            period += 1
            filled = try readPeriod(&source, &x, &y)
            summary.samples += filled
        }
        return finished(summary, metricSum: metricSum, computeSum: computeSum, skippedRows: source.skippedCount)
    }

    /// The pool's experts: every learning-rate bin × batch-size bin, learning rate fastest, each
    /// learning online without retraining.
    static func poolActions(_ bins: ActionBins) -> [TuningAction] {
        bins.batchSizes.indices.flatMap { b in
            bins.learningRates.indices.map { l in
                var a = TuningAction(learningRateBin: l, batchSizeBin: b)
                a.retrain = .none
                a.learnOnline = true
                return a
            }
        }
    }

    /// The active expert with the highest score; the first of equals. Nil when none is active.
    static func leader(scores: [Double], active: [Bool]) -> Int? {
        var best: Int?
        for k in scores.indices where active[k] && scores[k].isFinite {
            if best == nil || scores[k] > scores[best!] { best = k }
        }
        return best
    }
}
