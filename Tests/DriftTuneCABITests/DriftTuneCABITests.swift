import Foundation
import PolicyRuntime
import Simulation
import Testing
@testable import DriftTuneCABI

/// A short network-diagnosis spec, as YAML text (the ABI takes names, paths or text).
private func shortSpecYAML() throws -> String {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("environments/network-diagnosis.yaml").path
    var text = try String(contentsOfFile: path, encoding: .utf8)
    for (key, value) in [("period_length", "100"), ("episode_length", "5"), ("warmup_periods", "1")] {
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("\(key):") ? "\(key): \(value)" : String(line)
        }.joined(separator: "\n")
    }
    return text
}

private func withError<R>(_ body: (UnsafeMutablePointer<CChar>) -> R) -> (R, String) {
    var buffer = [CChar](repeating: 0, count: 512)
    let r = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return (r, String(cString: buffer))
}

@Suite struct DriftTuneCABITests {
    @Test func badSpecsAndActionsAreErrorsNotTraps() throws {
        let (h, message) = withError { drifttune_env_create("no-such-environment", 1, $0, 512) }
        #expect(h == nil && message.contains("no-such-environment"))
        let (h2, message2) = withError { drifttune_env_create("network-diagnosis", 0, $0, 512) }
        #expect(h2 == nil && message2.contains("count"))

        let yaml = try shortSpecYAML()
        let env = try #require(withError { drifttune_env_create(yaml, 1, $0, 512) }.0)
        defer { drifttune_env_free(env) }
        var obs = [Float](repeating: 0, count: Int(drifttune_env_observation_size(env)))
        var seed: UInt64 = 3
        #expect(drifttune_env_reset(env, -1, &seed, &obs) == 0)
        var action: [Int32] = [99, 0, 0], reward = 0.0, done: UInt8 = 0
        var info = [Double](repeating: 0, count: infoFields.count)
        let (rc, why) = withError { drifttune_env_step(env, action, &obs, &reward, &done, &info, $0, 512) }
        #expect(rc == -1 && why.contains("bin 99"))
        action = [0, 0, 0]
        #expect(drifttune_env_step(env, action, &obs, &reward, &done, &info, nil, 0) == 0)
    }

    /// A spec whose learning-rate head is `steps`: three outputs, the default action holds the
    /// spec's rate, and an "up" moves one bin from the rate the last period ran.
    @Test func aStepsHeadIsThreeMovesFromTheLastRate() throws {
        let yaml = try shortSpecYAML().replacingOccurrences(of: "  batch_sizes: [8, 32, 128, 512]",
                                                            with: "  batch_sizes: [8, 32, 128, 512]\n  learning_rate_head: steps")
        let spec = try EnvironmentSpec.parse(yaml: yaml)
        #expect(spec.actionBins.learningRateHead == .steps)
        let env = try #require(drifttune_env_create(yaml, 1, nil, 0))
        defer { drifttune_env_free(env) }
        var sizes = [Int32](repeating: 0, count: 3), hold = [Int32](repeating: 0, count: 3)
        drifttune_env_action_sizes(env, &sizes)
        drifttune_env_default_action(env, &hold)
        #expect(sizes == [3, 4, 3] && hold == [1, Int32(spec.defaultAction.batchSizeBin), 0])
        var obs = [Float](repeating: 0, count: Int(drifttune_env_observation_size(env)))
        var seed: UInt64 = 5, reward = 0.0, done: UInt8 = 0
        var info = [Double](repeating: 0, count: infoFields.count)
        #expect(drifttune_env_reset(env, -1, &seed, &obs) == 0)
        let rates = spec.actionBins.learningRates, start = spec.defaultAction.learningRateBin
        #expect(drifttune_env_step(env, hold, &obs, &reward, &done, &info, nil, 0) == 0)
        #expect(Float(info[3]) == rates[start])
        let up: [Int32] = [2, hold[1], 0]
        #expect(drifttune_env_step(env, up, &obs, &reward, &done, &info, nil, 0) == 0)
        #expect(Float(info[3]) == rates[start + 1])
    }

    /// Two environments stepped in one call give, each, the trajectory of a `TuningEnvironment`
    /// stepped directly with the same seed and actions.
    @Test func theVectorHandleStepsLikeTheEnvironment() throws {
        let yaml = try shortSpecYAML()
        let env = try #require(drifttune_env_create(yaml, 2, nil, 0))
        defer { drifttune_env_free(env) }
        let size = Int(drifttune_env_observation_size(env))
        var sizes = [Int32](repeating: 0, count: 3)
        drifttune_env_action_sizes(env, &sizes)
        #expect(sizes == [6, 4, 3] && drifttune_env_episode_length(env) == 5 && drifttune_env_count(env) == 2)
        var seeds: [UInt64] = [11, 12]
        var obs = [Float](repeating: 0, count: 2 * size)
        #expect(drifttune_env_reset(env, -1, &seeds, &obs) == 0)
        let spec = try EnvironmentSpec.parse(yaml: yaml)
        var direct = [try TuningEnvironment(spec: spec, components: .standard), try TuningEnvironment(spec: spec, components: .standard)]
        #expect(direct[0].reset(seed: 11) == Array(obs[0..<size]) && direct[1].reset(seed: 12) == Array(obs[size...]))
        var rewards = [0.0, 0.0], dones: [UInt8] = [0, 0]
        var info = [Double](repeating: 0, count: 2 * infoFields.count)
        for t in 0..<5 {
            let actions: [Int32] = [Int32(t % 6), 1, Int32(t % 3), 5, Int32(t % 4), 0]
            #expect(drifttune_env_step(env, actions, &obs, &rewards, &dones, &info, nil, 0) == 0)
            for i in 0..<2 {
                let r = direct[i].step(spec.actionBins.action(bins: actions[(i * 3)..<(i * 3 + 3)].map(Int.init), after: direct[i].lastAction))
                #expect(r.reward == rewards[i] && r.observation == Array(obs[(i * size)..<((i + 1) * size)]))
                #expect(r.info.metric == info[i * infoFields.count + 1] && (dones[i] == 1) == r.done)
            }
        }
        #expect(dones == [1, 1])
    }
}
