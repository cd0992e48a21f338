import ArgumentParser
import Experiments
import Foundation
import PolicyGradient
import Simulation
import YAMLConfig

extension PolicyGradientAlgorithm: ExpressibleByArgument {}

/// `drifttune train`: train a policy-gradient agent on a drift environment or CartPole.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a PPO or REINFORCE agent on an environment (or cartpole).",
        discussion: """
            Writes curve.csv (one row per iteration) and checkpoint.json to --out. Ctrl-C saves a \
            checkpoint and exits with status 130; --resume continues it and ends with exactly the \
            weights of an uninterrupted run. Hyperparameters: defaults per environment, then the \
            --config YAML file (keys: \(TrainingSettings.yamlKeys.joined(separator: ", "))), then flags.
            """
    )

    @Option(help: "Environment name (environments/NAME.yaml), a path to a spec, or 'cartpole'.")
    var env: String

    @OptionGroup var environmentOptions: EnvironmentOptions

    @Option(help: "Algorithm: ppo or reinforce.")
    var algo: PolicyGradientAlgorithm = .ppo

    @Option(help: "Training budget in environment steps (all environments together).")
    var steps: Int?

    @Option(help: "Run seed; every random stream of the run is split from it.")
    var seed: UInt64 = 1

    @Option(help: "Output directory (default: runs/ENV-ALGO-seedS).")
    var out: String?

    @Option(help: "YAML file of hyperparameters.")
    var config: String?

    @Flag(help: "Continue the run saved in --out from its last checkpoint.")
    var resume = false

    @Flag(help: "End by printing one JSON object (environment, algorithm, seed, steps, wall time, evaluation).")
    var json = false

    @Option(help: "Adam learning rate.")
    var learningRate: Float?

    @Option(help: "Parallel environments per rollout.")
    var numEnvs: Int?

    @Option(help: "Steps per environment per rollout.")
    var numSteps: Int?

    @Option(help: "Discount factor γ.")
    var gamma: Double?

    @Option(help: "Entropy bonus coefficient.")
    var entropyCoefficient: Float?

    @Option(help: "Hidden layer widths, e.g. 64,64.")
    var hiddenSizes: String?

    @Option(help: "Threads that step environments (default: all cores for drift environments). Results do not depend on it.")
    var jobs: Int?

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let target = try AgentEnvironment.resolve(env, catalog: environmentOptions.catalog(), components: .standard)
            switch target {
            case .cartPole:
                try train(target, factory: { _ in CartPole() })
            case .tuning(let base):
                try train(target, factory: { _ in TuningEnvironmentAdapter(base) })
            }
        }
    }

    /// The settings of a new run: environment defaults, then the YAML file, then flags.
    func settings(for target: AgentEnvironment) throws -> TrainingSettings {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var s = target.defaultSettings(algorithm: algo, workers: cores)
        if let config {
            try InputConfinement.requireYAMLMappingFile(config, what: "training settings (YAML)")
            s = try s.applying(yamlFile: config)
        }
        if let steps { s.config.steps = steps }
        if let learningRate { s.config.learningRate = learningRate }
        if let numEnvs { s.config.numEnvs = numEnvs }
        if let numSteps { s.config.numSteps = numSteps }
        if let gamma { s.config.gamma = gamma }
        if let entropyCoefficient { s.config.entropyCoefficient = entropyCoefficient }
        if let jobs { s.config.environmentWorkers = jobs }
        if let hiddenSizes {
            let widths = hiddenSizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !widths.isEmpty, widths.allSatisfy({ $0 != nil }) else {
                throw UserError("--hidden-sizes '\(hiddenSizes)': expected comma-separated layer widths, e.g. 64,64")
            }
            s.config.hiddenSizes = widths.map { $0! }
        }
        try s.validate()
        return s
    }

    private func train<Env: RLEnvironment>(_ target: AgentEnvironment, factory: @escaping (Int) -> Env) throws {
        let directory = URL(fileURLWithPath: out ?? "runs/\(env)-\(algo.rawValue)-seed\(seed)")
        let run: TrainingRun<Env>
        if resume {
            let overrides = [config != nil, learningRate != nil, numEnvs != nil, numSteps != nil, gamma != nil,
                             entropyCoefficient != nil, hiddenSizes != nil]
            guard !overrides.contains(true) else {
                throw UserError("--resume continues with the checkpoint's hyperparameters; drop --config and the hyperparameter flags")
            }
            run = try TrainingRun(resumingIn: directory, environment: env, environmentFactory: factory)
            if let steps, steps != run.settings.config.steps {
                throw UserError("--steps \(steps): the run in \(directory.path) has a budget of \(run.settings.config.steps) steps (its learning-rate schedule depends on it); drop --steps")
            }
        } else {
            run = try TrainingRun(environment: env, settings: try settings(for: target), seed: seed,
                                  directory: directory, environmentFactory: factory)
        }
        let (evaluation, summary) = try run.runToBudget(directory: directory)
        if json {
            try emit(try SnakeCaseJSON.string(summary))
        } else {
            try emit(String(format: "%@ %@ seed %llu: %d steps in %.1f s; greedy evaluation on %d held-out seeds: mean reward %.3f ± %.3f (std)",
                         env, algo.rawValue, seed, summary.envSteps, summary.wallSeconds, evaluation.returns.count,
                         evaluation.meanReturn, evaluation.stdReturn))
            try emit("curve: \(run.curveURL.path)\ncheckpoint: \(run.checkpointURL.path)")
        }
    }
}

/// The live progress line on standard error: rewritten in place on a terminal, one line per
/// iteration otherwise.
final class ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var shown = false

    func show(_ s: IterationStats, total: Int) {
        let reward = s.meanEpisodeReturn.map { String(format: "%.3f", $0) } ?? "–"
        let line = String(format: "iter %d  steps %d/%d  %.0f steps/s  reward %@  entropy %.3f  value loss %.4g",
                          s.iteration, s.globalStep, total, s.stepsPerSecond, reward, s.entropy, s.valueLoss)
        warn((isTerminal ? "\r\u{1B}[K" + line : line + "\n"))
        shown = true
    }

    func finish() {
        if isTerminal && shown { warn("\n") }
    }
}

extension TrainingRun {
    /// Trains to the budget with a live progress line, then evaluates greedily. On Ctrl-C the
    /// checkpoint is saved, the message says how to resume, and the command exits with 130.
    func runToBudget(directory: URL) throws -> (EvaluationResult, TrainingSummary) {
        let interrupt = InterruptFlag.installForSIGINT()
        let progress = ProgressLine()
        let outcome = try run(shouldStop: { interrupt.isRaised }) { progress.show($0, total: self.settings.config.steps) }
        progress.finish()
        if outcome == .interrupted {
            warn("drifttune: checkpoint saved in \(directory.path) at \(trainer.globalStep) steps; continue with --resume\n")
            throw ExitCode(130)
        }
        let evaluation = evaluate()
        return (evaluation, summary(evaluation: evaluation, finished: true))
    }
}
