import DriftDetection
import Learners
import Linalg
import PolicyRuntime

/// What one period produced.
public struct PeriodOutcome: Sendable {
    public var observation: [Float]
    public var reading: MonitorReading
    /// Compute units of online learning in the period (1 unit = one period of sample gradients).
    public var onlineCompute: Double
    /// Compute units of the retrain or fine-tune before the period (0 without one).
    public var retrainCompute: Double = 0
    /// The action the period ran with.
    public var action: TuningAction
    /// The learning rate and batch size it ran with.
    public var learningRate: Float
    public var batchSize: Int

    /// Online learning plus retraining.
    public var compute: Double { onlineCompute + retrainCompute }
}

/// The production learner's loop, shared by the simulator and `drifttune learn`: within a period
/// the learner predicts every sample before it learns from it (prequential), in minibatches of
/// the current batch size, learning only from samples whose label has arrived; retraining uses
/// the most recent labelled window; the monitor turns the period into an observation.
///
///     var runner = PeriodRunner(learner: l, monitor: m, settings: s, actions: bins, rng: RandomSource(seed: 1))
///     runner.warmStart(x, labels: y, rows: n)
///     let out = runner.step(action, x, labels: y)   // retrain (not in period 0), then the period
public struct PeriodRunner: Sendable {
    public private(set) var learner: any OnlineLearner
    public private(set) var monitor: Monitor
    public let settings: LoopSettings
    /// The concrete values behind actions' bins.
    public let actions: ActionBins
    public private(set) var period = 0
    public private(set) var periodsSinceRetrain = 0
    public private(set) var computeUsed = 0.0
    private var retrainRNG: RandomSource
    private var history: [Float]
    private var historyLabels: [Int32]
    private var probabilities: [Float]
    private var count = 0      // samples in the history
    private var pending = 0    // first history sample not yet learned from
    private let capacity: Int
    /// Online standardization (`settings.standardize`); the history keeps raw features and the
    /// learner sees them standardized through `scaled`.
    private var scaler: StandardScaler?
    private var scaled: [Float]

    public init(learner: any OnlineLearner, monitor: Monitor, settings: LoopSettings, actions: ActionBins, rng: RandomSource) {
        self.learner = learner
        self.monitor = monitor
        self.settings = settings
        self.actions = actions
        retrainRNG = rng
        capacity = settings.window + settings.periodLength
        history = [Float](repeating: 0, count: capacity * learner.featureCount)
        historyLabels = [Int32](repeating: 0, count: capacity)
        probabilities = [Float](repeating: 0, count: settings.periodLength * learner.classCount)
        scaler = settings.standardize ? StandardScaler(featureCount: learner.featureCount) : nil
        scaled = settings.standardize ? [Float](repeating: 0, count: max(1, capacity * learner.featureCount)) : []
    }

    /// The standardizer's statistics, when the loop standardizes.
    public var standardScaler: StandardScaler? { scaler }

    /// `rows` samples at `x` as the learner sees them: standardized into `scaled` (from its start),
    /// or `x` itself.
    private mutating func learnerView<R>(_ x: UnsafePointer<Float>, rows: Int, _ body: (inout any OnlineLearner, UnsafePointer<Float>) -> R) -> R {
        guard let scaler else { return body(&learner, x) }
        return scaled.withUnsafeMutableBufferPointer { z in
            scaler.transform(x, rows: rows, into: z.baseAddress!)
            return body(&learner, UnsafePointer(z.baseAddress!))
        }
    }

    /// Sets the learning rate and batch size for what follows.
    public mutating func configure(learningRate: Float, batchSize: Int) {
        learner.learningRate = learningRate
        learner.batchSize = batchSize
    }

    /// One period under `action`, the step the simulator and `drifttune learn` share: the action's
    /// learning rate and batch size, then its retrain or fine-tune (never before period 0), then
    /// the period's `periodLength` samples at `x`/`y`. Under `deployed` updates the serving model
    /// never learns online: only the retrain or fine-tune changes it.
    public mutating func step(_ action: TuningAction, _ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>) -> PeriodOutcome {
        let (lr, batch) = actions.values(of: action)
        configure(learningRate: lr, batchSize: batch)
        let retrainCompute = period == 0 ? 0 : retrain(action.retrain)
        let learnOnline = action.learnOnline && settings.updates == .online
        var out = runPeriod(x, labels: y, learnOnline: learnOnline, extraCompute: retrainCompute)
        out.retrainCompute = retrainCompute
        out.action = action
        out.action.learnOnline = learnOnline
        if period == 1 { out.action.retrain = .none }
        return out
    }

