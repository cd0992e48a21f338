import Foundation
import Linalg
import PolicyRuntime
import Testing
@testable import Experiments

private let seededScenario = """
    name: tiny-agent-seeds
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 8, warmup_periods: 1}
    train_seeds: [1, 2, 3]
    test_seeds: [11, 12, 13]
    training: {steps: 64}
    agent: {num_envs: 2, num_steps: 8, num_minibatches: 2, update_epochs: 2, hidden_sizes: [16, 16]}
    agent_seeds: 3
    methods: [agent, fixed, never]
    statistics: {bootstrap_resamples: 300}

    """

/// `agent_seeds: N` trains N agents per environment from their own streams and evaluates each on
/// every held-out seed; agent seed 1 keeps the identity of the scenario without the key.
@Test func agentSeedsTrainSeveralAgentsAndKeepSeedOnesIdentity() throws {
    let seeded = try loadTiny(seededScenario)
    #expect(seeded.agentSeeds == 3)
    let plan = SweepPlan(scenario: seeded)
    let agentJobs = plan.training.filter { $0.method == .agent }
    #expect(agentJobs.map(\.agentSeed) == [1, 2, 3])
    #expect(Set(agentJobs.map(\.id)).count == 3)
    #expect(plan.evaluation.filter { $0.method == .agent }.count == 9)
    #expect(plan.evaluation.filter { $0.method.description == "fixed" }.count == 3)
    let single = SweepPlan(scenario: try loadTiny(seededScenario.replacingOccurrences(of: "agent_seeds: 3\n", with: "")))
    #expect(single.training.map(\.id) == [agentJobs[0].id])
    #expect(Set(single.evaluation.map(\.id)).isSubset(of: Set(plan.evaluation.map(\.id))))
    // The plan shows the agent seed on the agent's units only.
    let units = plan.units()
    #expect(units.filter { $0.method == "agent" }.allSatisfy { $0.agentSeed != nil })
    #expect(units.filter { $0.method == "fixed" }.allSatisfy { $0.agentSeed == nil })
}

@Test func agentSeedsAreCheckedWhenRead() {
    func error(_ replacement: String) -> String {
        do {
            _ = try loadTiny(seededScenario.replacingOccurrences(of: "agent_seeds: 3", with: replacement))
            return ""
        } catch { return String(describing: error) }
    }
    #expect(error("agent_seeds: 0").contains("agent_seeds"))
    #expect(error("agent_seeds: 101").contains("1...100"))
    #expect(error("agent_seeds: three").contains("agent_seeds"))
    let noAgent = seededScenario.replacingOccurrences(of: "methods: [agent, fixed, never]", with: "methods: [fixed, never]")
    do {
        _ = try loadTiny(noAgent)
        Issue.record("agent_seeds without an agent was accepted")
    } catch {
        #expect(String(describing: error).contains("need the agent among the methods"))
    }
}

