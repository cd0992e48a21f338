import PolicyRuntime
import Simulation

/// The best *static* setting in hindsight: every learning-rate bin × batch-size bin × retrain rule,
/// each played on the evaluation seeds themselves and scored by mean episode reward (common random
/// numbers). A reference, like the oracle: it has seen the test seeds, so no deployable method can
/// expect to match it. Deterministic: the grid is walked in a fixed order and ties keep the first.
public struct StaticHindsight: Sendable {
    /// Retrain rules of the grid, as `HandWrittenRule` names ("fixed": never retrain).
    public static let retrainRules = ["fixed", "periodic:5", "periodic:10", "periodic:20", "adwin", "ddm"]

    public var spec: EnvironmentSpec
    /// The evaluation seeds.
    public var seeds: [UInt64]

    public init(spec: EnvironmentSpec, seeds: [UInt64]) {
        self.spec = spec
        self.seeds = seeds
    }

    /// Every setting of the grid, in search order.
    public var grid: [StaticRuleSetting] {
        let bins = spec.actionBins
        var out: [StaticRuleSetting] = []
        for rule in StaticHindsight.retrainRules {
            for lr in bins.learningRates.indices {
                for b in bins.batchSizes.indices { out.append(StaticRuleSetting(learningRateBin: lr, batchSizeBin: b, rule: rule)) }
            }
        }
        return out
    }

    /// Plays the whole grid; the record's `ruleSetting` is the winner, its curve the best score so far.
    public func run(components: EnvironmentComponents = .standard) throws -> TrainingRecord {
        var env = try TuningEnvironment(spec: spec, components: components)
        var best: (StaticRuleSetting, Double)? = nil
        var simulated = 0
        var curveSteps: [Int] = [], curveValues: [Double] = []
        for candidate in grid {
            guard let policy = candidate.policy else { continue }
            var rewards: [Double] = []
            for seed in seeds {
                let r = env.runEpisode(policy: AnyPolicy(policy), seed: seed)
                rewards.append(r.totalReward)
                simulated += r.periods.count - 1
            }
            let score = Statistics.mean(rewards)
            if best == nil || score > best!.1 { best = (candidate, score) }
            curveSteps.append(simulated)
            curveValues.append(best!.1)
        }
        return TrainingRecord(id: "", environment: "", method: Method.staticHindsight.description, steps: simulated,
                              curveSteps: curveSteps, curveValues: curveValues, setting: nil, agentPolicy: nil,
                              ruleSetting: best?.0)
    }
}

/// A static setting with a retrain rule: fixed learning-rate and batch-size bins, and a
/// `HandWrittenRule` deciding when to retrain ("fixed", "periodic:K", "adwin", "ddm").
public struct StaticRuleSetting: Sendable, Hashable, Codable {
    public var learningRateBin: Int
    public var batchSizeBin: Int
    public var rule: String

    public init(learningRateBin: Int, batchSizeBin: Int, rule: String) {
        self.learningRateBin = learningRateBin
        self.batchSizeBin = batchSizeBin
        self.rule = rule
    }

    /// The rule at these bins (nil for a name `HandWrittenRule` does not know).
    public var policy: (any TuningPolicy)? {
        HandWrittenRule.parse(rule, learningRateBin: learningRateBin, batchSizeBin: batchSizeBin)
    }
}
