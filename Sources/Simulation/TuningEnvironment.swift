import DriftDetection
import Foundation
import Learners
import Linalg

/// What the environment builds its learner and detectors from. `standard` uses the production
/// learners and detectors; tests may substitute their own.
public struct EnvironmentComponents: Sendable {
    /// Builds the learner for a spec: (spec, featureCount, classCount, seed).
    public var makeLearner: @Sendable (EnvironmentSpec, Int, Int, UInt64) throws -> any OnlineLearner
    /// Builds fresh drift detectors for the monitor.
    public var makeDetectors: @Sendable () -> MonitorDetectors

    public init(makeLearner: @escaping @Sendable (EnvironmentSpec, Int, Int, UInt64) throws -> any OnlineLearner,
                makeDetectors: @escaping @Sendable () -> MonitorDetectors) {
        self.makeLearner = makeLearner
        self.makeDetectors = makeDetectors
    }
}

/// Everything a step reports besides observation and reward.
public struct StepInfo: Sendable, Equatable {
    /// Period index of the step (the reset period is 0).
    public var period: Int
    /// The period's raw task metric.
    public var metric: Double
    /// Compute units spent in the step (online learning + retraining); 1 unit = one period of sample gradients.
    public var compute: Double
    public var retrain: RetrainChoice
    public var learningRate: Float
    public var batchSize: Int
    /// Names of drift events changing the stream in this period.
    public var activeEvents: [String]
    /// Monitor figures behind the observation.
    public var reading: MonitorReading
    /// Why the episode ended early (divergence), if it did.
    public var terminationReason: String?
}

public struct StepResult: Sendable, Equatable {
    public var observation: [Float]
    public var reward: Double
    public var done: Bool
    public var info: StepInfo
}

/// The tuning environment: one step is one period of the stream. Within a period the learner
/// predicts every sample before it learns from it (prequential), in minibatches of the current
/// batch size, learning only from samples whose label has arrived (`labels.delay`).
///
///     var env = try TuningEnvironment(spec: spec, components: .standard)
///     var obs = env.reset(seed: 7)
///     let r = env.step(TuningAction(learningRateBin: 2, batchSizeBin: 1))
public struct TuningEnvironment: Sendable {
    public let spec: EnvironmentSpec
    public let schema = ObservationSchema.v1
    public let actionSchema: ActionSchema
    public let components: EnvironmentComponents
    public let featureCount: Int
    public let classCount: Int
    /// The action that reproduces the spec's learner defaults with no retraining.
    public let defaultAction: TuningAction

    private var generator: DomainGenerator
    private var learner: any OnlineLearner
    private var monitor: Monitor
    private var retrainRNG = RandomSource(seed: 0)
    // Stream history: the last `capacity` samples, oldest first; the current period is at the end.
    private var history: [Float] = []
    private var historyLabels: [Int32] = []
    private var count = 0
    private var capacity = 0
    private var pending = 0            // first sample not yet learned from
    private var probabilities: [Float] = []
    // Episode state
    public private(set) var period = 0
    public private(set) var computeUsed = 0.0
    public private(set) var periodsSinceRetrain = 0
    public private(set) var done = true
    /// Monitor figures of the last simulated period.
    public private(set) var lastReading = MonitorReading()
    private var learningRateBin = 0
    private var batchSizeBin = 0

    public init(spec: EnvironmentSpec, components: EnvironmentComponents) throws {
        try spec.validate()
        self.spec = spec
        self.components = components
        actionSchema = ActionSchema(spec: spec)
        let g = DomainGenerator(spec: spec, rng: RandomSource(seed: 0))
        featureCount = g.featureCount
        classCount = g.classCount
        generator = g
        learner = try components.makeLearner(spec, featureCount, classCount, 0)
        monitor = Monitor(featureCount: featureCount, classCount: classCount, metric: spec.metric,
                          detectors: components.makeDetectors())
        defaultAction = TuningAction(learningRateBin: actionSchema.nearestLearningRateBin(spec.learner.learningRate),
                                     batchSizeBin: actionSchema.nearestBatchSizeBin(spec.learner.batchSize))
    }

    /// Starts an episode: draws the stream's structure from `seed`, trains the learner on
    /// `warmup_periods` of pre-drift data, runs period 0 with the default action and returns its
    /// observation. Everything afterwards is a pure function of `seed` and the actions.
    public mutating func reset(seed: UInt64) -> [Float] {
        withSingleThreadedBLAS { $0.resetBody(seed: seed) }
    }

    /// Applies `action` (retrain first, then the period with the chosen rate and batch size).
    /// After the episode has ended, returns a terminal result without simulating.
    public mutating func step(_ action: TuningAction) -> StepResult {
        withSingleThreadedBLAS { $0.stepBody(action) }
    }

    /// Runs `body` with OpenBLAS on one thread: multithreaded BLAS splits sums differently, so results
    /// would depend on the thread count. Inside `VectorizedEnvironment` workers the count is already 1
    /// and nothing global is written.
    private mutating func withSingleThreadedBLAS<R>(_ body: (inout TuningEnvironment) -> R) -> R {
        let saved = BLAS.threadCount
        if saved != 1 { BLAS.threadCount = 1 }
        defer { if saved != 1 { BLAS.threadCount = saved } }
        return body(&self)
    }

