import DriftDetection
import Foundation
import Learners
import Linalg
import PolicyRuntime

/// What steps a production learner period by period: one learner (`PeriodRunner`) or an expert
/// pool (`ExpertPool`). The simulator and `drifttune learn` drive either through it.
public protocol PeriodLoop: Sendable {
    /// The learner that serves predictions (with a pool: the expert that served the last period).
    var learner: any OnlineLearner { get }
    /// Diverged when the loop cannot serve any more (a pool: when every expert has diverged).
    var health: LearnerHealth { get }
    /// Periods run so far (period 0 included).
    var period: Int { get }
    var periodsSinceRetrain: Int { get }
    /// Compute units used so far (every expert's, with a pool).
    var computeUsed: Double { get }
    /// The class probabilities served in the last period, row-major; nil when the loop does not
    /// keep them apart (a single learner with shadow learners, whose replays overwrite them).
    var servedProbabilities: ArraySlice<Float>? { get }
    /// Every expert's metric in the last period, in pool order (nil for one that had left); nil
    /// without a pool.
    var lastExpertMetrics: [Double?]? { get }
    /// How many rows each expert served in the last period, in pool order, when a pool serves
    /// sample by sample (`expert_half_life` > 0); nil otherwise.
    var lastServedRows: [Int]? { get }
    /// Sets the learning rate and batch size (a pool: serves the expert nearest them).
    mutating func configure(learningRate: Float, batchSize: Int)
    /// Trains on pre-deployment data; its tail seeds the window.
    mutating func warmStart(_ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>, rows: Int)
    /// One period under `action` (`PeriodRunner.step`).
    mutating func step(_ action: TuningAction, _ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>) -> PeriodOutcome
}

extension PeriodRunner: PeriodLoop {
    public var health: LearnerHealth { learner.health }
    public var servedProbabilities: ArraySlice<Float>? {
        settings.shadowLearners ? nil : periodProbabilities[...]
    }
    public var lastExpertMetrics: [Double?]? { nil }
    public var lastServedRows: [Int]? { nil }
}

/// The expert pool of a loop with `experts` (observation schema v4): one persistent learner per
/// learning-rate × batch-size bin, each learning online from every labelled sample at its own
/// setting. The action's bins choose the expert that serves the period; its retrain or fine-tune
/// applies to that expert alone. After the period every expert's score becomes
/// `decay × score + metric`, and the observation, the served stream's as one monitor saw it
/// period after period, ends with where the leader stands: of the experts within `expert_tolerance`
/// of the best score (in decayed mean metric), the one that adapts fastest. Every expert pays its
/// compute. An expert whose learner diverges leaves the pool; an action that names it serves the
/// leader instead. With `standardize`, the experts of one batch size share each period's
/// standardized minibatches (`StandardizedPass`): standardized once per batch size, the same bits.
///
/// With `expert_half_life` N > 0 the pool serves sample by sample instead: every row goes to the
/// leader of the experts' per-sample correctness (arg-max right or wrong) over the labels that
/// have arrived, decayed to half in N samples, with the same tolerance and tie-break; until a
/// first label arrives the action's expert serves. The action then names only the expert its
/// retrain or fine-tune applies to, and the period reports the expert that served most rows.
///
/// Serving the leader every period (`LeaderRule`) is `drifttune learn --policy leader`; a tuned
/// policy reading schema v4 chooses for itself.
public struct ExpertPool: PeriodLoop {
    public let settings: LoopSettings
    public let actions: ActionBins
    /// Every expert's setting, in pool order: learning rate fastest (`index(of:)`).
    public let expertSettings: [TuningAction]
    public private(set) var experts: [PeriodRunner]
    /// Every expert's decayed score after the last period.
    public private(set) var scores: [Double]
    /// The weight the scores have summed: `decay × weight + 1` a period, so `score / weight` is
    /// an expert's decayed mean metric.
    public private(set) var scoreWeight = 0.0
    /// Every expert's learning rate per sample (`lr / batch`), in pool order: how fast it adapts.
    public let adaptivity: [Double]
    /// False for an expert whose learner diverged.
    public private(set) var active: [Bool]
    /// The monitor of the served stream.
    public private(set) var monitor: Monitor
    /// The expert that served the last period (before period 0: the one `configure` chose).
    public private(set) var served: Int
    public private(set) var period = 0
    public private(set) var computeUsed = 0.0
    /// Every expert's metric in the last period, in pool order; nil for one that had left.
    public private(set) var lastExpertMetrics: [Double?]? = []
    /// Every expert's decayed per-sample correctness, and the weight it has summed, when serving
    /// sample by sample (`expert_half_life` > 0).
    public private(set) var sampleScores: [Double]
    public private(set) var sampleWeight = 0.0
    /// How many rows each expert served in the last period (sample by sample: any; else one expert all).
    public private(set) var servedRowCounts: [Int]
    public var lastServedRows: [Int]? { settings.expertHalfLife > 0 ? servedRowCounts : nil }
    /// Per-sample correctness (one byte per expert per row) of served rows whose labels have not
    /// arrived (the last `label_delay`), oldest first.
    private var pending: [UInt8] = []
    /// The rows served sample by sample in the last period, row-major.
    private var servedRows: [Float] = []
    /// A period's standardized minibatches, one recording per batch-size bin: its first expert
    /// standardizes, the others at the same batch size replay (`StandardizedPass`).
    private var passes: [StandardizedPass]

