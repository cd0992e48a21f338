import DriftDetection
import Foundation
import Learners
import Linalg
import PolicyRuntime
import ProductionLearner

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
    /// The production learner's loop (learner, window, monitor): the same code `drifttune learn` runs.
    private var runner: PeriodRunner
    // The period being generated.
    private var periodFeatures: [Float] = []
    private var periodLabels: [Int32] = []
    // Episode state
    public private(set) var period = 0
    public var computeUsed: Double { runner.computeUsed }
    public var periodsSinceRetrain: Int { runner.periodsSinceRetrain }
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
        runner = PeriodRunner(learner: try components.makeLearner(spec, featureCount, classCount, 0),
                              monitor: Monitor(featureCount: featureCount, classCount: classCount, metric: spec.metric,
                                               detectors: components.makeDetectors()),
                              settings: Self.loopSettings(spec: spec, actions: actionSchema), rng: RandomSource(seed: 0))
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
        BLAS.withThreadCount(1) { body(&self) }
    }

    private mutating func resetBody(seed: UInt64) -> [Float] {
        let root = RandomSource(seed: seed)
        generator = DomainGenerator(spec: spec, rng: root.split("generator"))
        var learnerSeed = root.split("learner")
        // Only fails for a configuration `init` already built once.
        let learner = (try? components.makeLearner(spec, featureCount, classCount, learnerSeed.next())) ?? runner.learner
        runner = PeriodRunner(learner: learner,
                              monitor: Monitor(featureCount: featureCount, classCount: classCount, metric: spec.metric,
                                               detectors: components.makeDetectors()),
                              settings: Self.loopSettings(spec: spec, actions: actionSchema), rng: root.split("retrain"))
        let p = spec.periodLength, f = featureCount
        periodFeatures = [Float](repeating: 0, count: p * f)
        periodLabels = [Int32](repeating: 0, count: p)
        learningRateBin = defaultAction.learningRateBin
        batchSizeBin = defaultAction.batchSizeBin
        runner.configure(learningRate: actionSchema.learningRates[learningRateBin], batchSize: actionSchema.batchSizes[batchSizeBin])

        // Warm-up: pre-drift data, trained for `retrain_epochs` passes; its tail seeds the window.
        let warm = spec.warmupPeriods * p
        var wx = [Float](repeating: 0, count: warm * f)
        var wy = [Int32](repeating: 0, count: warm)
        wx.withUnsafeMutableBufferPointer { px in
            wy.withUnsafeMutableBufferPointer { py in
                generator.generate(start: -Double(spec.warmupPeriods), samplesPerPeriod: p, count: warm,
                                   features: px.baseAddress!, labels: py.baseAddress!)
                runner.warmStart(px.baseAddress!, labels: py.baseAddress!, rows: warm)
            }
        }
        period = 0
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
        runner.configure(learningRate: actionSchema.learningRates[learningRateBin], batchSize: actionSchema.batchSizes[batchSizeBin])

        var compute = runner.retrain(RetrainDecision(rawValue: action.retrain.rawValue)!)
        var cost = 0.0
        if action.retrain != .none {
            cost += action.retrain == .fineTune ? spec.costs.fineTunePrice : spec.costs.retrainPrice
        }
        let (obs, reading, online) = runPeriod(learnOnline: action.learnOnline, computeSoFar: compute)
        compute += online
        cost += spec.costs.computePrice * compute
        let learner = runner.learner
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

    /// Generates the next period, runs it through the learner loop and observes.
    /// Returns the observation, the monitor reading and the compute units of online learning.
    private mutating func runPeriod(learnOnline: Bool, computeSoFar: Double = 0) -> ([Float], MonitorReading, Double) {
        let p = spec.periodLength
        let outcome = periodFeatures.withUnsafeMutableBufferPointer { px in
            periodLabels.withUnsafeMutableBufferPointer { py in
                generator.generate(start: Double(period), samplesPerPeriod: p, count: p,
                                   features: px.baseAddress!, labels: py.baseAddress!)
                return runner.runPeriod(px.baseAddress!, labels: py.baseAddress!, learnOnline: learnOnline, extraCompute: computeSoFar)
            }
        }
        lastReading = outcome.reading
        return (outcome.observation, outcome.reading, outcome.onlineCompute)
    }

    /// The learner loop a spec describes.
    static func loopSettings(spec: EnvironmentSpec, actions: ActionSchema) -> LoopSettings {
        LoopSettings(periodLength: spec.periodLength, window: spec.learner.window, labelDelay: spec.labels.delay,
                     fineTuneEpochs: spec.learner.fineTuneEpochs, retrainEpochs: spec.learner.retrainEpochs,
                     updateOverhead: spec.costs.updateOverhead, computeBudget: spec.costs.computeBudget,
                     expectedPeriods: spec.episodeLength,
                     learningRateRange: actions.learningRates.first!...actions.learningRates.last!,
                     batchSizeRange: actions.batchSizes.first!...actions.batchSizes.last!)
    }
}
