import Foundation
import Testing
@testable import DriftDetection

/// The monitor's drift features are the module's tested statistics, not copies of them.
@Test func monitorDriftFeaturesAreTheModulesStatistics() {
    let f = 3, n = 400
    var state: UInt64 = 7
    func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24)
    }
    func period(shift: Float) -> (x: [Float], p: [Float], y: [Int32]) {
        var x: [Float] = [], p: [Float] = [], y: [Int32] = []
        for _ in 0..<n {
            let row = (0..<f).map { j in uniform() + (j == 1 ? shift : 0) }
            let p1 = min(max(row[1] / (1 + shift), 0.01), 0.99)
            x += row
            p += [1 - p1, p1]
            y.append(uniform() < 0.5 ? 1 : 0)
        }
        return (x, p, y)
    }
    var monitor = Monitor(featureCount: f, classCount: 2, metric: .accuracy, detectors: .standard)
    let control = ControlState(learningRate: 0.1, batchSize: 8, learningRateRange: 0.01...1, batchSizeRange: 8...64,
                               periodsSinceRetrain: 0, computeUsed: 0, computeBudget: 10, period: 0, episodeLength: 10)
    let a = period(shift: 0), b = period(shift: 0.5)
    _ = monitor.observe(features: a.x, probabilities: a.p, labels: a.y, rows: n, labelsArrived: n, control: control)
    let (_, reading) = monitor.observe(features: b.x, probabilities: b.p, labels: b.y, rows: n, labelsArrived: n, control: control)
    // PSI: the largest per-feature PopulationStabilityIndex against the first period.
    let psi = (0..<f).map { j in
        PopulationStabilityIndex(reference: (0..<n).map { Double(a.x[$0 * f + j]) }).index(of: (0..<n).map { Double(b.x[$0 * f + j]) })
    }
    #expect(reading.maxPSI == psi.max())
    #expect(reading.maxPSI > 0.25)  // the shifted feature
    // KS: the two-sample statistic of the positive-class scores.
    let ks = KolmogorovSmirnov.test((0..<n).map { Double(a.p[$0 * 2 + 1]) }, (0..<n).map { Double(b.p[$0 * 2 + 1]) })
    #expect(reading.ksScores == ks.statistic)
}

/// A diverged learner's NaN scores must not hang the monitor (the KS merge loop once spun forever
/// on them): the period is observed, KS uses the finite scores only.
@Test func nanScoresEndTheKSStatisticInsteadOfHanging() {
    let nan = Double.nan
    let a: [Double] = [0.1, 0.2, 0.3], b: [Double] = [nan, 0.15, nan]
    let d = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in KolmogorovSmirnov.statisticSorted(pa, pb) } }
    #expect(d.isFinite)
    let f = 1, n = 4
    var monitor = Monitor(featureCount: f, classCount: 2, metric: .accuracy, detectors: .standard)
    let control = ControlState(learningRate: 0.1, batchSize: 8, learningRateRange: 0.01...1, batchSizeRange: 8...64,
                               periodsSinceRetrain: 0, computeUsed: 0, computeBudget: 10, period: 0, episodeLength: 10)
    let x: [Float] = [0, 1, 2, 3], y: [Int32] = [0, 1, 0, 1]
    _ = monitor.observe(features: x, probabilities: [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6], labels: y, rows: n, labelsArrived: n, control: control)
    let (_, reading) = monitor.observe(features: x, probabilities: [.nan, .nan, 0.2, 0.8, .nan, .nan, 0.4, 0.6], labels: y, rows: n, labelsArrived: n, control: control)
    #expect(reading.ksScores == 0.5)  // finite scores {0.8, 0.6} against {0.1, 0.8, 0.3, 0.6}
}

/// A metric-only monitor (the expert pool's experts) reads the same metric as a full one and
/// nothing else: no alarms, no reference statistics, an observation of zeros.
@Test func aMetricOnlyMonitorReadsTheMetricAndNothingElse() {
    let f = 2, n = 300
    var x: [Float] = [], p: [Float] = [], y: [Int32] = []
    for i in 0..<n {
        let a = Float(i % 17) / 17, b = Float(i % 5) / 5
        x += [a, b]
        p += [1 - a, a]
        y.append(i % 3 == 0 ? 1 : 0)
    }
    let control = ControlState(learningRate: 0.1, batchSize: 8, learningRateRange: 0.01...1, batchSizeRange: 8...64,
                               periodsSinceRetrain: 0, computeUsed: 0, computeBudget: 10, period: 0, episodeLength: 10)
    var full = Monitor(featureCount: f, classCount: 2, metric: .accuracy, detectors: .standard)
    var lean = Monitor(featureCount: f, classCount: 2, metric: .accuracy, detectors: .standard, metricOnly: true)
    for _ in 0..<3 {
        let a = full.observe(features: x, probabilities: p, labels: y, rows: n, labelsArrived: n, control: control)
        let b = lean.observe(features: x, probabilities: p, labels: y, rows: n, labelsArrived: n, control: control)
        #expect(b.reading.metric == a.reading.metric && a.reading.metric > 0)
        #expect(b.observation == [Float](repeating: 0, count: Monitor.observationCount))
        #expect(b.reading.loss == 0 && !b.reading.adwinAlarm && b.reading.maxPSI == 0)
        #expect(a.reading.loss > 0)
    }
}

/// Binary accuracy takes a branch-free path: class 1 exactly when its probability is strictly
/// higher, as the arg-max (first of equal maxima) over any class count decides; ties and NaN
/// included.
@Test func binaryAccuracyIsTheArgMaxAccuracy() {
    let p: [Float] = [0.3, 0.7, 0.5, 0.5, 0.9, 0.1, .nan, 0.2, 0.4, .nan, 0.6, 0.4]
    let y: [Int32] = [1, 1, 0, 0, 1, 0]
    // Arg-max per row, first of equals: 1, 0 (tie), 0, 0 (NaN never compares higher), 0, 0.
    let expected = zip([1, 0, 0, 0, 0, 0], y).filter { $0 == Int($1) }.count
    let metric = p.withUnsafeBufferPointer { pp in
        y.withUnsafeBufferPointer { Monitor.metric(.accuracy, probabilities: pp.baseAddress!, labels: $0.baseAddress!, rows: 6, classes: 2) }
    }
    #expect(metric == Double(expected) / 6)
    #expect(expected == 4)
    // The same rows as three classes with a zero third column: the general arg-max path agrees.
    let wide: [Float] = stride(from: 0, to: p.count, by: 2).flatMap { [p[$0], p[$0 + 1], Float(0)] }
    let general = wide.withUnsafeBufferPointer { pp in
        y.withUnsafeBufferPointer { Monitor.metric(.accuracy, probabilities: pp.baseAddress!, labels: $0.baseAddress!, rows: 6, classes: 3) }
    }
    #expect(general == metric)
}