    /// Trains on pre-deployment data for `retrainEpochs` passes; its tail seeds the window.
    public mutating func warmStart(_ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>, rows: Int) {
        scaler?.learn(x, rows: rows)
        if let scaler, rows > capacity {  // more than the scratch holds: standardize into a one-off buffer
            var z = [Float](repeating: 0, count: rows * learner.featureCount)
            z.withUnsafeMutableBufferPointer { scaler.transform(x, rows: rows, into: $0.baseAddress!) }
            z.withUnsafeBufferPointer { Self.train(&learner, $0.baseAddress!, y, rows: rows, epochs: settings.retrainEpochs, rng: &retrainRNG) }
        } else {
            var rng = retrainRNG
            let epochs = settings.retrainEpochs
            learnerView(x, rows: rows) { l, v in Self.train(&l, v, y, rows: rows, epochs: epochs, rng: &rng) }
            retrainRNG = rng
        }
        let f = learner.featureCount
        let keep = min(rows, settings.window)
        history.withUnsafeMutableBufferPointer { h in (h.baseAddress!).update(from: x + (rows - keep) * f, count: keep * f) }
        historyLabels.withUnsafeMutableBufferPointer { h in (h.baseAddress!).update(from: y + (rows - keep), count: keep) }
        count = keep
        pending = keep
    }

    /// Fine-tunes or fully retrains on the labelled window; returns the compute units spent.
    /// Counts as a retrain for `periods_since_retrain` and renews the monitor's reference.
    public mutating func retrain(_ choice: RetrainDecision) -> Double {
        guard choice != .none else {
            periodsSinceRetrain += 1
            return 0
        }
        periodsSinceRetrain = 0
        monitor.markRetrained()
        let labelled = max(0, count - settings.labelDelay)
        let rows = min(labelled, settings.window)
        guard rows > 0 else { return 0 }
        let epochs = choice == .fineTune ? settings.fineTuneEpochs : settings.retrainEpochs
        if choice == .fullRetrain { learner.reinitialize(using: &retrainRNG) }
        let f = learner.featureCount
        var rng = retrainRNG
        let first = labelled - rows
        let window = history, windowLabels = historyLabels  // copy-on-write: no copy unless written below
        window.withUnsafeBufferPointer { px in
            windowLabels.withUnsafeBufferPointer { py in
                learnerView(px.baseAddress! + first * f, rows: rows) { l, v in
                    Self.train(&l, v, py.baseAddress! + first, rows: rows, epochs: epochs, rng: &rng)
                }
            }
        }
        retrainRNG = rng
        let b = learner.batchSize
        let updates = epochs * ((rows + b - 1) / b)
        return (Double(epochs * rows) + Double(updates) * settings.updateOverhead) / Double(settings.periodLength)
    }

