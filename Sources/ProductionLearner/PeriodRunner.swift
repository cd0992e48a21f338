import Foundation
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
    /// Compute units of the shadow learners (schema v2 or v3; 0 without them).
    public var shadowCompute: Double = 0
    /// The action the period ran with.
    public var action: TuningAction
    /// The learning rate and batch size it ran with.
    public var learningRate: Float
    public var batchSize: Int

    /// Online learning plus retraining plus the shadow learners.
    public var compute: Double { onlineCompute + retrainCompute + shadowCompute }
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

    /// The class probabilities of the last replay of a period, row-major: the live learner's, unless
    /// shadow learners replayed the period after it.
    public var periodProbabilities: [Float] { probabilities }

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
        var unshared = StandardizedPass.unshared
        return step(action, x, labels: y, sharing: &unshared)
    }

    /// `step`, with the live learner's standardized minibatches replayed from `pass` when it
    /// recorded this very pass, or recorded into it otherwise (`StandardizedPass`): the same
    /// outcome, standardizing once for learners that share a stream. Share a pass only among
    /// runners fed the same rows (the same warm start and periods), as an expert pool's are.
    public mutating func step(_ action: TuningAction, _ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>,
                              sharing pass: inout StandardizedPass) -> PeriodOutcome {
        let (lr, batch) = actions.values(of: action)
        configure(learningRate: lr, batchSize: batch)
        let retrainCompute = period == 0 ? 0 : retrain(action.retrain)
        let learnOnline = action.learnOnline && settings.updates == .online
        var out = runPeriod(x, labels: y, learnOnline: learnOnline, extraCompute: retrainCompute, sharing: &pass)
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
    /// With shadow learners (`settings.shadowLearners`), the shadows then replay the period and
    /// their evidence is appended to the observation (schema v2, or v3 with batch-size shadows).
    mutating func runPeriod(_ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>, learnOnline: Bool,
                            extraCompute: Double = 0, sharing pass: inout StandardizedPass) -> PeriodOutcome {
        let p = settings.periodLength, f = learner.featureCount, delay = settings.labelDelay
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
        // What the shadows start from: the live learner, scaler and first unlearned sample before the period.
        let shadowStart = settings.shadowLearners
            ? (learner: learner, scaler: scaler, pending: learnOnline ? pending : max(0, base - delay)) : nil
        if !learnOnline { pending = count }  // a frozen learner never learns these samples
        var live = learner, liveScaler = scaler, livePending = pending  // at most one copy-on-write copy a period
        let trained = replay(&live, scaler: &liveScaler, base: base, pending: &livePending, learn: learnOnline, sharing: &pass)
        (learner, scaler, pending) = (live, liveScaler, livePending)
        let raw = history, labels = historyLabels  // read-only views (no copy: neither is written here)
        let online = (Double(trained.samples) + Double(trained.updates) * settings.updateOverhead) / Double(p)
        computeUsed += extraCompute + online
        let control = ControlState(
            learningRate: learner.learningRate, batchSize: learner.batchSize,
            learningRateRange: actions.learningRateRange, batchSizeRange: actions.batchSizeRange,
            periodsSinceRetrain: periodsSinceRetrain, computeUsed: computeUsed, computeBudget: settings.computeBudget,
            period: period, episodeLength: settings.episodeLength)
        var result = raw.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in
                probabilities.withUnsafeBufferPointer { pp in
                    monitor.observe(features: px.baseAddress! + base * f, probabilities: pp.baseAddress!,
                                    labels: py.baseAddress! + base, rows: p, labelsArrived: p - delay, control: control)
                }
            }
        }
        var shadowCompute = 0.0
        if let start = shadowStart {
            let evidence = shadowEvidence(from: start, base: base, liveLoss: result.reading.loss)
            shadowCompute = evidence.compute
            computeUsed += shadowCompute
            result.observation += evidence.features
            // compute_used includes the shadows' compute of this period.
            result.observation[Self.computeUsedIndex] = Float(min(max(computeUsed / max(settings.computeBudget, 1e-12), 0), 1))
        }
        period += 1
        var out = PeriodOutcome(observation: result.observation, reading: result.reading, onlineCompute: online,
                                action: TuningAction(learningRateBin: 0, batchSizeBin: 0, learnOnline: learnOnline),
                                learningRate: learner.learningRate, batchSize: learner.batchSize)
        out.shadowCompute = shadowCompute
        return out
    }

    /// The shadow learners' features (schema v2 or v3, in order) and compute for the period at
    /// history row `base`: a copy of the live learner at the next lower and the next higher
    /// learning-rate bin, with the live batch size; with `batchShadows`, then copies at the next
    /// smaller and the next larger batch-size bin, at the live learning rate. None beyond the ends
    /// (feature 0, no compute). Each replays the period prequentially from the live learner's state
    /// before it; feature `(L live − L shadow) / ln K`.
    private mutating func shadowEvidence(from start: (learner: any OnlineLearner, scaler: StandardScaler?, pending: Int),
                                         base: Int, liveLoss: Double) -> (features: [Float], compute: Double) {
        let p = settings.periodLength, k = learner.classCount
        let rates = actions.learningRates, batches = actions.batchSizes
        let currentRate = Self.nearestBin(start.learner.learningRate, in: rates)
        let currentBatch = actions.nearestBatchSizeBin(start.learner.batchSize)
        let lnK = log(Double(max(k, 2)))
        // (feature slot, learning rate, batch size) of every shadow that runs.
        var shadows: [(slot: Int, rate: Float, batch: Int)] = []
        for (slot, neighbour) in [currentRate - 1, currentRate + 1].enumerated() where rates.indices.contains(neighbour) {
            shadows.append((slot, rates[neighbour], start.learner.batchSize))
        }
        if settings.batchShadows {
            for (slot, neighbour) in [currentBatch - 1, currentBatch + 1].enumerated()
            where batches.indices.contains(neighbour) && batches[neighbour] <= p {
                shadows.append((2 + slot, start.learner.learningRate, batches[neighbour]))
            }
        }
        var features = [Float](repeating: 0, count: settings.batchShadows ? 4 : 2), compute = 0.0
        for (slot, rate, batch) in shadows {
            var shadow = start.learner, scaler = start.scaler, pending = start.pending, unshared = StandardizedPass.unshared
            shadow.learningRate = rate
            shadow.batchSize = batch
            let trained = replay(&shadow, scaler: &scaler, base: base, pending: &pending, learn: true, sharing: &unshared)
            var loss = 0.0
            for i in 0..<p {  // the shadow's predictions, left in `probabilities` by the replay
                loss -= log(max(Double(probabilities[i * k + Int(historyLabels[base + i])]), 1e-7))
            }
            loss /= Double(p)
            let gain = (liveLoss - loss) / lnK  // a shadow whose predictions overflow is as bad as it gets
            features[slot] = loss.isFinite ? Float(min(max(gain.isFinite ? gain : 0, -1), 1)) : -1
            compute += (Double(trained.samples) + Double(trained.updates) * settings.updateOverhead) / Double(p)
        }
        return (features, compute)
    }

    /// `prequentialPass` of `learner` over the period at history row `base`, predictions into
    /// `probabilities`.
    private mutating func replay(_ learner: inout any OnlineLearner, scaler: inout StandardScaler?, base: Int,
                                 pending: inout Int, learn: Bool, sharing pass: inout StandardizedPass) -> (samples: Int, updates: Int) {
        let p = settings.periodLength, delay = settings.labelDelay
        let raw = history, labels = historyLabels  // read-only views (no copy: neither is written here)
        return raw.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in
                scaled.withUnsafeMutableBufferPointer { zz in
                    probabilities.withUnsafeMutableBufferPointer { pp in
                        Self.prequentialPass(&learner, scaler: &scaler, scratch: zz.baseAddress, x: px.baseAddress!,
                                             labels: py.baseAddress!, base: base, periodLength: p, labelDelay: delay,
                                             pending: &pending, learn: learn, probabilities: pp.baseAddress!, sharing: &pass)
                    }
                }
            }
        }
    }

    /// Where `compute_used` sits in the observation (the same in schema v1 and v2).
    private static let computeUsedIndex = ObservationSchema.v1.index(of: "compute_used")!

    /// The bin whose learning rate is nearest `rate` on a log scale.
    static func nearestBin(_ rate: Float, in rates: [Float]) -> Int {
        guard rate > 0 else { return 0 }
        let target = log(Double(rate))
        return rates.indices.min { abs(log(Double(rates[$0])) - target) < abs(log(Double(rates[$1])) - target) } ?? 0
    }

    /// One prequential pass over the `p` samples at history row `base`: each minibatch of the batch
    /// size is predicted (into `prob`), then, with `learn`, every full minibatch whose label has
    /// arrived is learned. With a scaler, a minibatch is predicted with the statistics before it,
    /// which then learn it (unsupervised, so on arrival, not on its label), and minibatches are
    /// learned with the statistics at the time of learning, as a River pipeline predicts before
    /// `learn_one` and learns after it. The standardized minibatches are replayed from `pass` or
    /// recorded into it (`StandardizedPass`). Returns (samples trained, updates).
    static func prequentialPass(_ learner: inout any OnlineLearner, scaler: inout StandardScaler?, scratch: UnsafeMutablePointer<Float>?,
                                x hx: UnsafePointer<Float>, labels hy: UnsafePointer<Int32>, base: Int, periodLength p: Int,
                                labelDelay delay: Int, pending: inout Int, learn: Bool,
                                probabilities prob: UnsafeMutablePointer<Float>,
                                sharing pass: inout StandardizedPass) -> (samples: Int, updates: Int) {
        let f = learner.featureCount, k = learner.classCount, b = learner.batchSize
        var standardizer = scaler
        scaler = nil  // one owner while it learns: no copy-on-write copy per minibatch
        defer { scaler = standardizer }
        var replaying = false, recording = false, cursor = 0
        if pass.isShared, let start = standardizer, scratch != nil {
            let schedule = StandardizedPass.Schedule(base: base, pending: pending, batchSize: b, labelDelay: delay,
                                                     periodLength: p, learns: learn)
            replaying = pass.replays(schedule, from: start)
            if replaying {
                pass.startReplay()
            } else {
                recording = true
                pass.record(schedule, from: start)
            }
        }
        var replayed: UnsafePointer<Float>?  // the recording, while replaying it
        /// The `n` rows at `rows` standardized: read from the recording, or transformed into the
        /// scratch (and recorded).
        func standardized(_ rows: UnsafePointer<Float>, _ n: Int) -> UnsafePointer<Float> {
            defer { cursor += n * f }
            if let replayed { return replayed + cursor }
            standardizer!.transform(rows, rows: n, into: scratch!)
            if recording { pass.append(scratch!, count: n * f) }
            return UnsafePointer(scratch!)
        }
        func passOverPeriod() -> (samples: Int, updates: Int) {
            let standardizes = standardizer != nil && scratch != nil
            var trained = 0, updates = 0, s = 0
            while s < p {
                let n = min(b, p - s)
                let rows = hx + (base + s) * f
                if standardizes {
                    learner.predictProbabilities(standardized(rows, n), rows: n, into: prob + s * k)
                    if !replaying { standardizer!.learn(rows, rows: n) }
                } else {
                    learner.predictProbabilities(rows, rows: n, into: prob + s * k)
                }
                s += n
                guard learn else { continue }
                let arrived = base + s - delay  // learn full minibatches whose labels have arrived
                while arrived - pending >= b {
                    let x = standardizes ? standardized(hx + pending * f, b) : hx + pending * f
                    learner.update(x, labels: hy + pending, rows: b)
                    pending += b
                    trained += b
                    updates += 1
                }
            }
            return (trained, updates)
        }
        if replaying {
            let recorded = pass  // shares the recording's storage: read in place, not copied
            return recorded.withValues { values in
                replayed = values
                defer { replayed = nil }
                let result = passOverPeriod()
                standardizer = recorded.end
                return result
            }
        }
        let result = passOverPeriod()
        if recording, let end = standardizer { pass.finish(with: end) }
        return result
    }

    /// `epochs` passes over `rows` samples in shuffled minibatches of the learner's batch size.
    static func train(_ learner: inout any OnlineLearner, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Int32>,
                      rows: Int, epochs: Int, rng: inout RandomSource) {
        learner.retrain(x, labels: y, rows: rows, epochs: epochs, rng: &rng)
    }
}