/// A sweep with three agent seeds: the tables carry the training seed, the summary reports the
/// agent over training seeds, every seed's policy is exported, and `report` rebuilds the same
/// pages from the CSVs alone.
@Test func sweepWithAgentSeedsReportsStatisticsOverTrainingSeeds() async throws {
    let s = try loadTiny(seededScenario)
    let (dir, outcome) = try await sweepTiny(s, jobs: 2)
    #expect(outcome.trained == 3 && outcome.evaluated == 9 + 3 + 3)
    let csv = try String(contentsOfFile: dir + "/summary.csv", encoding: .utf8)
    #expect(csv.hasPrefix("scenario,environment,method,seed,metric,value,training_seed\n"))
    let set = try ResultTables.load(directory: dir)
    let agent = set.matrix(environment: "network-diagnosis", method: "agent", metric: "episode_reward")
    #expect(agent.seeds == [11, 12, 13] && agent.rows.count == 3)
    #expect(Set(agent.rows).count > 1, "agents from distinct streams should differ")
    #expect(set.matrix(environment: "network-diagnosis", method: "fixed", metric: "episode_reward").rows.count == 1)
    let md = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
    #expect(md.contains("## Over training seeds") && md.contains("3 training seeds × 3 held-out seeds"))
    #expect(md.contains("| fixed | ") && md.contains("P(agent > X)"))
    #expect(md.contains("paired over 3 seeds × 3 agent training seeds"))
    let stats = try String(contentsOfFile: dir + "/training-seeds.csv", encoding: .utf8)
    #expect(stats.contains("network-diagnosis,probability_of_improvement,never,"))
    #expect(stats.contains("network-diagnosis,mean_training_seed_3,,"))
    for k in [2, 3] {
        #expect(FileManager.default.fileExists(atPath: dir + "/policies/network-diagnosis.agent-seed-\(k).policy"))
    }
    let manifest = try Manifest.load(directory: dir)
    #expect(manifest.agentSeeds == 3)
    // The BLAS kernel set that computed the figures is on record (their last bits depend on it).
    #expect(manifest.blasCore == BLAS.coreName && !BLAS.coreName.isEmpty && BLAS.coreName != "unknown")
    let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
    #expect(html.contains("Over 3 agent training seeds") && html.contains("performance profile"))
    // The pages come back byte for byte from the CSVs.
    let before = snapshot(dir)
    try ResultTables.writeReports(directory: dir)
    #expect(snapshot(dir) == before)
}

@Test func probabilityOfImprovementCountsPairsPerSeedAndTiesAsHalf() {
    // Two agent runs × two seeds against one baseline run: pairs (seed-wise) 3>1, 1<2, 5>1, 2=2.
    let agent: TrainingSeedStatistics.Runs = [[3, 1], [5, 2]]
    let baseline: TrainingSeedStatistics.Runs = [[1, 2]]
    #expect(TrainingSeedStatistics.probabilityOfImprovement(agent, over: baseline) == 2.5 / 4)
    #expect(TrainingSeedStatistics.probabilityOfImprovement(baseline, over: agent) == 1.5 / 4)
    #expect(TrainingSeedStatistics.probabilityOfImprovement(agent, over: agent) > 0.4)
    // Profile: share strictly above each threshold.
    #expect(TrainingSeedStatistics.profile(agent, thresholds: [0, 2, 5]) == [1, 0.5, 0])
    #expect(TrainingSeedStatistics.thresholds(spanning: [1, 3, 5], count: 3) == [1, 3, 5])
}

/// The two-level bootstrap carries the spread between training seeds: agents that disagree a lot
/// give a wider interval than the same per-seed means from one run, and the estimate is the mean.
@Test func twoLevelBootstrapWidensWithTrainingSeedSpread() {
    let seedMeans: [Double] = [10, 11, 9, 10.5, 9.5, 10.2, 9.8, 10.1]
    let spread: TrainingSeedStatistics.Runs = [seedMeans.map { $0 - 3 }, seedMeans.map { $0 + 3 }, seedMeans.map { $0 - 2 }, seedMeans.map { $0 + 2 }]
    let oneRun: TrainingSeedStatistics.Runs = [seedMeans]
    func ci(_ runs: TrainingSeedStatistics.Runs) -> ConfidenceInterval {
        TrainingSeedStatistics.interval(strata: [[runs]], resamples: 2000, confidence: 0.95, seed: 5) { TrainingSeedStatistics.mean($0[0][0]) }
    }
    let wide = ci(spread), narrow = ci(oneRun)
    #expect(abs(wide.estimate - narrow.estimate) < 1e-12)
    #expect(wide.upper - wide.lower > 2 * (narrow.upper - narrow.lower))
    #expect(wide.lower < wide.estimate && wide.estimate < wide.upper)
    // Same seed, same interval; a constant sample has a point interval.
    #expect(ci(spread) == wide)
    let flat = ci([[4, 4, 4], [4, 4, 4]])
    #expect(flat.lower == 4 && flat.upper == 4)
}