    /// Runs one period of `periodLength` samples: predict, then learn, in minibatches; observe.
    /// `extraCompute` (e.g. this period's retraining) is added to the compute used before observing.
    mutating func runPeriod(_ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>, learnOnline: Bool,
                            extraCompute: Double = 0) -> PeriodOutcome {
        let p = settings.periodLength, f = learner.featureCount, k = learner.classCount, delay = settings.labelDelay
        if count + p > capacity {  // make room: drop the oldest samples
            let drop = count + p - capacity
            history.withUnsafeMutableBufferPointer { h in h.baseAddress!.update(from: h.baseAddress! + drop * f, count: (count - drop) * f) }
            historyLabels.withUnsafeMutableBufferPointer { h in h.baseAddress!.update(from: h.baseAddress! + drop, count: count - drop) }
            count -= drop
            pending = max(0, pending - drop)
        }
        let base = count
        history.withUnsafeMutableBufferPointer { h in (h.baseAddress! + base * f).update(from: x, count: p * f) }
        historyLabels.withUnsafeMutableBufferPointer { h in (h.baseAddress! + base).update(from: y, count: p) }
        count += p
        if !learnOnline { pending = count }  // a frozen learner never learns these samples
        var trained = 0, updates = 0
        let b = learner.batchSize
        if scaler != nil {
            (trained, updates) = runStandardized(base: base, learnOnline: learnOnline)
        } else {
            history.withUnsafeBufferPointer { px in
                historyLabels.withUnsafeBufferPointer { py in
                    probabilities.withUnsafeMutableBufferPointer { pp in
                        let hx = px.baseAddress!, hy = py.baseAddress!, prob = pp.baseAddress!
                        var s = 0
                        while s < p {
                            let n = min(b, p - s)
                            learner.predictProbabilities(hx + (base + s) * f, rows: n, into: prob + s * k)
                            s += n
                            guard learnOnline else { continue }
                            let arrived = base + s - delay  // learn full minibatches whose labels have arrived
                            while arrived - pending >= b {
                                learner.partialFit(hx + pending * f, labels: hy + pending, rows: b)
                                pending += b
                                trained += b
                                updates += 1
                            }
                        }
                    }
                }
            }
        }
        let online = (Double(trained) + Double(updates) * settings.updateOverhead) / Double(p)
        computeUsed += extraCompute + online
        let control = ControlState(
            learningRate: learner.learningRate, batchSize: learner.batchSize,
            learningRateRange: actions.learningRateRange, batchSizeRange: actions.batchSizeRange,
            periodsSinceRetrain: periodsSinceRetrain, computeUsed: computeUsed, computeBudget: settings.computeBudget,
            period: period, episodeLength: settings.episodeLength)
        let result = history.withUnsafeBufferPointer { px in
            historyLabels.withUnsafeBufferPointer { py in
                probabilities.withUnsafeBufferPointer { pp in
                    monitor.observe(features: px.baseAddress! + base * f, probabilities: pp.baseAddress!,
                                    labels: py.baseAddress! + base, rows: p, labelsArrived: p - delay, control: control)
                }
            }
        }
        period += 1
        return PeriodOutcome(observation: result.observation, reading: result.reading, onlineCompute: online,
                             action: TuningAction(learningRateBin: 0, batchSizeBin: 0, learnOnline: learnOnline),
                             learningRate: learner.learningRate, batchSize: learner.batchSize)
    }

    /// The period's predict-then-learn loop with standardization: each minibatch is predicted with
    /// the statistics before it, then updates them (unsupervised, so on arrival, not on its label);
    /// minibatches are learned with the statistics at the time of learning, as a River pipeline
    /// predicts before `learn_one` and learns after it. Returns (samples trained, updates).
    private mutating func runStandardized(base: Int, learnOnline: Bool) -> (Int, Int) {
        let p = settings.periodLength, f = learner.featureCount, k = learner.classCount, delay = settings.labelDelay
        let b = learner.batchSize
        var trained = 0, updates = 0
        let raw = history, labels = historyLabels  // read-only views (no copy: neither is written here)
        guard var scaler = self.scaler else { return (0, 0) }
        raw.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in
                scaled.withUnsafeMutableBufferPointer { zz in
                    probabilities.withUnsafeMutableBufferPointer { pp in
                        let hx = px.baseAddress!, hy = py.baseAddress!, z = zz.baseAddress!, prob = pp.baseAddress!
                        var s = 0
                        while s < p {
                            let n = min(b, p - s)
                            let rows = hx + (base + s) * f
                            scaler.transform(rows, rows: n, into: z)
                            learner.predictProbabilities(z, rows: n, into: prob + s * k)
                            scaler.learn(rows, rows: n)
                            s += n
                            guard learnOnline else { continue }
                            let arrived = base + s - delay
                            while arrived - pending >= b {
                                scaler.transform(hx + pending * f, rows: b, into: z)
                                learner.partialFit(z, labels: hy + pending, rows: b)
                                pending += b
                                trained += b
                                updates += 1
                            }
                        }
                    }
                }
            }
        }
        self.scaler = scaler
        return (trained, updates)
    }

    /// `epochs` passes over `rows` samples in shuffled minibatches of the learner's batch size.
    static func train(_ learner: inout any OnlineLearner, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Int32>,
                      rows: Int, epochs: Int, rng: inout RandomSource) {
        learner.retrain(x, labels: y, rows: rows, epochs: epochs, rng: &rng)
    }
}
