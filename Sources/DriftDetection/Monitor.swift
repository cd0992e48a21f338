import Foundation

/// The task metric of a period; higher is better for all of them.
public enum TaskMetric: String, Sendable, Equatable, CaseIterable, Codable {
    case accuracy
    case macroF1 = "macro_f1"
    /// Area under the ROC curve of the positive-class score (binary tasks).
    case auc
}

/// The detectors a monitor feeds with the per-sample error stream (0 correct, 1 wrong).
public struct MonitorDetectors: Sendable {
    public var adwin: any DriftDetector
    public var ddm: any DriftDetector
    /// Optional: reports a DDM warning level (0.5 in the observation) when the DDM detector offers one.
    public var ddmWarning: (@Sendable (any DriftDetector) -> Bool)?

    public init(adwin: any DriftDetector, ddm: any DriftDetector,
                ddmWarning: (@Sendable (any DriftDetector) -> Bool)? = nil) {
        self.adwin = adwin
        self.ddm = ddm
        self.ddmWarning = ddmWarning
    }

    /// ADWIN and DDM with River's defaults, DDM reporting its warning level: what the simulator and
    /// `drifttune learn` both use.
    public static var standard: MonitorDetectors {
        MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false })
    }
}

/// What the learner and its controller were doing, for the control features of the observation.
public struct ControlState: Sendable, Equatable {
    public var learningRate: Float
    public var batchSize: Int
    /// Smallest and largest learning-rate bin.
    public var learningRateRange: ClosedRange<Float>
    /// Smallest and largest batch-size bin.
    public var batchSizeRange: ClosedRange<Int>
    public var periodsSinceRetrain: Int
    /// Compute units used so far and the episode budget.
    public var computeUsed: Double
    public var computeBudget: Double
    /// Periods done (including this one) and the episode length.
    public var period: Int
    public var episodeLength: Int

    public init(learningRate: Float, batchSize: Int, learningRateRange: ClosedRange<Float>, batchSizeRange: ClosedRange<Int>,
                periodsSinceRetrain: Int, computeUsed: Double, computeBudget: Double, period: Int, episodeLength: Int) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.learningRateRange = learningRateRange
        self.batchSizeRange = batchSizeRange
        self.periodsSinceRetrain = periodsSinceRetrain
        self.computeUsed = computeUsed
        self.computeBudget = computeBudget
        self.period = period
        self.episodeLength = episodeLength
    }
}

/// Raw per-period figures behind the observation (unscaled where that is meaningful).
public struct MonitorReading: Sendable, Equatable {
    public var metric: Double = 0
    public var loss: Double = 0
    public var adwinAlarm = false
    public var ddmAlarm = false
    public var ddmWarning = false
    public var pageHinkley: Double = 0
    public var maxPSI: Double = 0
    public var ksScores: Double = 0
    public var confidence: Double = 0
    public var entropy: Double = 0
    public var labelRate: Double = 0

