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
    public var retrain: RetrainDecision
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
///     let r = env.step(TuningAction(learningRateBin: 2, batchSizeBin: 1, retrain: .fineTune))
///
/// A value, all the way down: the learners (`OnlineLearner` conformers), the monitor and its
/// detectors, the generator and the random streams are structs over arrays, so a copy is an
/// independent snapshot (copy-on-write) that can be stepped ahead without touching the original
/// (`LookaheadPlanner` relies on this; `TuningEnvironmentSnapshotTests` checks it).
public struct TuningEnvironment: Sendable {
    public let spec: EnvironmentSpec
    /// The observation it produces: v1, or v2 when the spec's loop runs shadow learners.
    public let schema: ObservationSchema
    /// The action heads' bins (the spec's `actions`).
    public let actions: ActionBins
    /// The learner loop (the spec's, through `EnvironmentSpec.loopSettings`).
    public let loop: LoopSettings
    public let components: EnvironmentComponents
    public let featureCount: Int
    public let classCount: Int
    /// The action that reproduces the spec's learner defaults with no retraining.
    public let defaultAction: TuningAction

    private var generator: DomainGenerator
    /// The production learner's loop (learner, window, monitor; an expert pool when the spec's loop
    /// has `experts`): the same code `drifttune learn` runs.
    private var runner: any PeriodLoop
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
    /// Compute units of the last simulated period (online learning plus any retrain before it).
    public private(set) var lastCompute = 0.0
    /// The action the last simulated period ran (a `steps` head moves from its learning-rate bin).
    public private(set) var lastAction: TuningAction

    public init(spec: EnvironmentSpec, components: EnvironmentComponents) throws {
        try spec.validate()
        self.spec = spec
        self.components = components
        actions = spec.actionBins
        loop = spec.loopSettings
        schema = loop.observationSchema
        let g = DomainGenerator(spec: spec, rng: RandomSource(seed: 0))
        featureCount = g.featureCount
        classCount = g.classCount
        generator = g
        runner = try Self.makeLoop(spec: spec, components: components, loop: loop, actions: actions,
                                   featureCount: g.featureCount, classCount: g.classCount, learnerSeed: 0, rng: RandomSource(seed: 0))
        defaultAction = spec.defaultAction
        lastAction = spec.defaultAction
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
        if let fresh = try? Self.makeLoop(spec: spec, components: components, loop: loop, actions: actions, featureCount: featureCount,
                                          classCount: classCount, learnerSeed: learnerSeed.next(), rng: root.split("retrain")) {
            runner = fresh
        }
        let p = spec.periodLength, f = featureCount
        periodFeatures = [Float](repeating: 0, count: p * f)
        periodLabels = [Int32](repeating: 0, count: p)
        let (lr, batch) = actions.values(of: defaultAction)
        runner.configure(learningRate: lr, batchSize: batch)

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
        return runPeriod(defaultAction).observation
    }

    private mutating func stepBody(_ action: TuningAction) -> StepResult {
        guard !done else {
            return StepResult(observation: [Float](repeating: 0, count: schema.count), reward: 0, done: true,
                              info: StepInfo(period: period, metric: 0, compute: 0, retrain: .none, learningRate: 0,
                                             batchSize: 0, activeEvents: [], reading: MonitorReading(),
                                             terminationReason: "step after the episode ended"))
        }
        period += 1
        let out = runPeriod(action)
        let obs = out.observation, reading = out.reading, compute = out.compute
        var cost = spec.costs.computePrice * compute
        switch out.action.retrain {
        case .none: break
        case .fineTune: cost += spec.costs.fineTunePrice
        case .fullRetrain: cost += spec.costs.retrainPrice
        }
        let learner = runner.learner
        let health = runner.health
        var info = StepInfo(period: period, metric: reading.metric, compute: compute, retrain: out.action.retrain,
                            learningRate: learner.learningRate, batchSize: learner.batchSize,
                            activeEvents: spec.drift.filter { $0.isActive(inPeriod: period) }.map(\.name),
                            reading: reading, terminationReason: nil)
        // Parameters can stay finite yet overflow the predictions; either way the episode ends here.
        var problem: String? = nil
        if case .diverged(let reason) = health { problem = reason }
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

    /// The spec's learner loop: one learner, or an expert pool (every expert built with `learnerSeed`).
    private static func makeLoop(spec: EnvironmentSpec, components: EnvironmentComponents, loop: LoopSettings, actions: ActionBins,
                                 featureCount: Int, classCount: Int, learnerSeed: UInt64, rng: RandomSource) throws -> any PeriodLoop {
        if loop.experts {
            return try ExpertPool(settings: loop, actions: actions, featureCount: featureCount, classCount: classCount,
                                  metric: spec.metric, makeDetectors: components.makeDetectors, rng: rng) {
                try components.makeLearner(spec, featureCount, classCount, learnerSeed)
            }
        }
        let monitor = Monitor(featureCount: featureCount, classCount: classCount, metric: spec.metric, detectors: components.makeDetectors())
        return PeriodRunner(learner: try components.makeLearner(spec, featureCount, classCount, learnerSeed),
                            monitor: monitor, settings: loop, actions: actions, rng: rng)
    }

    /// Generates the next period and runs it through the learner loop's shared step under `action`.
    private mutating func runPeriod(_ action: TuningAction) -> PeriodOutcome {
        let p = spec.periodLength
        let outcome = periodFeatures.withUnsafeMutableBufferPointer { px in
            periodLabels.withUnsafeMutableBufferPointer { py in
                generator.generate(start: Double(period), samplesPerPeriod: p, count: p,
                                   features: px.baseAddress!, labels: py.baseAddress!)
                return runner.step(action, px.baseAddress!, labels: py.baseAddress!)
            }
        }
        lastReading = outcome.reading
        lastCompute = outcome.compute
        lastAction = outcome.action
        return outcome
    }
}