    /// `makeLearner` builds every expert's learner (the pool sets its rate and batch size);
    /// `makeDetectors` the served monitor's detectors. Throws for a loop `expertPoolProblem` refuses.
    public init(settings: LoopSettings, actions: ActionBins, featureCount: Int, classCount: Int, metric: TaskMetric,
                makeDetectors: () -> MonitorDetectors, rng: RandomSource,
                makeLearner: () throws -> any OnlineLearner) throws {
        if let problem = settings.expertPoolProblem {
            throw LearnerError.invalidConfiguration(what: "expert pool", value: problem, expected: "an online loop without shadow learners")
        }
        self.settings = settings
        self.actions = actions
        expertSettings = Self.poolActions(actions)
        adaptivity = expertSettings.map { action in
            let (lr, batch) = actions.values(of: action)
            return Double(lr) / Double(batch)
        }
        var experts: [PeriodRunner] = []
        for action in expertSettings {
            let (lr, batch) = actions.values(of: action)
            let monitor = Monitor(featureCount: featureCount, classCount: classCount, metric: metric,
                                  detectors: makeDetectors(), metricOnly: true)
            var runner = PeriodRunner(learner: try makeLearner(), monitor: monitor, settings: settings, actions: actions, rng: rng)
            runner.configure(learningRate: lr, batchSize: batch)
            experts.append(runner)
        }
        self.experts = experts
        scores = [Double](repeating: 0, count: experts.count)
        sampleScores = scores
        servedRowCounts = [Int](repeating: 0, count: experts.count)
        active = [Bool](repeating: true, count: experts.count)
        monitor = Monitor(featureCount: featureCount, classCount: classCount, metric: metric, detectors: makeDetectors())
        served = 0
        passes = actions.batchSizes.map { _ in StandardizedPass() }
    }

    /// The pool's experts: every learning-rate bin × batch-size bin, learning rate fastest, each
    /// learning online without retraining.
    public static func poolActions(_ bins: ActionBins) -> [TuningAction] {
        bins.batchSizes.indices.flatMap { b in
            bins.learningRates.indices.map { l in TuningAction(learningRateBin: l, batchSizeBin: b) }
        }
    }

    /// The expert an action's bins name.
    public func index(of action: TuningAction) -> Int {
        let l = min(max(action.learningRateBin, 0), actions.learningRates.count - 1)
        let b = min(max(action.batchSizeBin, 0), actions.batchSizes.count - 1)
        return b * actions.learningRates.count + l
    }

    /// The leader: of the active experts whose score is within `tolerance × weight` of the best
    /// (within `tolerance` in decayed mean metric), the one with the highest adaptivity; among
    /// equals the higher score, then the first. Tolerance 0: the best score, the first of equals.
    /// Nil when none is active.
    public static func leader(scores: [Double], active: [Bool], adaptivity: [Double], tolerance: Double, weight: Double) -> Int? {
        scores.withUnsafeBufferPointer { s in
            active.withUnsafeBufferPointer { a in
                adaptivity.withUnsafeBufferPointer { speed in
                    leader(scores: s, active: a, adaptivity: speed, tolerance: tolerance, weight: weight)
                }
            }
        }
    }

    /// `leader(scores:active:adaptivity:tolerance:weight:)` over buffers of equal length, for the
    /// per-sample loop.
    static func leader(scores: UnsafeBufferPointer<Double>, active: UnsafeBufferPointer<Bool>, adaptivity: UnsafeBufferPointer<Double>,
                       tolerance: Double, weight: Double) -> Int? {
        var best = -1
        for k in 0..<scores.count where active[k] && scores[k].isFinite {
            if best < 0 || scores[k] > scores[best] { best = k }
        }
        guard best >= 0 else { return nil }
        guard tolerance > 0 else { return best }
        var leader = best
        let floor = scores[best] - tolerance * weight
        for k in 0..<scores.count where active[k] && scores[k].isFinite && scores[k] >= floor {
            if adaptivity[k] > adaptivity[leader] || (adaptivity[k] == adaptivity[leader] && scores[k] > scores[leader]) {
                leader = k
            }
        }
        return leader
    }

