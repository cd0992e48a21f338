import Foundation
import Testing
@testable import DriftTuneCLI

@Test func trainFlagsOverrideTheConfigFile() throws {
    let yaml = try CLIProcess.temporaryFile("num_envs: 8\nlearning_rate: 0.001\n", name: "ppo.yaml")
    let command = try TrainCommand.parse(["--env", "cartpole", "--config", yaml.path, "--learning-rate", "0.002", "--steps", "4096"])
    let s = try command.settings(for: .cartPole)
    #expect(s.config.numEnvs == 8 && s.config.learningRate == 0.002 && s.config.steps == 4096)
    let bad = try TrainCommand.parse(["--env", "cartpole", "--hidden-sizes", "64,x"])
    #expect(throws: UserError.self) { _ = try bad.settings(for: .cartPole) }
}

@Test func trainWritesCurveCheckpointAndJSONThenEvaluates() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-train-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLIProcess.run(["train", "--env", "cartpole", "--steps", "1024", "--out", dir.path, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["environment"] as? String == "cartpole" && json["env_steps"] as? Int == 1024)
    let evaluation = try #require(json["evaluation"] as? [String: Any])
    #expect(evaluation["episodes"] as? Int == 20 && evaluation["mean_reward"] is Double && evaluation["std_reward"] is Double)
    #expect(r.stderr.contains("iter 2  steps 1024/1024"))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("curve.csv").path))

    let again = try CLIProcess.run(["train", "--env", "cartpole", "--steps", "1024", "--out", dir.path])
    #expect(again.status == 2 && again.stderr.contains("--resume"))

    let e = try CLIProcess.run(["evaluate", dir.path, "--env", "cartpole", "--seeds", "1..4", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let ej = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
    #expect(ej["seeds"] as? [Int] == [1, 2, 3, 4] && ej["trained_on"] as? String == "cartpole")
}

@Test func ctrlCSavesACheckpointAndExitsCleanly() throws {
    guard let exe = CLIProcess.executable else { Issue.record("drifttune executable not found"); return }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-sigint-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = Process()
    p.executableURL = exe
    p.arguments = ["train", "--env", "cartpole", "--steps", "10000000", "--out", dir.path]
    p.standardError = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    // Wait for a few iterations in the curve.
    let curve = dir.appendingPathComponent("curve.csv")
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        let rows = (try? String(contentsOf: curve, encoding: .utf8))?.split(separator: "\n").count ?? 0
        if rows >= 3 { break }
        Thread.sleep(forTimeInterval: 0.05)
    }
    kill(p.processIdentifier, SIGINT)
    p.waitUntilExit()
    #expect(p.terminationReason == .exit && p.terminationStatus == 130)
    let checkpoint = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("checkpoint.json"))) as? [String: Any]
    let trainer = try #require(checkpoint?["trainer"] as? [String: Any])
    #expect((trainer["iteration"] as? Int ?? 0) >= 2)
    // snake_case keys; the budget is `steps`.
    #expect(trainer["global_step"] is Int && trainer["format_version"] as? Int == 2)
    let config = try #require((checkpoint?["settings"] as? [String: Any])?["config"] as? [String: Any])
    #expect(config["steps"] as? Int == 10_000_000 && config["num_envs"] is Int && config["total_timesteps"] == nil)
    let resume = try CLIProcess.run(["train", "--env", "cartpole", "--out", dir.path, "--resume", "--steps", "5"])
    #expect(resume.status == 2 && resume.stderr.contains("budget of 10000000 steps"))
}

@Test func unknownEnvironmentIsAOneLineError() throws {
    let r = try CLIProcess.run(["train", "--env", "no-such-env", "--steps", "10"])
    #expect(r.status == 2 && r.stderr.hasPrefix("drifttune: error: environment 'no-such-env' not found"))
}

@Test func trainAndEvaluateOnADriftEnvironment() throws {
    let spec = try shortSpecFile()
    let config = try CLIProcess.temporaryFile("evaluation_episodes: 2\n", name: "short.yaml")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-train-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLIProcess.run(["train", "--env", spec.path, "--steps", "112", "--config", config.path,
                                "--out", dir.path, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["env_steps"] as? Int == 112)
    #expect((json["evaluation"] as? [String: Any])?["episodes"] as? Int == 2)

    let e = try CLIProcess.run(["evaluate", dir.path, "--env", spec.path, "--seeds", "1..2", "--baselines", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let ej = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
    let rows = try #require((ej["baselines"] as? [String: Any])?["rows"] as? [[String: Any]])
    #expect(rows.map { $0["method"] as? String ?? "" }.last == "retrain on ADWIN")
    let bad = try CLIProcess.run(["evaluate", dir.path, "--env", "cartpole", "--seeds", "1..2"])
    #expect(bad.status == 2 && bad.stderr.contains("mismatch"))

    let policy = dir.appendingPathComponent("short.policy").path
    let x = try CLIProcess.run(["export", dir.path, "--env", spec.path, "--out", policy, "--no-evaluation", "--json"])
    #expect(x.status == 0, "\(x.stderr)")
    let exported = try #require(try JSONSerialization.jsonObject(with: Data(x.stdout.utf8)) as? [String: Any], "\(x.stdout)")
    #expect(exported["file"] as? String == policy && (exported["sha256"] as? String)?.count == 64)
}

@Test func firstBinPriorOfTheWrongLengthIsAOneLineError() throws {
    let config = try CLIProcess.temporaryFile("first_bin_prior: [0, 0, 2]\n", name: "prior.yaml")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-prior-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLIProcess.run(["train", "--env", "cartpole", "--steps", "512", "--config", config.path, "--out", dir.path])
    #expect(r.status == 2 && r.stderr.contains("first_bin_prior") && r.stderr.contains("one value per action head"), "\(r.stderr)")
}
