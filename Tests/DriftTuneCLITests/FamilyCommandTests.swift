import Foundation
import PolicyRuntime
import Testing

/// The binary family on a short base spec (14 periods of 200 samples), in a temporary folder.
private func shortFamilyFile() throws -> URL {
    let spec = try shortSpecFile()
    var text = try String(contentsOf: repositoryRoot.appendingPathComponent("environments/families/binary.yaml"), encoding: .utf8)
    for (old, new) in [("base: ../network-diagnosis.yaml", "base: \(spec.path)"),
                       ("label_delay: {min: 0, max: 300}", "label_delay: {min: 0, max: 99}"),
                       ("start: {min: 3, max: 40}", "start: {min: 1, max: 8}")] {
        #expect(text.contains(old))
        text = text.replacingOccurrences(of: old, with: new)
    }
    let url = spec.deletingLastPathComponent().appendingPathComponent("binary.yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// A short family file, a PPO settings file holding `ppo`, and a run directory path, all in one
/// temporary folder (`dir`; the caller removes it).
private func familyRunFiles(ppo: String) throws -> (family: URL, dir: URL, config: URL, run: String) {
    let family = try shortFamilyFile()
    let dir = family.deletingLastPathComponent()
    let config = dir.appendingPathComponent("ppo.yaml")
    try ppo.write(to: config, atomically: true, encoding: .utf8)
    return (family, dir, config, dir.appendingPathComponent("run").path)
}

/// `family train --lr-steps` records the head in the run, `family export` writes it to the policy
/// file, and `family evaluate` scores that file (`learn` runs it: ContractParityTests).
@Test func familyTrainWithLearningRateStepsExportsAStepsPolicy() throws {
    let (family, dir, config, run) = try familyRunFiles(ppo: "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\nevaluation_episodes: 1\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let train = try CLIProcess.run(["family", "train", family.path, "--lr-steps", "--shadow-learners", "--steps", "28",
                                    "--config", config.path, "--jobs", "1", "--out", run])
    try #require(train.status == 0, "\(train.stderr)")
    let policy = dir.appendingPathComponent("steps.policy").path
    let export = try CLIProcess.run(["family", "export", run, "--family", family.path, "--out", policy])
    try #require(export.status == 0, "\(export.stderr)")
    let document = try PolicyFile.read(policy)
    #expect(document.actions.learningRateHead == .steps && document.actions.headSizes[0] == 3)
    #expect(document.network.heads.outputs == 3 + document.actions.batchSizes.count + 3)
    #expect(document.observationSchema == .v2 && document.loop?.shadowLearners == true)
    #expect(document.provenance.environment == "family:binary/lr=steps")
    // Scored against the family's rules (its bins are the family's; only the head differs).
    let evaluate = try CLIProcess.run(["family", "evaluate", family.path, "--policy", "steps=\(policy)", "--seeds", "0..1", "--json"])
    try #require(evaluate.status == 0, "\(evaluate.stderr)")
    #expect(evaluate.stdout.contains("\"method\" : \"steps\"") || evaluate.stdout.contains("\"method\":\"steps\""))
    // A run trained without the flag exports a `bins` head.
    let plainRun = dir.appendingPathComponent("plain").path
    let plain = try CLIProcess.run(["family", "train", family.path, "--steps", "14", "--config", config.path, "--jobs", "1", "--out", plainRun])
    try #require(plain.status == 0, "\(plain.stderr)")
    let plainPolicy = dir.appendingPathComponent("plain.policy").path
    #expect(try CLIProcess.run(["family", "export", plainRun, "--family", family.path, "--out", plainPolicy]).status == 0)
    #expect(try PolicyFile.read(plainPolicy).actions.learningRateHead == .bins)
}

/// `family train --evidence-anchor` starts PPO at the evidence rule and records it in the run; the
/// exported steps policy still follows the shadows after training; the flag is refused without
/// the head of steps and the shadows, and with normalized observations.
@Test func familyTrainWithEvidenceAnchorStartsAtTheRule() throws {
    let (family, dir, config, run) = try familyRunFiles(ppo: "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\nevaluation_episodes: 1\nnormalize_observations: false\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let normalized = dir.appendingPathComponent("normalized.yaml")
    try "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\n".write(to: normalized, atomically: true, encoding: .utf8)
    let noSteps = try CLIProcess.run(["family", "train", family.path, "--shadow-learners", "--evidence-anchor", "8", "--steps", "14",
                                      "--config", config.path, "--jobs", "1", "--out", run])
    #expect(noSteps.status != 0 && noSteps.stderr.contains("--evidence-anchor needs --lr-steps and --shadow-learners"))
    let thresholdAlone = try CLIProcess.run(["family", "train", family.path, "--lr-steps", "--shadow-learners", "--evidence-threshold", "0.01",
                                             "--steps", "14", "--config", config.path, "--jobs", "1", "--out", run])
    #expect(thresholdAlone.status != 0 && thresholdAlone.stderr.contains("--evidence-threshold sets the threshold of --evidence-anchor"))
    let raw = try CLIProcess.run(["family", "train", family.path, "--lr-steps", "--shadow-learners", "--evidence-anchor", "8", "--steps", "14",
                                  "--config", normalized.path, "--jobs", "1", "--out", run])
    #expect(raw.status != 0 && raw.stderr.contains("normalize_observations: false"))
    #expect(!FileManager.default.fileExists(atPath: run + "/checkpoint.json"), "a refused run writes no checkpoint")

    let train = try CLIProcess.run(["family", "train", family.path, "--lr-steps", "--shadow-learners", "--evidence-anchor", "8",
                                    "--steps", "14", "--config", config.path, "--jobs", "1", "--out", run])
    try #require(train.status == 0, "\(train.stderr)")
    let policy = dir.appendingPathComponent("anchored.policy").path
    let export = try CLIProcess.run(["family", "export", run, "--family", family.path, "--out", policy])
    try #require(export.status == 0, "\(export.stderr)")
    let document = try PolicyFile.read(policy)
    #expect(document.provenance.environment == "family:binary/lr=steps/anchor=evidence")
    #expect(document.actions.learningRateHead == .steps && document.observationSchema == .v2)
    var tuned = TunedPolicy(document: document)
    let schema = document.observationSchema
    var x = schema.features.map { ($0.lower + $0.upper) / 2 }
    let up = try #require(schema.index(of: "shadow_gain_lr_up")), down = try #require(schema.index(of: "shadow_gain_lr_down"))
    let logLR = try #require(schema.index(of: "log_lr"))
    x[logLR] = 0.6    // bin 3 of 6
    for (gUp, gDown, bin) in [(Float(0.05), Float(-0.05), 4), (-0.05, 0.05, 2), (0, 0, 3), (-0.3, -0.3, 3)] {
        x[up] = gUp
        x[down] = gDown
        #expect(tuned.decide(x).learningRateBin == bin, "up \(gUp) down \(gDown)")
    }
}

/// `family train --batch-shadows --batch-steps` with the evidence anchor: the run records both
/// heads, the export reads schema v3 with the batch-size shadows in its loop, its batch-size head
/// follows the batch shadows' evidence from the start, and `family evaluate` plays it in the loop
/// that produces v3. Batch-size shadows without the learning-rate ones are refused.
/// `family train FAMILY ARGS` for 14 steps with `config` into `run`, then `family export` to
/// `policy`: the exported file.
private func trainAndExport(_ family: URL, _ args: [String], config: URL, run: String, policy: String) throws -> PolicyDocument {
    let train = try CLIProcess.run(["family", "train", family.path] + args + ["--steps", "14", "--config", config.path, "--jobs", "1", "--out", run])
    try #require(train.status == 0, "\(train.stderr)")
    let export = try CLIProcess.run(["family", "export", run, "--family", family.path, "--out", policy])
    try #require(export.status == 0, "\(export.stderr)")
    return try PolicyFile.read(policy)
}

@Test func familyTrainWithBatchShadowsExportsASchemaThreeBatchStepsPolicy() throws {
    let (family, dir, config, run) = try familyRunFiles(ppo: "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\nevaluation_episodes: 1\nnormalize_observations: false\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let alone = try CLIProcess.run(["family", "train", family.path, "--batch-shadows", "--steps", "14", "--config", config.path,
                                    "--jobs", "1", "--out", run])
    #expect(alone.status != 0 && alone.stderr.contains("--batch-shadows runs beside the learning-rate shadows"))
    let policy = dir.appendingPathComponent("anchored.policy").path
    let document = try trainAndExport(family, ["--shadow-learners", "--batch-shadows", "--lr-steps", "--batch-steps", "--evidence-anchor", "8"],
                                      config: config, run: run, policy: policy)
    #expect(document.provenance.environment == "family:binary/lr=steps/batch=steps/anchor=evidence")
    #expect(document.actions.learningRateHead == .steps && document.actions.batchSizeHead == .steps)
    #expect(document.observationSchema == .v3 && document.loop?.batchShadows == true && document.loop?.shadowLearners == true)
    var tuned = TunedPolicy(document: document)
    let schema = document.observationSchema
    var x = schema.features.map { ($0.lower + $0.upper) / 2 }
    let up = try #require(schema.index(of: "shadow_gain_batch_up")), down = try #require(schema.index(of: "shadow_gain_batch_down"))
    let logBatch = try #require(schema.index(of: "log2_batch"))
    x[logBatch] = 1.0 / 3    // bin 1 of 4 (batch 32)
    for (gUp, gDown, bin) in [(Float(0.05), Float(-0.05), 2), (-0.05, 0.05, 0), (0, 0, 1), (-0.3, -0.3, 1)] {
        x[up] = gUp
        x[down] = gDown
        #expect(tuned.decide(x).batchSizeBin == bin, "up \(gUp) down \(gDown)")
    }
    let evaluate = try CLIProcess.run(["family", "evaluate", family.path, "--policy", "v3=\(policy)", "--seeds", "0..1", "--jobs", "1", "--json"])
    try #require(evaluate.status == 0, "\(evaluate.stderr)")
    #expect(evaluate.stdout.contains("\"v3\""))
}

/// `--updates online` draws every seed's spec as without it but for the regime; `family train`
/// records it in the run and `family export` accepts it (the exported loop is online anyway);
/// training on the deployed regime alone and an unknown regime are refused.
@Test func familyUpdatesOptionRestrictsTheRegimeAndKeepsEveryOtherDraw() throws {
    let (family, dir, config, run) = try familyRunFiles(ppo: "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\nevaluation_episodes: 1\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let both = try CLIProcess.run(["family", "sample", family.path, "--seeds", "0..29"])
    let online = try CLIProcess.run(["family", "sample", family.path, "--seeds", "0..29", "--updates", "online"])
    try #require(both.status == 0 && online.status == 0, "\(both.stderr)\(online.stderr)")
    #expect(both.stdout.contains("updates deployed") && !online.stdout.contains("updates deployed"))
    func withoutRegime(_ s: String) -> String { s.replacingOccurrences(of: "updates deployed", with: "updates online") }
    #expect(withoutRegime(both.stdout) == online.stdout)
    let unknown = try CLIProcess.run(["family", "sample", family.path, "--updates", "sometimes"])
    #expect(unknown.status != 0 && unknown.stderr.contains("--updates sometimes: expected one of the family's regimes: online, deployed"))
    let deployed = try CLIProcess.run(["family", "train", family.path, "--updates", "deployed", "--steps", "14", "--config", config.path,
                                       "--jobs", "1", "--out", run])
    #expect(deployed.status != 0 && deployed.stderr.contains("production loop is online"))
    let train = try CLIProcess.run(["family", "train", family.path, "--updates", "online", "--lr-steps", "--steps", "14",
                                    "--config", config.path, "--jobs", "1", "--out", run])
    try #require(train.status == 0, "\(train.stderr)")
    let policy = dir.appendingPathComponent("online.policy").path
    let export = try CLIProcess.run(["family", "export", run, "--family", family.path, "--out", policy])
    try #require(export.status == 0, "\(export.stderr)")
    let document = try PolicyFile.read(policy)
    #expect(document.provenance.environment == "family:binary/updates=online/lr=steps")
    #expect(document.actions.learningRateHead == .steps && document.loop?.updates == .online)
}

/// `family train --experts --leader-anchor`: the run records both, the export reads schema v4 with
/// the pool in its loop and serves the leader's expert from the start, and `family evaluate
/// --leader` plays it and the leader rule in the pool's loop. A pool without `--updates online`,
/// and the anchor without the pool, are refused.
@Test func familyTrainWithExpertsExportsASchemaFourPolicyThatServesTheLeader() throws {
    let (family, dir, config, run) = try familyRunFiles(ppo: "num_envs: 1\nnum_steps: 14\nnum_minibatches: 2\nevaluation_episodes: 1\nnormalize_observations: false\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = ["--steps", "14", "--config", config.path, "--jobs", "1", "--out", run]
    let deployed = try CLIProcess.run(["family", "train", family.path, "--experts"] + common)
    #expect(deployed.status != 0 && deployed.stderr.contains("an expert pool learns online; give --updates online"))
    let unpooled = try CLIProcess.run(["family", "train", family.path, "--updates", "online", "--leader-anchor", "8"] + common)
    #expect(unpooled.status != 0 && unpooled.stderr.contains("--leader-anchor needs --experts"))
    let train = try CLIProcess.run(["family", "train", family.path, "--updates", "online", "--experts", "--leader-anchor", "8"] + common)
    try #require(train.status == 0, "\(train.stderr)")
    let policy = dir.appendingPathComponent("pool.policy").path
    let export = try CLIProcess.run(["family", "export", run, "--family", family.path, "--out", policy])
    try #require(export.status == 0, "\(export.stderr)")
    let document = try PolicyFile.read(policy)
    #expect(document.provenance.environment == "family:binary/updates=online/experts/anchor=leader")
    #expect(document.observationSchema == .v4 && document.loop?.experts == true && document.loop?.expertDecay == 0.9)
    #expect(document.loop?.expertTolerance == LoopSettings.defaultExpertTolerance)
    // Another tolerance is recorded in the run and exported in the file's loop.
    let unpooledTolerance = try CLIProcess.run(["family", "train", family.path, "--updates", "online", "--expert-tolerance", "0"] + common)
    #expect(unpooledTolerance.status != 0 && unpooledTolerance.stderr.contains("--expert-tolerance: only with --experts"))
    let bestScoreDocument = try trainAndExport(family, ["--updates", "online", "--experts", "--expert-tolerance", "0", "--leader-anchor", "8"],
                                               config: config, run: dir.appendingPathComponent("best-score").path,
                                               policy: dir.appendingPathComponent("best-score.policy").path)
    #expect(bestScoreDocument.provenance.environment == "family:binary/updates=online/experts/tolerance=0.0/anchor=leader")
    #expect(bestScoreDocument.loop?.expertTolerance == 0)
    // So is serving sample by sample.
    let unpooledHalfLife = try CLIProcess.run(["family", "train", family.path, "--updates", "online", "--expert-half-life", "100"] + common)
    #expect(unpooledHalfLife.status != 0 && unpooledHalfLife.stderr.contains("--expert-half-life: only with --experts"))
    let bySample = try trainAndExport(family, ["--updates", "online", "--experts", "--expert-half-life", "100", "--leader-anchor", "8"],
                                      config: config, run: dir.appendingPathComponent("by-sample").path,
                                      policy: dir.appendingPathComponent("by-sample.policy").path)
    #expect(bySample.provenance.environment == "family:binary/updates=online/experts/half-life=100/anchor=leader")
    #expect(bySample.loop?.expertHalfLife == 100 && bySample.loop?.expertTolerance == LoopSettings.defaultExpertTolerance)
    #expect(document.loop?.expertHalfLife == 0)
    var tuned = TunedPolicy(document: document)
    let schema = document.observationSchema
    var x = schema.features.map { ($0.lower + $0.upper) / 2 }
    let lr = try #require(schema.index(of: "leader_log_lr")), batch = try #require(schema.index(of: "leader_log2_batch"))
    for (l, b) in [(0, 0), (5, 3), (2, 1), (4, 2)] {
        x[lr] = Float(l) / 5
        x[batch] = Float(b) / 3
        let decision = tuned.decide(x)
        #expect(decision.learningRateBin == l && decision.batchSizeBin == b && decision.retrain == .none, "leader at \(l), \(b)")
    }
    let refused = try CLIProcess.run(["family", "evaluate", family.path, "--policy", "pool=\(policy)", "--seeds", "0..19", "--jobs", "1"])  // some draws deploy
    #expect(refused.status != 0 && refused.stderr.contains("give --updates online"))
    let evaluate = try CLIProcess.run(["family", "evaluate", family.path, "--updates", "online", "--policy", "pool=\(policy)", "--leader",
                                       "--seeds", "0..1", "--jobs", "1"])
    try #require(evaluate.status == 0, "\(evaluate.stderr)")
    #expect(evaluate.stdout.contains("| pool |") && evaluate.stdout.contains("| leader (expert pool) |"))
}