    /// The leader for the scores as they are.
    public var leader: Int? {
        Self.leader(scores: scores, active: active, adaptivity: adaptivity, tolerance: settings.expertTolerance, weight: scoreWeight)
    }

    public var learner: any OnlineLearner { experts[served].learner }
    public var health: LearnerHealth {
        active.contains(true) ? .healthy : .diverged(reason: "every expert's learner diverged")
    }
    public var periodsSinceRetrain: Int { experts[served].periodsSinceRetrain }
    public var servedProbabilities: ArraySlice<Float>? {
        settings.expertHalfLife > 0 ? servedRows[...] : experts[served].periodProbabilities[...]
    }

    public mutating func configure(learningRate: Float, batchSize: Int) {
        served = index(of: TuningAction(learningRateBin: actions.nearestLearningRateBin(Double(learningRate)),
                                        batchSizeBin: actions.nearestBatchSizeBin(batchSize)))
    }

    public mutating func warmStart(_ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>, rows: Int) {
        for k in experts.indices { experts[k].warmStart(x, labels: y, rows: rows) }
    }

    public mutating func step(_ action: TuningAction, _ x: UnsafePointer<Float>, labels y: UnsafePointer<Int32>) -> PeriodOutcome {
        let p = settings.periodLength
        served = index(of: action)
        if !active[served], let leader { served = leader }
        let chosen = served
        var outcomes = [PeriodOutcome?](repeating: nil, count: experts.count)
        for b in passes.indices { passes[b].clear() }
        for k in experts.indices where active[k] {
            var own = expertSettings[k]
            if k == chosen { own.retrain = action.retrain }
            outcomes[k] = experts[k].step(own, x, labels: y, sharing: &passes[own.batchSizeBin])
        }
        for k in servedRowCounts.indices { servedRowCounts[k] = 0 }
        if settings.expertHalfLife > 0 {
            served = serveSampleBySample(labels: y, stepped: outcomes.map { $0 != nil }, first: chosen)
        } else {
            servedRowCounts[served] = p
        }
        // Every expert may have left before this period; the served one then reports nothing new.
        var out = outcomes[served] ?? PeriodOutcome(observation: [], reading: MonitorReading(), onlineCompute: 0,
                                                    action: expertSettings[served], learningRate: experts[served].learner.learningRate,
                                                    batchSize: experts[served].learner.batchSize)
        if served != chosen, let retrained = outcomes[chosen] {  // sample by sample: the action's retrain ran on its expert
            out.action.retrain = retrained.action.retrain
            out.retrainCompute = retrained.retrainCompute
        }
        if period > 0 && out.action.retrain != .none { monitor.markRetrained() }
        let online = outcomes.reduce(0.0) { $0 + ($1?.onlineCompute ?? 0) }
        computeUsed += online + out.retrainCompute
        let control = ControlState(
            learningRate: out.learningRate, batchSize: out.batchSize,
            learningRateRange: actions.learningRateRange, batchSizeRange: actions.batchSizeRange,
            periodsSinceRetrain: experts[served].periodsSinceRetrain, computeUsed: computeUsed,
            computeBudget: settings.computeBudget, period: period, episodeLength: settings.episodeLength)
        let (observation, reading) = (settings.expertHalfLife > 0 ? servedRows : experts[served].periodProbabilities)
            .withUnsafeBufferPointer { pp in
                monitor.observe(features: x, probabilities: pp.baseAddress!, labels: y, rows: p,
                                labelsArrived: p - settings.labelDelay, control: control)
            }
        lastExpertMetrics = outcomes.map { $0?.reading.metric }
        scoreWeight = settings.expertDecay * scoreWeight + 1
        for k in experts.indices where active[k] {
            if case .diverged = experts[k].learner.health { active[k] = false; continue }
            scores[k] = settings.expertDecay * scores[k] + outcomes[k]!.reading.metric
        }
        out.observation = observation + leaderFeatures()
        out.reading = reading
        out.onlineCompute = online
        period += 1
        return out
    }

