import Foundation
import Linalg
import PolicyRuntime

/// Stable identities of sweep jobs, derived from what determines their results (environment spec
/// bytes and overrides, method, seeds, settings), never from their position in a queue. The same
/// job has the same identity in any sweep, shard or ordering; its private random stream is split
/// from the identity.
public enum RunIdentity {
    /// Bump when stored results of equal identity would change meaning.
    public static let formatVersion = 1

    /// Identity of a training job. `agentSeed` (1-based, `agent_seeds`) enters the identity from 2 on,
    /// so agent seed 1 is the agent of the same scenario without the key.
    public static func training(scenario: Scenario, environment: ScenarioEnvironment, method: Method,
                                agentSeed: Int = 1) -> String {
        var text = "drifttune-train/\(formatVersion)\ntrain=\(environment.trainIdentity)\nmethod=\(method)\n"
        text += "seeds=\(scenario.trainSeeds.map(String.init).joined(separator: ","))\n"
        text += "budget=\(scenario.training.steps)\nsearch_seeds=\(scenario.training.searchSeedsPerCandidate)\n"
        if method == .staticHindsight {
            // It searches on the evaluation environment and seeds, not the training ones.
            text += "evaluate=\(environment.identity)\ntest_seeds=\(scenario.testSeeds.map(String.init).joined(separator: ","))\n"
            text += "rules=\(scenario.hindsightRules.map(\.description).joined(separator: ","))\n"
        }
        if method == .agent {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let agent = (try? encoder.encode(scenario.agent)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            text += "agent=\(agent)\n"
            if agentSeed > 1 { text += "agent_seed=\(agentSeed)\n" }
        }
        return digest(text)
    }

    /// Identity of an evaluation run.
    /// `settings`: what else determines the run (the planner's search), empty for most methods.
    public static func run(environment: ScenarioEnvironment, method: Method, seed: UInt64, trainingId: String?,
                           settings: String = "") -> String {
        digest("drifttune-run/\(formatVersion)\nenv=\(environment.identity)\nlabel=\(environment.label)\n"
               + "method=\(method)\nseed=\(seed)\ntraining=\(trainingId ?? "-")\n"
               + (settings.isEmpty ? "" : "settings=\(settings)\n"))
    }

    /// The job's private random stream, split from its identity.
    public static func randomSource(_ id: String) -> RandomSource {
        RandomSource(seed: UInt64(id.prefix(16), radix: 16) ?? RandomSource.stableHash(id))
    }

    /// Shard (0-based) of a job among `count` shards, from its identity.
    public static func shard(_ id: String, count: Int) -> Int {
        Int((UInt64(id.prefix(16), radix: 16) ?? 0) % UInt64(max(count, 1)))
    }

    static func digest(_ text: String) -> String { String(SHA256.hex(of: Array(text.utf8)).prefix(20)) }
}
