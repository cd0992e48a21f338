import ArgumentParser
import Experiments
import Foundation
import PolicyGradient
import Simulation
import YAMLConfig

/// `drifttune evaluate`: play a saved policy greedily on chosen seeds.
public struct EvaluateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained policy greedily, one episode per seed.",
        discussion: "The environment must have the observation size and action heads the policy was trained with."
    )

    @Argument(help: "A checkpoint.json written by `drifttune train`, or its run directory.")
    var checkpoint: String

    @Option(help: "Environment name (environments/NAME.yaml), a path to a spec, or 'cartpole'.")
    var env: String

    @OptionGroup var environmentOptions: EnvironmentOptions

    @Option(help: "Reset seeds: A..B (inclusive) or one seed.")
    var seeds: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Also play the best fixed configuration of the environment's default grid and retrain-on-ADWIN on the same seeds, and compare (drift environments only).")
    var baselines = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let seedList = try SeedRange.parse(seeds)
            let url = TrainingCheckpoint.location(fileOrRunDirectory: checkpoint)
            var saved = try TrainingCheckpoint.read(from: url)
            saved.trainer.config.environmentWorkers = ProcessInfo.processInfo.activeProcessorCount
            let result: EvaluationResult
            var comparison: BaselineComparison?
            switch try AgentEnvironment.resolve(env, catalog: environmentOptions.catalog(), components: .standard) {
            case .cartPole:
                if baselines { throw UserError("--baselines needs a drift environment; cartpole has no tuning baselines") }
                result = try PPOTrainer(checkpoint: saved.trainer, environmentFactory: { _ in CartPole() })
                    .evaluate(seeds: seedList)
            case .tuning(let base):
                result = try PPOTrainer(checkpoint: saved.trainer, environmentFactory: { _ in TuningEnvironmentAdapter(base) })
                    .evaluate(seeds: seedList)
                if baselines { comparison = BaselineComparison.run(environment: base, seeds: seedList, agentRewards: result.returns) }
            }
            let summary = EvaluationSummary(seeds: seedList, result: result)
            if json {
                let encoder = SnakeCaseJSON.encoder()
                var object = try JSONSerialization.jsonObject(with: encoder.encode(summary)) as? [String: Any] ?? [:]
                object["environment"] = env
                object["checkpoint"] = url.path
                object["trained_on"] = saved.environment
                if let comparison {
                    object["baselines"] = try JSONSerialization.jsonObject(with: encoder.encode(comparison))
                }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                try emit(String(decoding: data, as: UTF8.self))
            } else {
                for (s, r) in zip(seedList, result.returns) { try emit(String(format: "seed %llu  reward %.4f", s, r)) }
                try emit(String(format: "mean %.4f  std %.4f  over %d episodes", result.meanReturn, result.stdReturn, seedList.count))
                if let comparison { try emit("\n" + comparison.markdown()) }
            }
        }
    }
}