    public init() {}
}

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
    /// Length of the observation vector, in the order of PolicyRuntime's `ObservationSchema.current`
    /// (the production learner's tests check the two agree).
    public static let observationCount = 18
    /// Page-Hinkley tolerance δ and threshold λ (on per-sample log-loss).
    public var pageHinkleyDelta: Double = 0.005
    public var pageHinkleyLambda: Double = 50

    private var detectors: MonitorDetectors
    private let initialDetectors: MonitorDetectors
    private var previousMetric: Double?
    private var bestSinceRetrain: Double = 0
    private var lossEMA: Double?
    // Page-Hinkley accumulator
    private var phCount: Double = 0, phMean: Double = 0, phSum: Double = 0, phMin: Double = 0
    // Reference period for PSI and KS
    private var referenceEdges: [Float] = []        // featureCount × 9 decile edges
    private var referenceShares: [Float] = []       // featureCount × 10
    private var referenceScores: [Float] = []       // sorted
    private var needsReference = true
    private var scratchScores: [Float] = []

    public init(featureCount: Int, classCount: Int, metric: TaskMetric, detectors: MonitorDetectors) {
        self.featureCount = featureCount
        self.classCount = classCount
        self.metric = metric
        self.detectors = detectors
        self.initialDetectors = detectors
    }

    /// Call after a fine-tune or retrain: best-since-retrain restarts, detectors and the reference
    /// period are renewed at the next `observe`.
    public mutating func markRetrained() {
        bestSinceRetrain = 0
        detectors = initialDetectors
        phCount = 0; phMean = 0; phSum = 0; phMin = 0
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
        if scratchScores.count != rows { scratchScores = [Float](repeating: 0, count: rows) }
        var lossSum = 0.0, confSum = 0.0, entSum = 0.0
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
            // Page-Hinkley on the loss (increase detection).
            phCount += 1
            phMean += (loss - phMean) / phCount
            phSum += loss - phMean - pageHinkleyDelta
            phMin = min(phMin, phSum)
        }
        if let w = detectors.ddmWarning, w(detectors.ddm) { r.ddmWarning = true }
        let n = Double(max(rows, 1))
        r.loss = lossSum / n
        r.confidence = confSum / n
        r.entropy = lnK > 0 ? entSum / n / lnK : 0
        r.pageHinkley = phSum - phMin
        r.labelRate = Double(labelsArrived) / n
        if needsReference {
            setReference(features: features, rows: rows)
            needsReference = false
        } else {
            r.maxPSI = maxPSI(features: features, rows: rows)
            r.ksScores = ksStatistic()
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
        o[7] = clip(r.pageHinkley / pageHinkleyLambda, 0, 1)
        o[8] = clip(r.maxPSI / (r.maxPSI + 0.25), 0, 1)
        o[9] = clip(r.ksScores, 0, 1)
        o[10] = clip(r.confidence, 0, 1)
        o[11] = clip(r.entropy, 0, 1)
        o[12] = clip(r.labelRate, 0, 1)
        o[13] = clip(Double(control.periodsSinceRetrain) / 50, 0, 1)
        let lr = control.learningRateRange, b = control.batchSizeRange
        o[14] = lr.upperBound > lr.lowerBound
            ? clip(log(Double(control.learningRate) / Double(lr.lowerBound)) / log(Double(lr.upperBound) / Double(lr.lowerBound)), 0, 1) : 0
        o[15] = b.upperBound > b.lowerBound
            ? clip(log2(Double(control.batchSize) / Double(b.lowerBound)) / log2(Double(b.upperBound) / Double(b.lowerBound)), 0, 1) : 0
        o[16] = clip(control.computeUsed / max(control.computeBudget, 1e-12), 0, 1)
        o[17] = clip(Double(control.period) / Double(max(control.episodeLength, 1)), 0, 1)

        previousMetric = r.metric
        lossEMA = lossEMA.map { 0.7 * $0 + 0.3 * r.loss } ?? r.loss
        if r.pageHinkley > pageHinkleyLambda { phCount = 0; phMean = 0; phSum = 0; phMin = 0 }
        return (o, r)
    }

    private mutating func setReference(features: UnsafePointer<Float>, rows: Int) {
        let f = featureCount
        referenceEdges = [Float](repeating: 0, count: f * 9)
        referenceShares = [Float](repeating: 0, count: f * 10)
        var column = [Float](repeating: 0, count: rows)
        for j in 0..<f {
            for i in 0..<rows { column[i] = features[i * f + j] }
            column.sort()
            for q in 1...9 { referenceEdges[j * 9 + q - 1] = column[min(rows - 1, q * rows / 10)] }
        }
        for j in 0..<f {
            var counts = [Float](repeating: 0, count: 10)
            for i in 0..<rows { counts[bin(features[i * f + j], j)] += 1 }
            for q in 0..<10 { referenceShares[j * 10 + q] = counts[q] / Float(max(rows, 1)) }
        }
        referenceScores = scratchScores.sorted()
    }

    @inline(__always)
    private func bin(_ v: Float, _ j: Int) -> Int {
        var b = 0
        while b < 9 && v >= referenceEdges[j * 9 + b] { b += 1 }
        return b
    }

    private func maxPSI(features: UnsafePointer<Float>, rows: Int) -> Double {
        let f = featureCount
        var worst = 0.0
        var counts = [Float](repeating: 0, count: 10)
        for j in 0..<f {
            for q in 0..<10 { counts[q] = 0 }
            for i in 0..<rows { counts[bin(features[i * f + j], j)] += 1 }
            var psi = 0.0
            for q in 0..<10 {
                let c = max(Double(counts[q]) / Double(max(rows, 1)), 1e-4)
                let r = max(Double(referenceShares[j * 10 + q]), 1e-4)
                psi += (c - r) * log(c / r)
            }
            worst = max(worst, psi)
        }
        return worst
    }

    private mutating func ksStatistic() -> Double {
        scratchScores.sort()
        return Monitor.ksStatistic(sortedA: referenceScores, sortedB: scratchScores)
    }

    /// Two-sample Kolmogorov–Smirnov statistic of two sorted samples.
    public static func ksStatistic(sortedA a: [Float], sortedB b: [Float]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var i = 0, j = 0, d = 0.0
        let na = Double(a.count), nb = Double(b.count)
        while i < a.count && j < b.count {
            let v = min(a[i], b[j])
            while i < a.count && a[i] <= v { i += 1 }
            while j < b.count && b[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / na - Double(j) / nb))
        }
        return d
    }

    /// The task metric of `rows` predictions (`rows × classes` probabilities) against labels.
    public static func metric(_ kind: TaskMetric, probabilities p: UnsafePointer<Float>, labels y: UnsafePointer<Int32>,
                              rows: Int, classes k: Int) -> Double {
        guard rows > 0 else { return 0 }
        switch kind {
        case .accuracy:
            var correct = 0
            for i in 0..<rows where argmax(p + i * k, k) == Int(y[i]) { correct += 1 }
            return Double(correct) / Double(rows)
        case .macroF1:
            var tp = [Double](repeating: 0, count: k), fp = tp, fn = tp
            for i in 0..<rows {
                let pred = argmax(p + i * k, k), t = Int(y[i])
                if pred == t { tp[t] += 1 } else { fp[pred] += 1; fn[t] += 1 }
            }
            // Mean over classes present in labels or predictions.
            var sum = 0.0, present = 0
            for c in 0..<k where tp[c] + fp[c] + fn[c] > 0 {
                sum += 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c])
                present += 1
            }
            return present > 0 ? sum / Double(present) : 0
        case .auc:
            // Rank-sum (Mann–Whitney) AUC of the positive-class score, ties counted half.
            var order = Array(0..<rows)
            order.sort { p[$0 * k + 1] < p[$1 * k + 1] }
            var rankSumPos = 0.0, positives = 0.0
            var i = 0
            while i < rows {
                var j = i
                while j + 1 < rows && p[order[j + 1] * k + 1] == p[order[i] * k + 1] { j += 1 }
                let rank = Double(i + j) / 2 + 1
                for t in i...j where y[order[t]] == 1 { rankSumPos += rank; positives += 1 }
                i = j + 1
            }
            let negatives = Double(rows) - positives
            guard positives > 0, negatives > 0 else { return 0.5 }
            return (rankSumPos - positives * (positives + 1) / 2) / (positives * negatives)
        }
    }

    @inline(__always)
    static func argmax(_ p: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        for c in 1..<max(k, 1) where p[c] > p[best] { best = c }
        return best
    }
}