    private mutating func resetBody(seed: UInt64) -> [Float] {
        let root = RandomSource(seed: seed)
        generator = DomainGenerator(spec: spec, rng: root.split("generator"))
        retrainRNG = root.split("retrain")
        var learnerSeed = root.split("learner")
        // Only fails for a configuration `init` already built once.
        learner = (try? components.makeLearner(spec, featureCount, classCount, learnerSeed.next())) ?? learner
        monitor = Monitor(featureCount: featureCount, classCount: classCount, metric: spec.metric,
                          detectors: components.makeDetectors())
        let p = spec.periodLength, f = featureCount
        capacity = spec.learner.window + p
        history = [Float](repeating: 0, count: capacity * f)
        historyLabels = [Int32](repeating: 0, count: capacity)
        probabilities = [Float](repeating: 0, count: p * classCount)
        learningRateBin = defaultAction.learningRateBin
        batchSizeBin = defaultAction.batchSizeBin
        learner.learningRate = actionSchema.learningRates[learningRateBin]
        learner.batchSize = actionSchema.batchSizes[batchSizeBin]

        // Warm-up: pre-drift data, trained for `retrain_epochs` passes; its tail seeds the window.
        let warm = spec.warmupPeriods * p
        var wx = [Float](repeating: 0, count: warm * f)
        var wy = [Int32](repeating: 0, count: warm)
        wx.withUnsafeMutableBufferPointer { px in
            wy.withUnsafeMutableBufferPointer { py in
                generator.generate(start: -Double(spec.warmupPeriods), samplesPerPeriod: p, count: warm,
                                   features: px.baseAddress!, labels: py.baseAddress!)
                Training.retrain(&learner, px.baseAddress!, py.baseAddress!, rows: warm,
                                 epochs: spec.learner.retrainEpochs, rng: &retrainRNG)
            }
        }
        let keep = min(warm, spec.learner.window)
        history.replaceSubrange(0..<(keep * f), with: wx[((warm - keep) * f)...])
        historyLabels.replaceSubrange(0..<keep, with: wy[(warm - keep)...])
        count = keep
        pending = keep
        period = 0
        computeUsed = 0
        periodsSinceRetrain = 0
        done = false
        let (obs, _, _) = runPeriod(learnOnline: true)
        return obs
    }

    private mutating func stepBody(_ action: TuningAction) -> StepResult {
        guard !done else {
            return StepResult(observation: [Float](repeating: 0, count: schema.count), reward: 0, done: true,
                              info: StepInfo(period: period, metric: 0, compute: 0, retrain: .none, learningRate: 0,
                                             batchSize: 0, activeEvents: [], reading: MonitorReading(),
                                             terminationReason: "step after the episode ended"))
        }
        period += 1
        learningRateBin = min(max(action.learningRateBin, 0), actionSchema.learningRates.count - 1)
        batchSizeBin = min(max(action.batchSizeBin, 0), actionSchema.batchSizes.count - 1)
        learner.learningRate = actionSchema.learningRates[learningRateBin]
        learner.batchSize = actionSchema.batchSizes[batchSizeBin]

        var compute = 0.0
        var cost = 0.0
        if action.retrain != .none {
            compute += retrain(action.retrain)
            cost += action.retrain == .fineTune ? spec.costs.fineTunePrice : spec.costs.retrainPrice
            periodsSinceRetrain = 0
            monitor.markRetrained()
        } else {
            periodsSinceRetrain += 1
        }
        let (obs, reading, online) = runPeriod(learnOnline: action.learnOnline, computeSoFar: compute)
        compute += online
        cost += spec.costs.computePrice * compute
        var info = StepInfo(period: period, metric: reading.metric, compute: compute, retrain: action.retrain,
                            learningRate: learner.learningRate, batchSize: learner.batchSize,
                            activeEvents: spec.drift.filter { $0.isActive(inPeriod: period) }.map(\.name),
                            reading: reading, terminationReason: nil)
        // Parameters can stay finite yet overflow the predictions; either way the episode ends here.
        var problem: String? = nil
        if case .diverged(let reason) = learner.health { problem = reason }
        if problem == nil && !(reading.metric.isFinite && obs.allSatisfy({ $0.isFinite })) {
            problem = "non-finite predictions"
        }
        if let problem {
            done = true
            info.terminationReason = "learner diverged in period \(period) (lr \(learner.learningRate), batch \(learner.batchSize)): \(problem)"
            let clean = obs.map { $0.isFinite ? $0 : 0 }
            return StepResult(observation: clean, reward: -spec.costs.divergencePenalty, done: true, info: info)
        }
        done = period >= spec.episodeLength
        return StepResult(observation: obs, reward: reading.metric - cost, done: done, info: info)
    }

