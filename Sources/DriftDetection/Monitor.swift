import Foundation

/// Turns a period's predictions, labels and features into the observation vector (PolicyRuntime's
/// `ObservationSchema`, version 1).
///
/// Learner-independent: it sees class probabilities, labels and inputs only, so the simulator and
/// the production learner loop share it.
///
///     var monitor = Monitor(featureCount: 20, classCount: 2, metric: .accuracy, detectors: d)
///     let (obs, reading) = monitor.observe(features: x, probabilities: p, labels: y, rows: n,
///                                           labelsArrived: n, control: control)
public struct Monitor: Sendable {
    public let featureCount: Int
    public let classCount: Int
    public let metric: TaskMetric
    /// Reads the task metric only: no detectors, no reference statistics, an observation of zeros.
    /// For learners whose observation nobody reads (the experts of `learn --policy leader`).
    public let metricOnly: Bool
    /// Length of the observation vector, in the order of PolicyRuntime's `ObservationSchema.current`
    /// (the production learner's tests check the two agree).
    public static let observationCount = 18
    /// Page-Hinkley on the per-sample log-loss, increases only (River's defaults otherwise: δ 0.005,
    /// λ 50, α 1 − 10⁻⁴, 30 instances before it may fire).
    public static let pageHinkley = PageHinkley(mode: .up)

    private var detectors: MonitorDetectors
    private let initialDetectors: MonitorDetectors
    private var previousMetric: Double?
    private var bestSinceRetrain: Double = 0
    private var lossEMA: Double?
    private var pageHinkley = Monitor.pageHinkley
    private var reference = ReferencePeriod()
    private var needsReference = true
    private var scratchScores: [Float] = []

    public init(featureCount: Int, classCount: Int, metric: TaskMetric, detectors: MonitorDetectors, metricOnly: Bool = false) {
        self.featureCount = featureCount
        self.classCount = classCount
        self.metric = metric
        self.metricOnly = metricOnly
        self.detectors = detectors
        self.initialDetectors = detectors
    }

    /// Call after a fine-tune or retrain: best-since-retrain restarts, detectors and the reference
    /// period are renewed at the next `observe`.
    public mutating func markRetrained() {
        bestSinceRetrain = 0
        detectors = initialDetectors
        pageHinkley = Monitor.pageHinkley
        needsReference = true
    }

    /// Observes one period. `probabilities` is `rows × classCount`; `labelsArrived` is how many of
    /// the period's labels were known by its end (the label-rate feature).
    public mutating func observe(
        features: UnsafePointer<Float>, probabilities: UnsafePointer<Float>, labels: UnsafePointer<Int32>,
        rows: Int, labelsArrived: Int, control: ControlState
    ) -> (observation: [Float], reading: MonitorReading) {
        var r = MonitorReading()
        let k = classCount
        let lnK = log(Double(k))
        r.metric = Monitor.metric(metric, probabilities: probabilities, labels: labels, rows: rows, classes: k)
        if metricOnly { return ([Float](repeating: 0, count: Monitor.observationCount), r) }
        if scratchScores.count != rows { scratchScores = [Float](repeating: 0, count: rows) }
        var lossSum = 0.0, confSum = 0.0, entSum = 0.0, phMax = 0.0
        for i in 0..<rows {
            let p = probabilities + i * k
            let y = Int(labels[i])
            let py = max(Double(p[y]), 1e-7)
            let loss = -log(py)
            lossSum += loss
            var best = 0
            var ent = 0.0
            for c in 0..<k {
                if p[c] > p[best] { best = c }
                let pc = Double(p[c])
                if pc > 0 { ent -= pc * log(pc) }
            }
            confSum += Double(p[best])
            entSum += ent
            scratchScores[i] = k == 2 ? p[1] : p[best]
            let error: Double = best == y ? 0 : 1
            if detectors.adwin.update(error) { r.adwinAlarm = true }
            if detectors.ddm.update(error) { r.ddmAlarm = true }
            // Page-Hinkley on the loss (increase detection): the period's largest statistic.
            pageHinkley.update(loss)
            phMax = max(phMax, pageHinkley.increaseStatistic)
        }
        if let w = detectors.ddmWarning, w(detectors.ddm) { r.ddmWarning = true }
        let n = Double(max(rows, 1))
        r.loss = lossSum / n
        r.confidence = confSum / n
        r.entropy = lnK > 0 ? entSum / n / lnK : 0
        r.pageHinkley = phMax
        r.labelRate = Double(labelsArrived) / n
        if needsReference {
            reference.set(features: features, featureCount: featureCount, rows: rows, scores: scratchScores)
            needsReference = false
        } else {
            r.maxPSI = reference.maxPSI(features: features, featureCount: featureCount, rows: rows)
            r.ksScores = reference.ksStatistic(scores: scratchScores)
        }

        var o = [Float](repeating: 0, count: Monitor.observationCount)
        func clip(_ x: Double, _ lo: Double, _ hi: Double) -> Float { Float(min(max(x, lo), hi)) }
        o[0] = clip(r.metric, 0, 1)
        o[1] = clip(r.metric - (previousMetric ?? r.metric), -1, 1)
        bestSinceRetrain = max(bestSinceRetrain, r.metric)
        o[2] = clip(bestSinceRetrain - r.metric, 0, 1)
        o[3] = clip(r.loss / (r.loss + lnK), 0, 1)
        o[4] = clip((r.loss - (lossEMA ?? r.loss)) / lnK, -1, 1)
        o[5] = r.adwinAlarm ? 1 : 0
        o[6] = r.ddmAlarm ? 1 : (r.ddmWarning ? 0.5 : 0)
        o[7] = clip(r.pageHinkley / Monitor.pageHinkley.threshold, 0, 1)
        o[8] = clip(r.maxPSI / (r.maxPSI + 0.25), 0, 1)
        o[9] = clip(r.ksScores, 0, 1)
        o[10] = clip(r.confidence, 0, 1)
        o[11] = clip(r.entropy, 0, 1)
        o[12] = clip(r.labelRate, 0, 1)
        o[13] = clip(Double(control.periodsSinceRetrain) / 50, 0, 1)
        o[14] = ControlState.scaledLogLearningRate(control.learningRate, range: control.learningRateRange)
        o[15] = ControlState.scaledLogBatchSize(control.batchSize, range: control.batchSizeRange)
        o[16] = clip(control.computeUsed / max(control.computeBudget, 1e-12), 0, 1)
        o[17] = clip(Double(control.period) / Double(max(control.episodeLength, 1)), 0, 1)

        previousMetric = r.metric
        lossEMA = lossEMA.map { 0.7 * $0 + 0.3 * r.loss } ?? r.loss
        return (o, r)
    }
}