    /// Serves the period's rows sample by sample into `servedRows`: before each row, the labels
    /// that have arrived (all but the last `label_delay` rows' own) update the per-sample scores,
    /// and the leader of those scores serves it (`first` until any label has arrived). Experts that
    /// did not step, or diverged in the period, do not serve. Returns the expert that served most rows.
    private mutating func serveSampleBySample(labels y: UnsafePointer<Int32>, stepped: [Bool], first: Int) -> Int {
        let p = settings.periodLength, n = experts.count, classes = experts[first].learner.classCount
        let decay = pow(0.5, 1 / Double(settings.expertHalfLife)), delay = settings.labelDelay
        var eligible = stepped
        for k in 0..<n where eligible[k] {
            if case .diverged = experts[k].learner.health { eligible[k] = false }
        }
        let predictions = experts.map(\.periodProbabilities)
        // Every expert's correctness on every row of the period (the predicted class is the first of
        // equal maxima, as the monitor's accuracy counts it), queued; a row's is read only once its label arrives.
        let waiting = pending.count / n
        var right = [UInt8](repeating: 0, count: p * n)
        right.withUnsafeMutableBufferPointer { right in
            for k in 0..<n where stepped[k] {
                predictions[k].withUnsafeBufferPointer { probabilities in
                    let rows = probabilities.baseAddress!
                    if classes == 2 {  // class 1 exactly when it is strictly more probable
                        for t in 0..<p {
                            right[t &* n &+ k] = (rows[2 &* t &+ 1] > rows[2 &* t] ? 1 : 0) == y[t] ? 1 : 0
                        }
                    } else {
                        for t in 0..<p {
                            right[t &* n &+ k] = Kernels.argmax(rows + t &* classes, count: classes) == Int(y[t]) ? 1 : 0
                        }
                    }
                }
            }
        }
        pending.append(contentsOf: right)
        var scores = sampleScores, weight = sampleWeight, head = 0
        var count = [Int](repeating: 0, count: n)
        // Last period's buffer, taken over so that it is written in place, not allocated again.
        var rows = servedRows
        servedRows = []
        if rows.count != p * classes { rows = [Float](repeating: 0, count: p * classes) }
        let tolerance = settings.expertTolerance
        scores.withUnsafeMutableBufferPointer { scores in
            pending.withUnsafeBufferPointer { pending in
                eligible.withUnsafeBufferPointer { eligible in
                    adaptivity.withUnsafeBufferPointer { adaptivity in
                        for t in 0..<p {
                            // Rows before t whose labels have arrived: all but the last `delay` of those served.
                            while waiting + t - head > delay {
                                weight = decay * weight + 1
                                let right = pending.baseAddress! + head * n
                                for k in 0..<n { scores[k] = decay * scores[k] + Double(right[k]) }
                                head += 1
                            }
                            let k = weight > 0
                                ? Self.leader(scores: UnsafeBufferPointer(scores), active: eligible, adaptivity: adaptivity,
                                              tolerance: tolerance, weight: weight) ?? first
                                : first
                            count[k] += 1
                            predictions[k].withUnsafeBufferPointer { served in
                                for c in 0..<classes { rows[t * classes + c] = served[t * classes + c] }
                            }
                        }
                    }
                }
            }
        }
        pending.removeFirst(head * n)
        sampleScores = scores
        sampleWeight = weight
        servedRows = rows
        servedRowCounts = count
        return count.indices.max { count[$0] < count[$1] }!  // the first of equal counts
    }

    /// `leader_log_lr`, `leader_log2_batch`, `leader_margin` (schema v4) for the scores as they are.
    func leaderFeatures() -> [Float] {
        guard let leader else { return [0, 0, 0] }
        let (lr, batch) = actions.values(of: expertSettings[leader])
        let lead = active[served] && scores[served].isFinite
            ? (scores[leader] - scores[served]) * (1 - settings.expertDecay) : 1
        return [ControlState.scaledLogLearningRate(lr, range: actions.learningRateRange),
                ControlState.scaledLogBatchSize(batch, range: actions.batchSizeRange),
                Float(min(max(lead, 0), 1))]
    }
}

/// Serves the expert pool's leader every period, never retraining: `drifttune learn --policy
/// leader`, and the rule a general policy over the pool starts from (`family train --leader-anchor`).
/// Reads `leader_log_lr` and `leader_log2_batch` (observation schema v4); without them, the default action.
public struct LeaderRule: TuningPolicy {
    public let name = "leader"

    public init() {}

    public func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        guard let l = context.schema.index(of: "leader_log_lr"), let b = context.schema.index(of: "leader_log2_batch"),
              observation.indices.contains(l), observation.indices.contains(b) else { return context.defaultAction }
        let bins = context.actions
        let rates = bins.learningRates.map { ControlState.scaledLogLearningRate($0, range: bins.learningRateRange) }
        let sizes = bins.batchSizes.map { ControlState.scaledLogBatchSize($0, range: bins.batchSizeRange) }
        func nearest(_ x: Float, _ positions: [Float]) -> Int {
            positions.indices.min { abs(positions[$0] - x) < abs(positions[$1] - x) } ?? 0
        }
        return TuningAction(learningRateBin: nearest(observation[l], rates), batchSizeBin: nearest(observation[b], sizes))
    }
}
