import Simulation

/// A training job: one trained method on one environment.
public struct TrainingJob: Sendable, Equatable {
    public var id: String
    public var environment: Int
    public var method: Method
    /// Which of the scenario's `agent_seeds` this agent is (1-based; 1 for every other method).
    public var agentSeed: Int = 1
}

/// An evaluation run: one method on one environment and one held-out seed.
public struct EvaluationJob: Sendable, Equatable {
    public var id: String
    public var environment: Int
    public var method: Method
    public var seed: UInt64
    public var trainingId: String?
    /// The agent seed whose training this run evaluates (1 for every other method).
    public var agentSeed: Int = 1
}

/// Which part of a sweep one invocation runs. `train` runs training units only and `evaluate`
/// evaluation units only (their training must already be in the results folder), so a cluster runs
/// each phase as its own array of shards over one shared folder and trains every unit once; `all`
/// runs a shard's evaluation runs and the training they need, in a folder of its own.
public enum SweepPhase: String, Sendable, CaseIterable {
    case train, evaluate, all
}

/// One unit of work of a sweep plan (`drifttune sweep --plan`).
public struct SweepUnit: Sendable, Equatable, Encodable {
    /// `train`, `evaluate` or `tables`.
    public var phase: String
    /// The unit's identity: its file is `train/<id>.json` or `runs/<id>.json`.
    public var id: String
    public var environment: String?
    public var method: String?
    public var seed: UInt64?
    /// The agent seed (only with `agent_seeds` > 1, on the agent's units).
    public var agentSeed: Int?
    /// Units that must be finished first.
    public var needs: [String]
    /// Estimated work (environment steps).
    public var work: Double
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
                for agentSeed in 1...(m == .agent ? scenario.agentSeeds : 1) {
                    var trainingId: String? = nil
                    // A planner that continues with static-hindsight's setting reads that method's training.
                    let trainedAs: Method? = m.isTrained ? m : (m == .planner && scenario.planner.continuation == .base ? .staticHindsight : nil)
                    if let trainedAs {
                        let id = RunIdentity.training(scenario: scenario, environment: env, method: trainedAs, agentSeed: agentSeed)
                        if !training.contains(where: { $0.id == id }) {
                            training.append(TrainingJob(id: id, environment: e, method: trainedAs, agentSeed: agentSeed))
                        }
                        trainingId = id
                    }
                    var settings = m == .planner ? "horizon=\(scenario.planner.horizon),radius=\(scenario.planner.radius)" : ""
                    if m == .planner && scenario.planner.continuation == .base { settings += ",continuation=static-hindsight" }
                    if case .policyFile(let path) = m { settings = "policy_sha256=\(scenario.outsidePolicies[path]?.digest ?? "-")" }
                    for seed in scenario.testSeeds {
                        evaluation.append(EvaluationJob(id: RunIdentity.run(environment: env, method: m, seed: seed, trainingId: trainingId,
                                                                            settings: settings),
                                                        environment: e, method: m, seed: seed, trainingId: trainingId,
                                                        agentSeed: agentSeed))
                    }
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

    /// The training jobs shard `index` (0-based) of `count` runs in `--phase train`: every job goes to
    /// exactly one shard, so training is done once however many shards there are. Jobs are dealt
    /// heaviest first to the least loaded shard (ties to the lowest shard, jobs of equal weight in
    /// plan order), which depends only on the plan.
    public func trainingShard(_ index: Int, of count: Int) -> [TrainingJob] {
        guard count > 1 else { return training }
        var load = [Double](repeating: 0, count: count)
        var owner = [Int](repeating: 0, count: training.count)
        let order = training.indices.sorted { a, b in
            let wa = weight(training[a]), wb = weight(training[b])
            return wa != wb ? wa > wb : a < b
        }
        for i in order {
            let s = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            owner[i] = s
            load[s] += weight(training[i])
        }
        return training.indices.filter { owner[$0] == index }.map { training[$0] }
    }

    /// The evaluation runs shard `index` (0-based) of `count` runs in `--phase evaluate`: by identity,
    /// as in `shard(_:of:)`.
    public func evaluationShard(_ index: Int, of count: Int) -> [EvaluationJob] {
        guard count > 1 else { return evaluation }
        return evaluation.filter { RunIdentity.shard($0.id, count: count) == index }
    }

    /// The units of work in dependency order: training units, evaluation units (each needing its
    /// training unit, if its method trains), and the tables, which need every evaluation unit.
    /// With `phase` and a shard, only that shard's units of that phase (`all`: the shard of
    /// `shard(_:of:)`, which repeats the training its runs need).
    public func units(phase: SweepPhase = .all, shardIndex: Int = 0, shardCount: Int = 1) -> [SweepUnit] {
        var units: [SweepUnit] = []
        let trainingJobs: [TrainingJob], evaluationJobs: [EvaluationJob]
        switch phase {
        case .train: (trainingJobs, evaluationJobs) = (trainingShard(shardIndex, of: shardCount), [])
        case .evaluate: (trainingJobs, evaluationJobs) = ([], evaluationShard(shardIndex, of: shardCount))
        case .all:
            let p = shard(shardIndex, of: shardCount)
            (trainingJobs, evaluationJobs) = (p.training, p.evaluation)
        }
        for j in trainingJobs {
            units.append(SweepUnit(phase: "train", id: j.id, environment: scenario.environments[j.environment].label,
                                   method: j.method.description, seed: nil, agentSeed: unitAgentSeed(j.method, j.agentSeed),
                                   needs: [], work: weight(j)))
        }
        for j in evaluationJobs {
            units.append(SweepUnit(phase: "evaluate", id: j.id, environment: scenario.environments[j.environment].label,
                                   method: j.method.description, seed: j.seed, agentSeed: unitAgentSeed(j.method, j.agentSeed),
                                   needs: j.trainingId.map { [$0] } ?? [], work: weight(j)))
        }
        if phase == .all && shardCount == 1 {
            units.append(SweepUnit(phase: "tables", id: "tables", environment: nil, method: nil, seed: nil, agentSeed: nil,
                                   needs: evaluation.map(\.id), work: 0))
        }
        return units
    }

    /// A unit's agent seed as `--plan` shows it: only when the scenario trains several agents.
    private func unitAgentSeed(_ method: Method, _ agentSeed: Int) -> Int? {
        method == .agent && scenario.agentSeeds > 1 ? agentSeed : nil
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
