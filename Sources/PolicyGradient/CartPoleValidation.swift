import Foundation

/// One seed of the CartPole acceptance run.
public struct CartPoleValidationResult: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var steps: Int
    public var wallSeconds: Double
    /// Greedy mean return over the evaluation episodes at the end of training.
    public var finalMeanReturn: Double
    public var finalStdReturn: Double
    /// Environment steps at which a periodic greedy evaluation first reached `threshold` (nil: never).
    public var firstStepReachingThreshold: Int?
    public var threshold: Double
    /// True when the run reached the threshold within its budget.
    public var solved: Bool { firstStepReachingThreshold != nil }
}

/// The agent's reference check: PPO with `TrainingSettings.cartPole()` (CleanRL's settings, constant
/// learning rate) must reach a greedy mean return of 475 over 20 episodes within 150,000
/// environment steps.
public enum CartPoleValidation {
    /// Trains one PPO agent per seed on CartPole for `steps` environment steps, evaluating greedily
    /// on `episodes` episodes every `evaluationInterval` iterations and at the end.
    public static func run(
        seeds: [UInt64], steps: Int = 150_000, episodes: Int = 20, threshold: Double = 475,
        evaluationInterval: Int = 10, config: PPOConfig? = nil,
        progress: (CartPoleValidationResult) -> Void = { _ in }
    ) -> [CartPoleValidationResult] {
        seeds.map { seed in
            var c = config ?? TrainingSettings.cartPole().config
            c.steps = steps
            let start = Date()
            let trainer = PPOTrainer(config: c, environmentFactory: { _ in CartPole() }, seed: seed)
            var first: Int?
            trainer.train(until: steps) { stats in
                guard first == nil, stats.iteration % evaluationInterval == 0 else { return }
                if trainer.evaluate(episodes: episodes, seed: 10_000 + seed).meanReturn >= threshold {
                    first = stats.globalStep
                }
            }
            let final = trainer.evaluate(episodes: episodes, seed: 10_000 + seed)
            if first == nil, final.meanReturn >= threshold { first = trainer.globalStep }
            let result = CartPoleValidationResult(
                seed: seed, steps: trainer.globalStep, wallSeconds: Date().timeIntervalSince(start),
                finalMeanReturn: final.meanReturn, finalStdReturn: final.stdReturn,
                firstStepReachingThreshold: first, threshold: threshold)
            progress(result)
            return result
        }
    }
}
