import Simulation

/// A training job: one trained method on one environment.
public struct TrainingJob: Sendable, Equatable {
    public var id: String
    public var environment: Int
    public var method: Method
}

/// An evaluation run: one method on one environment and one held-out seed.
public struct EvaluationJob: Sendable, Equatable {
    public var id: String
    public var environment: Int
    public var method: Method
    public var seed: UInt64
    public var trainingId: String?
}

/// Every job of a scenario, in table order, each with its stable identity.
public struct SweepPlan: Sendable {
    public var scenario: Scenario
    public var training: [TrainingJob]
    public var evaluation: [EvaluationJob]

    public init(scenario: Scenario) {
        self.scenario = scenario
        training = []
        evaluation = []
        for (e, env) in scenario.environments.enumerated() {
            for m in scenario.methods {
                var trainingId: String? = nil
                if m.isTrained {
                    let id = RunIdentity.training(scenario: scenario, environment: env, method: m)
                    training.append(TrainingJob(id: id, environment: e, method: m))
                    trainingId = id
                }
                var settings = m == .planner ? "horizon=\(scenario.planner.horizon),radius=\(scenario.planner.radius)" : ""
                if case .policyFile(let path) = m { settings = "policy_sha256=\(scenario.outsidePolicies[path]?.digest ?? "-")" }
                for seed in scenario.testSeeds {
                    evaluation.append(EvaluationJob(id: RunIdentity.run(environment: env, method: m, seed: seed, trainingId: trainingId,
                                                                        settings: settings),
                                                    environment: e, method: m, seed: seed, trainingId: trainingId))
                }
            }
        }
    }

    /// The part of the plan shard `index` (0-based) of `count` runs: evaluation runs by identity,
    /// and the training jobs they need.
    public func shard(_ index: Int, of count: Int) -> SweepPlan {
        guard count > 1 else { return self }
        var p = self
        p.evaluation = evaluation.filter { RunIdentity.shard($0.id, count: count) == index }
        let needed = Set(p.evaluation.compactMap(\.trainingId))
        p.training = training.filter { needed.contains($0.id) }
        return p
    }

    /// Work units of a training job (environment steps), for progress and ETA.
    func weight(_ job: TrainingJob) -> Double {
        guard job.method == .staticHindsight else { return Double(scenario.training.steps) }
        let env = scenario.environments[job.environment]
        let grid = StaticHindsight(spec: env.spec, seeds: scenario.testSeeds, rules: scenario.hindsightRules).grid.count
        return Double(grid * scenario.testSeeds.count * env.spec.episodeLength)
    }

    /// Work units of an evaluation run (its episode's steps; the planner's simulated ones).
    func weight(_ job: EvaluationJob) -> Double {
        let spec = scenario.environments[job.environment].spec
        guard job.method == .planner else { return Double(spec.episodeLength) }
        let candidates = scenario.planner.candidates(around: spec.defaultAction, bins: spec.actionBins).count
        return Double(spec.episodeLength * (1 + candidates * scenario.planner.horizon))
    }
}
