import Foundation
import Testing
@testable import Experiments

/// One short environment, the two reference methods and rules that lie inside the hindsight grid.
private let headroomScenario = """
    name: headroom
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 6, warmup_periods: 1}
    train_seeds: [1]
    test_seeds: [11, 12]
    training: {steps: 12}
    planner: {horizon: 2, radius: 0}
    static_hindsight: {rules: [never, periodic:5, adwin]}
    methods: [fixed, periodic:5, adwin, static-hindsight, planner]
    statistics: {bootstrap_resamples: 200, bootstrap_seed: 9}

    """

@Suite(.serialized) struct HeadroomTests {
    @Test func referenceMethodsParseAndAreReferences() throws {
        for m in [Method.staticHindsight, .planner] {
            #expect(Method(name: m.description) == m)
            #expect(m.isReference)
        }
        #expect(Method.staticHindsight.isTrained && !Method.planner.isTrained)
        let s = try loadTiny(headroomScenario)
        #expect(s.planner.horizon == 2 && s.planner.radius == 0)
        #expect(s.hindsightRules.map(\.description) == ["never", "periodic:5", "adwin"])
        #expect(try loadTiny(tinyScenario).planner.horizon == 4)
        #expect(try loadTiny(tinyScenario).hindsightRules.count == 6)
        #expect(throws: (any Error).self) {
            try loadTiny(headroomScenario.replacingOccurrences(of: "adwin]", with: "sometimes]"))
        }
        #expect(throws: (any Error).self) {
            try loadTiny(headroomScenario.replacingOccurrences(of: "radius: 0", with: "depth: 0"))
        }
        #expect(s.planner.continuation == .hold)
        #expect(throws: (any Error).self) {
            try loadTiny(headroomScenario.replacingOccurrences(of: "radius: 0}", with: "radius: 0, continuation: sometimes}"))
        }
    }

    /// `continuation: static-hindsight`: the planner's rollouts follow static-hindsight's setting,
    /// read from that method's one training record (also planned when static-hindsight is not a
    /// method), and with a horizon to the episode's end it scores at least static-hindsight per seed.
    @Test func aPlannerContinuingWithStaticHindsightIsAtLeastIt() async throws {
        let text = headroomScenario.replacingOccurrences(of: "planner: {horizon: 2, radius: 0}",
                                                         with: "planner: {horizon: 6, radius: 0, continuation: static-hindsight}")
        let s = try loadTiny(text)
        #expect(s.planner.continuation == .base)
        let plan = SweepPlan(scenario: s)
        #expect(plan.training.filter { $0.method == .staticHindsight }.count == 1)
        let hindsight = try #require(plan.training.first { $0.method == .staticHindsight })
        #expect(plan.evaluation.filter { $0.method == .planner }.allSatisfy { $0.trainingId == hindsight.id })
        // Another identity than the planner that holds its candidate.
        #expect(Set(plan.evaluation.filter { $0.method == .planner }.map(\.id))
                .isDisjoint(with: SweepPlan(scenario: try loadTiny(headroomScenario)).evaluation.map(\.id)))
        let withoutHindsight = try loadTiny(text.replacingOccurrences(of: "adwin, static-hindsight, planner]", with: "adwin, planner]"))
        #expect(SweepPlan(scenario: withoutHindsight).training.map(\.method) == [.staticHindsight])
        let (dir, outcome) = try await sweepTiny(s, jobs: 2)
        #expect(outcome.wroteTables)
        let set = try ResultTables.resultSet(plan: plan, store: ResultStore(directory: dir))
        let planner = set.values(environment: "network-diagnosis", method: "planner", metric: "episode_reward").map(\.value)
        let static_ = set.values(environment: "network-diagnosis", method: "static-hindsight", metric: "episode_reward").map(\.value)
        #expect(planner.count == 2 && static_.count == 2)
        for (p, h) in zip(planner, static_) { #expect(p >= h - 1e-9) }
    }

    @Test func hindsightIsTheBestGridSettingOnTheTestSeedsAndTheHeadroomIsReported() async throws {
        let s = try loadTiny(headroomScenario)
        let (dir, outcome) = try await sweepTiny(s, jobs: 2)
        #expect(outcome.wroteTables && outcome.trained == 1)
        let store = ResultStore(directory: dir)
        let plan = SweepPlan(scenario: s)
        let job = try #require(plan.training.first { $0.method == .staticHindsight })
        let record = try #require(store.training(job.id))
        let setting = try #require(record.setting)
        #expect(StaticHindsight(spec: s.environments[0].spec, seeds: s.testSeeds, rules: s.hindsightRules).grid.contains(setting))
        let set = try ResultTables.resultSet(plan: plan, store: store)
        func mean(_ m: String) -> Double {
            Statistics.mean(set.values(environment: "network-diagnosis", method: m, metric: "episode_reward").map(\.value))
        }
        // Evaluated on the seeds it was chosen on, it scores what the search found, and no rule
        // of the grid beats it.
        #expect(abs(mean("static-hindsight") - record.curveValues.last!) < 1e-9)
        for rule in ["fixed", "periodic:5", "adwin"] { #expect(mean("static-hindsight") >= mean(rule)) }
        let md = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        #expect(md.contains("## Headroom") && md.contains("| static-hindsight (reference) |") && md.contains("| planner (reference) |"))
        #expect(md.contains("| network-diagnosis | \(SummaryMarkdown.format(mean("planner"))) | \(SummaryMarkdown.format(mean("static-hindsight"))) |"))
        let csv = try String(contentsOfFile: dir + "/summary.csv", encoding: .utf8)
        #expect(csv.contains(",planner,11,episode_reward,") && csv.contains(",static-hindsight,12,episode_reward,"))
    }
}
