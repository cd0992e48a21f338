import Foundation
import PolicyGradient
import Testing

private func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-run-\(UUID().uuidString)")
}

private func cartPoleSettings() -> TrainingSettings {
    var s = TrainingSettings.cartPole()
    s.config.steps = 7 * 256
    s.config.numSteps = 64
    s.checkpointInterval = 3
    s.evaluationEpisodes = 3
    return s
}

@Test func interruptedThenResumedRunEndsWithUninterruptedWeights() throws {
    let a = temporaryDirectory(), b = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
    let straight = try TrainingRun(environment: "cartpole", settings: cartPoleSettings(), seed: 5, directory: a,
                                   environmentFactory: { _ in CartPole() })
    #expect(try straight.run() == .finished)

    let first = try TrainingRun(environment: "cartpole", settings: cartPoleSettings(), seed: 5, directory: b,
                                environmentFactory: { _ in CartPole() })
    var iterations = 0
    let outcome = try first.run(shouldStop: { iterations >= 4 }) { _ in iterations += 1 }
    #expect(outcome == .interrupted && first.trainer.iteration == 4)
    let resumed = try TrainingRun(resumingIn: b, environment: "cartpole", environmentFactory: { _ in CartPole() })
    #expect(resumed.trainer.iteration == 4)
    #expect(try resumed.run() == .finished)

    #expect(resumed.trainer.network.parameterVector == straight.trainer.network.parameterVector)
    let saved = try TrainingCheckpoint.read(from: resumed.checkpointURL)
    let reference = try TrainingCheckpoint.read(from: straight.checkpointURL)
    #expect(saved.trainer == reference.trainer)
    #expect(resumed.evaluate() == straight.evaluate())
    // One curve row per iteration, none repeated.
    let rows = try String(contentsOf: resumed.curveURL, encoding: .utf8).split(separator: "\n")
    #expect(rows.first.map(String.init) == TrainingRun<CartPole>.curveHeader)
    #expect(rows.dropFirst().map { Int($0.prefix { $0 != "," })! } == Array(1...7))
}

@Test func resumeDropsCurveRowsAfterTheCheckpoint() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var settings = cartPoleSettings()
    settings.checkpointInterval = 100
    let run = try TrainingRun(environment: "cartpole", settings: settings, seed: 1, directory: dir,
                              environmentFactory: { _ in CartPole() })
    var n = 0
    _ = try run.run(shouldStop: { n >= 2 }) { _ in n += 1 }
    // A session that died after writing rows 3 and 4 but before saving.
    let handle = try FileHandle(forWritingTo: run.curveURL)
    try handle.seekToEnd()
    handle.write(Data("3,768,0,0,,0,0,0,0,0,0,0,0\n4,1024,0,0,,0,0,0,0,0,0,0,0\n".utf8))
    try handle.close()
    let resumed = try TrainingRun(resumingIn: dir, environment: "cartpole", environmentFactory: { _ in CartPole() })
    let rows = try String(contentsOf: resumed.curveURL, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 3)
}

@Test func runsRefuseToOverwriteOrResumeTheWrongThing() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(throws: TrainingRunError.nothingToResume(directory: dir.path)) {
        _ = try TrainingRun(resumingIn: dir, environment: "cartpole", environmentFactory: { _ in CartPole() })
    }
    let run = try TrainingRun(environment: "cartpole", settings: cartPoleSettings(), seed: 1, directory: dir,
                              environmentFactory: { _ in CartPole() })
    var n = 0
    _ = try run.run(shouldStop: { n >= 1 }) { _ in n += 1 }
    #expect(throws: TrainingRunError.existingRun(directory: dir.path)) {
        _ = try TrainingRun(environment: "cartpole", settings: cartPoleSettings(), seed: 1, directory: dir,
                            environmentFactory: { _ in CartPole() })
    }
    #expect(throws: TrainingRunError.environmentMismatch(checkpoint: "cartpole", requested: "network-diagnosis")) {
        _ = try TrainingRun(resumingIn: dir, environment: "network-diagnosis", environmentFactory: { _ in CartPole() })
    }
}

@Test func summaryCarriesTheRunAndItsEvaluation() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try TrainingRun(environment: "cartpole", settings: cartPoleSettings(), seed: 3, directory: dir,
                              environmentFactory: { _ in CartPole() })
    try run.run()
    let e = run.evaluate()
    let s = run.summary(evaluation: e, finished: true)
    #expect(s.envSteps == 7 * 256 && s.seed == 3 && s.algorithm == "ppo" && s.wallSeconds > 0)
    #expect(s.evaluation.episodes == 3 && s.evaluation.rewards.count == 3)
    let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(s)) as! [String: Any]
    #expect(Set(json.keys) == ["environment", "algorithm", "seed", "env_steps", "wall_seconds", "finished", "evaluation"])
}

@Test func anOldCamelCaseCheckpointIsRefusedWithAClearMessage() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("old-checkpoint-\(UUID().uuidString).json")
    try Data(#"{"environment": "cartpole", "wallSeconds": 1, "trainer": {"formatVersion": 1, "globalStep": 0}}"#.utf8).write(to: url)
    do {
        _ = try TrainingCheckpoint.read(from: url)
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains("older drifttune (format version 1, camelCase keys)"), "\(error)")
    }
}