    /// Retrains on the labelled window; returns compute units.
    private mutating func retrain(_ choice: RetrainChoice) -> Double {
        let labelled = max(0, count - spec.labels.delay)
        let rows = min(labelled, spec.learner.window)
        guard rows > 0 else { return 0 }
        let epochs = choice == .fineTune ? spec.learner.fineTuneEpochs : spec.learner.retrainEpochs
        if choice == .fullRetrain { learner.reinitialize(using: &retrainRNG) }
        let f = featureCount
        history.withUnsafeBufferPointer { px in
            historyLabels.withUnsafeBufferPointer { py in
                let first = labelled - rows
                Training.retrain(&learner, px.baseAddress! + first * f, py.baseAddress! + first, rows: rows,
                                 epochs: epochs, rng: &retrainRNG)
            }
        }
        let b = learner.batchSize
        let updates = epochs * ((rows + b - 1) / b)
        return (Double(epochs * rows) + Double(updates) * spec.costs.updateOverhead) / Double(spec.periodLength)
    }

    /// Generates the next period into the history, predicts and learns prequentially, and observes.
    /// Returns the observation, the monitor reading and the compute units of online learning.
    private mutating func runPeriod(learnOnline: Bool, computeSoFar: Double = 0) -> ([Float], MonitorReading, Double) {
        let p = spec.periodLength, f = featureCount, k = classCount, delay = spec.labels.delay
        // Make room: drop the oldest samples.
        if count + p > capacity {
            let drop = count + p - capacity
            history.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                base.update(from: base + drop * f, count: (count - drop) * f)
            }
            historyLabels.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                base.update(from: base + drop, count: count - drop)
            }
            count -= drop
            pending = max(0, pending - drop)
        }
        let base = count
        history.withUnsafeMutableBufferPointer { px in
            historyLabels.withUnsafeMutableBufferPointer { py in
                generator.generate(start: Double(period), samplesPerPeriod: p, count: p,
                                   features: px.baseAddress! + base * f, labels: py.baseAddress! + base)
            }
        }
        count += p
        if !learnOnline { pending = count }     // a frozen learner never learns these samples
        var trained = 0, updates = 0
        let b = learner.batchSize
        history.withUnsafeBufferPointer { px in
            historyLabels.withUnsafeBufferPointer { py in
                probabilities.withUnsafeMutableBufferPointer { pp in
                    let x = px.baseAddress!, y = py.baseAddress!, prob = pp.baseAddress!
                    var s = 0
                    while s < p {
                        let n = min(b, p - s)
                        learner.predictProbabilities(x + (base + s) * f, rows: n, into: prob + s * k)
                        s += n
                        guard learnOnline else { continue }
                        // Learn full minibatches of samples whose labels have arrived by now.
                        let arrived = base + s - delay
                        while arrived - pending >= b {
                            learner.partialFit(x + pending * f, labels: y + pending, rows: b)
                            pending += b
                            trained += b
                            updates += 1
                        }
                    }
                }
            }
        }
        let online = (Double(trained) + Double(updates) * spec.costs.updateOverhead) / Double(p)
        computeUsed += computeSoFar + online
        let control = ControlState(
            learningRate: learner.learningRate, batchSize: learner.batchSize,
            learningRateRange: actionSchema.learningRates.first!...actionSchema.learningRates.last!,
            batchSizeRange: actionSchema.batchSizes.first!...actionSchema.batchSizes.last!,
            periodsSinceRetrain: periodsSinceRetrain, computeUsed: computeUsed, computeBudget: spec.costs.computeBudget,
            period: period, episodeLength: spec.episodeLength)
        let result = history.withUnsafeBufferPointer { px in
            historyLabels.withUnsafeBufferPointer { py in
                probabilities.withUnsafeBufferPointer { pp in
                    monitor.observe(features: px.baseAddress! + base * f, probabilities: pp.baseAddress!,
                                    labels: py.baseAddress! + base, rows: p, labelsArrived: p - delay, control: control)
                }
            }
        }
        lastReading = result.reading
        return (result.observation, result.reading, online)
    }
}

/// Window training shared by warm-up and retraining.
enum Training {
    /// `epochs` passes over `rows` samples in shuffled minibatches of the learner's batch size.
    static func retrain(_ learner: inout any OnlineLearner, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Int32>,
                        rows: Int, epochs: Int, rng: inout RandomSource) {
        guard rows > 0, epochs > 0 else { return }
        let d = learner.featureCount
        let b = min(learner.batchSize, rows)
        var order = Array(0..<rows)
        var xb = [Float](repeating: 0, count: b * d)
        var yb = [Int32](repeating: 0, count: b)
        for _ in 0..<epochs {
            rng.shuffle(&order)
            var start = 0
            while start < rows {
                let n = min(b, rows - start)
                xb.withUnsafeMutableBufferPointer { pxb in
                    yb.withUnsafeMutableBufferPointer { pyb in
                        for j in 0..<n {
                            let i = order[start + j]
                            (pxb.baseAddress! + j * d).update(from: x + i * d, count: d)
                            pyb[j] = y[i]
                        }
                        learner.partialFit(pxb.baseAddress!, labels: pyb.baseAddress!, rows: n)
                    }
                }
                start += n
            }
        }
    }
}
