import Testing
@testable import Experiments

@Test func tinyScenarioLoadsWithOverrides() throws {
    let s = try loadTiny()
    #expect(s.name == "tiny")
    #expect(s.environments.map(\.label) == ["network-diagnosis", "recommendation"])
    #expect(s.environments[0].spec.periodLength == 100 && s.environments[0].spec.episodeLength == 8)
    #expect(s.environments[1].spec.labels.delay == 20)
    #expect(s.methods.map(\.description) == ["fixed", "static-search", "periodic:3", "adwin", "cosine-restarts", "oracle"])
    #expect(s.trainSeeds == [1, 2] && s.testSeeds == [11, 12, 13])
    #expect(s.training.budgetSteps == 24)
    #expect(s.statistics.resamples == 200 && s.statistics.seed == 9)
    #expect(s.contentHash.count == 64)
}

@Test func seedRangesExpand() throws {
    let s = try loadTiny(tinyScenario.replacingOccurrences(of: "test_seeds: [11, 12, 13]", with: "test_seeds: {from: 100, count: 4}"))
    #expect(s.testSeeds == [100, 101, 102, 103])
}

/// Loads a variant of the tiny scenario and returns the error message.
func scenarioError(_ replace: String, with: String) throws -> String {
    let text = tinyScenario.replacingOccurrences(of: replace, with: with)
    #expect(text != tinyScenario, "the replacement must apply")
    do {
        _ = try loadTiny(text)
        Issue.record("expected an error for \(with)")
        return ""
    } catch {
        return String(describing: error)
    }
}

@Test func unknownKeyNamesFileLineAndField() throws {
    let m = try scenarioError("training: {budget_steps: 24}", with: "training: {budget_steps: 24, budget_stpes: 3}")
    #expect(m.contains("tiny.yaml:10:"), "\(m)")
    #expect(m.contains("unknown key 'training.budget_stpes'"), "\(m)")
}

@Test func wrongTypeNamesFileLineAndField() throws {
    let m = try scenarioError("budget_steps: 24", with: "budget_steps: lots")
    #expect(m.contains("tiny.yaml:10:") && m.contains("'training.budget_steps' has the wrong type") && m.contains("expected an integer"), "\(m)")
}

@Test func outOfRangeNamesFileLineAndField() throws {
    let m = try scenarioError("bootstrap_resamples: 200", with: "bootstrap_resamples: 5")
    #expect(m.contains("tiny.yaml:12:") && m.contains("'statistics.bootstrap_resamples' is 5, out of range"), "\(m)")
}

@Test func overlappingSeedsAreRejected() throws {
    let m = try scenarioError("test_seeds: [11, 12, 13]", with: "test_seeds: [11, 2, 13]")
    #expect(m.contains("tiny.yaml:9:") && m.contains("'test_seeds'") && m.contains("seed 2 is also a training seed"), "\(m)")
}

@Test func unknownMethodListsTheMethods() throws {
    let m = try scenarioError("oracle]", with: "oracel]")
    #expect(m.contains("tiny.yaml:11:") && m.contains("'methods[5]' is 'oracel'") && m.contains("static-search"), "\(m)")
}

@Test func badOverridesAreRejected() throws {
    var m = try scenarioError("warmup_periods: 1, label_delay: 20", with: "warmup_periods: 1, label_delay: 20, perod_length: 3")
    #expect(m.contains("tiny.yaml:7:") && m.contains("unknown key 'environments[1].overrides.perod_length'"), "\(m)")
    m = try scenarioError("period_length: 120, episode_length: 8, warmup_periods: 1, label_delay: 20",
                          with: "period_length: 90, episode_length: 8, warmup_periods: 1")
    #expect(m.contains("tiny.yaml:7:") && m.contains("environments[1].overrides") && m.contains("labels.delay"), "\(m)")
    m = try scenarioError("name: recommendation", with: "name: recomendation")
    #expect(m.contains("tiny.yaml:6:") && m.contains("'environments[1].name'") && m.contains("recomendation"), "\(m)")
}

@Test func missingFileAndSyntaxErrors() throws {
    #expect(throws: ScenarioError.fileNotFound(path: "/nonexistent/x.yaml")) {
        try Scenario.load(file: "/nonexistent/x.yaml", environmentsDirectory: environmentsDirectory)
    }
    let m = try scenarioError("methods: [fixed,", with: "methods: [default,,")
    #expect(m.contains("tiny.yaml:11:"), "\(m)")
}
