import Foundation
import PolicyRuntime
import Simulation
import Testing
@testable import Experiments

/// A committed policy file whose action bins are network-diagnosis's.
private let committedPolicy: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("results/network-diagnosis/policies/network-diagnosis.policy").path

private let outsideScenario = """
    name: outside
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 6, warmup_periods: 1}
    train_seeds: [1]
    test_seeds: [11, 12]
    training: {steps: 12}
    methods: [fixed, policy:theirs.policy]
    statistics: {bootstrap_resamples: 200, bootstrap_seed: 9}

    """

/// Writes the scenario and, beside it, `theirs.policy` with `bytes` (the committed policy by default).
private func outsideScenarioFile(_ text: String = outsideScenario, bytes: Data? = nil) throws -> String {
    let path = try scenarioFile(text)
    let policy = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("theirs.policy")
    if let data = bytes ?? FileManager.default.contents(atPath: committedPolicy) {
        try data.write(to: URL(fileURLWithPath: policy))
    }
    return path
}

@Suite(.serialized) struct OutsidePolicyTests {
    @Test func policyMethodsParseWithTheirPath() throws {
        #expect(Method(name: "policy:sub/a.policy") == .policyFile("sub/a.policy"))
        #expect(Method.policyFile("sub/a.policy").description == "policy:sub/a.policy")
        #expect(Method(name: "policy:") == nil)
        #expect(!Method.policyFile("x").isReference && !Method.policyFile("x").isTrained)
    }

    @Test func aSweepEvaluatesThePolicyFileAsDrifttuneLearnWould() async throws {
        let file = try outsideScenarioFile()
        let s = try Scenario.load(file: file, environmentsDirectory: environmentsDirectory)
        let outside = try #require(s.outsidePolicies["theirs.policy"])
        #expect(outside.resolvedPath.hasSuffix("/theirs.policy"))
        let (dir, outcome) = try await sweepTiny(s, jobs: 2)
        #expect(outcome.wroteTables && outcome.evaluated == 4)
        let set = try ResultTables.load(directory: dir)
        let rewards = set.values(environment: "network-diagnosis", method: "policy:theirs.policy", metric: "episode_reward")
        #expect(rewards.map(\.seed) == [11, 12])
        // The same episodes, played directly with the runtime production loads.
        var env = try TuningEnvironment(spec: s.environments[0].spec, components: .standard)
        for r in rewards {
            let policy = try TunedPolicy.load(outside.resolvedPath)
            #expect(env.runEpisode(policy: AnyPolicy(policy), seed: r.seed).totalReward == r.value)
        }
        let md = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        #expect(md.contains("| policy:theirs.policy |"))
    }

    @Test func anotherFileIsAnotherRun() throws {
        let a = try Scenario.load(file: try outsideScenarioFile(), environmentsDirectory: environmentsDirectory)
        var bytes = try #require(FileManager.default.contents(atPath: committedPolicy))
        // The same network with another provenance: other bytes, so other runs (never a stale resume).
        var document = try PolicyFile.decode(bytes, file: "theirs.policy")
        document.provenance.scenario = "elsewhere"
        bytes = try PolicyFile.encode(document)
        let b = try Scenario.load(file: try outsideScenarioFile(bytes: bytes), environmentsDirectory: environmentsDirectory)
        let ida = SweepPlan(scenario: a).evaluation.filter { $0.method == .policyFile("theirs.policy") }.map(\.id)
        let idb = SweepPlan(scenario: b).evaluation.filter { $0.method == .policyFile("theirs.policy") }.map(\.id)
        #expect(ida.count == 2 && Set(ida).isDisjoint(with: idb))
    }

    @Test func aMissingOrBadFileIsAScenarioErrorNamingTheFile() throws {
        let missing = try scenarioFile(outsideScenario)
        let e1 = try #require(throws: ConfigErrorProxy.self) { try ConfigErrorProxy.load(missing) }
        #expect(e1.text.contains("theirs.policy") && e1.text.contains("no such file") && e1.text.contains("methods"))

        var flipped = try #require(FileManager.default.contents(atPath: committedPolicy))
        flipped[flipped.count - 10] ^= 0x20
        let e2 = try #require(throws: ConfigErrorProxy.self) { try ConfigErrorProxy.load(try outsideScenarioFile(bytes: flipped)) }
        #expect(e2.text.contains("theirs.policy"))

        // Every shipped environment has the same bins; a policy made for other ones is refused.
        var document = try PolicyFile.decode(try #require(FileManager.default.contents(atPath: committedPolicy)), file: "theirs.policy")
        document.actions.learningRates = document.actions.learningRates.map { $0 * 2 }
        let e3 = try #require(throws: ConfigErrorProxy.self) {
            try ConfigErrorProxy.load(try outsideScenarioFile(bytes: try PolicyFile.encode(document)))
        }
        #expect(e3.text.contains("theirs.policy") && e3.text.contains("action bins"))
    }
}

/// A scenario load error as the text a user reads.
private struct ConfigErrorProxy: Error {
    var text: String
    static func load(_ file: String) throws {
        do { _ = try Scenario.load(file: file, environmentsDirectory: environmentsDirectory) } catch {
            throw ConfigErrorProxy(text: "\(error)")
        }
    }
}
