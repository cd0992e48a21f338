import Linalg
import PolicyRuntime
import Simulation

/// The best *static* configuration by random search over (learning-rate bin, batch-size bin,
/// retrain period), with a simulation budget in environment steps (the agent's). Candidates are
/// drawn without replacement from the grid and scored by mean episode reward on the same training
/// seeds (common random numbers), so differences between candidates are not seed luck.
public struct StaticSearch: Sendable {
    /// Retrain periods searched (0: never).
    public static let retrainPeriods = [0, 3, 5, 10, 20]

    public var specs: [EnvironmentSpec]
    public var seeds: [UInt64]
    public var steps: Int

    public init(specs: [EnvironmentSpec], seeds: [UInt64], steps: Int) {
        self.specs = specs
        self.seeds = seeds
        self.steps = steps
    }

    /// Steps one candidate costs: one episode per spec and seed.
    public var stepsPerCandidate: Int { specs.reduce(0) { $0 + $1.episodeLength } * seeds.count }

    /// Runs the search with `rng` (split from the run's identity).
    public func run(rng: RandomSource, components: EnvironmentComponents = .standard) throws -> TrainingRecord {
        let first = specs[0].actionBins
        var grid: [FixedSetting] = []
        for lr in first.learningRates.indices {
            for b in first.batchSizes.indices {
                for k in StaticSearch.retrainPeriods { grid.append(FixedSetting(learningRateBin: lr, batchSizeBin: b, retrainEvery: k)) }
            }
        }
        var rng = rng
        rng.shuffle(&grid)
        let count = max(1, min(grid.count, steps / max(stepsPerCandidate, 1)))
        return try StaticSearch.best(of: Array(grid.prefix(count)), specs: specs, seeds: seeds, method: .staticSearch,
                                     components: components)
    }

    /// Scores every candidate in order by mean episode reward over `specs` × `seeds` (common random
    /// numbers) and keeps the best (the first on ties). The record's `setting` is the winner, its
    /// curve the best score so far against environment steps simulated.
    static func best(of candidates: [FixedSetting], specs: [EnvironmentSpec], seeds: [UInt64], method: Method,
                     components: EnvironmentComponents) throws -> TrainingRecord {
        var envs = try specs.map { try TuningEnvironment(spec: $0, components: components) }
        var best: (FixedSetting, Double)? = nil
        var simulated = 0
        var curveSteps: [Int] = [], curveValues: [Double] = []
        for candidate in candidates {
            var rewards: [Double] = []
            for i in envs.indices {
                for seed in seeds {
                    let r = envs[i].runEpisode(policy: AnyPolicy(candidate.policy), seed: seed)
                    rewards.append(r.totalReward)
                    simulated += r.periods.count - 1
                }
            }
            let score = Statistics.mean(rewards)
            if best == nil || score > best!.1 { best = (candidate, score) }
            curveSteps.append(simulated)
            curveValues.append(best!.1)
        }
        return TrainingRecord(id: "", environment: "", method: method.description, steps: simulated,
                              curveSteps: curveSteps, curveValues: curveValues, setting: best?.0, agentPolicy: nil)
    }
}

/// A type-erased policy (so existential policies can run through generic episode code).
public struct AnyPolicy: TuningPolicy {
    public var base: any TuningPolicy
    public init(_ base: any TuningPolicy) { self.base = base }
    public var name: String { base.name }
    public mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        base.decide(observation, context: context)
    }
}
