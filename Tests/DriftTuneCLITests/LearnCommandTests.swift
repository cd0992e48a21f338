import Foundation
import Testing

/// A small separable binary stream as CSV; `bad` inserts a malformed row at line 5.
private func csv(rows: Int, bad: Bool = false) -> String {
    var lines = ["a,b,label"]
    for i in 0..<rows {
        let a = Double((i * 37) % 101) / 50 - 1, b = Double((i * 53) % 97) / 48 - 1
        lines.append("\(a),\(b),\(a + 0.5 * b > 0 ? 1 : 0)")
        if bad && i == 2 { lines.append("0.1,oops,1") }
    }
    return lines.joined(separator: "\n") + "\n"
}

@Test func learnRunsHandWrittenRulesAndLogsEachPeriod() throws {
    let data = try CLIProcess.temporaryFile(csv(rows: 1_200), name: "s.csv")
    let log = data.deletingLastPathComponent().appendingPathComponent("log.jsonl").path
    let r = try CLIProcess.run(["learn", "--policy", "periodic:2", "--data", data.path, "--label", "label", "--period", "200",
                                "--warmup", "1", "--lr", "0.1", "--log", log, "--json"])
    #expect(r.status == 0)
    let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(summary["periods"] as? Int == 5)
    // periodic:K retrains before periods 1 + K, 1 + 2K, … (as in `simulate`): here before period 3.
    #expect(summary["retrains"] as? Int == 1)
    #expect((summary["mean_metric"] as? Double ?? 0) > 0.8)
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[3].contains("\"retrain\":\"full_retrain\""))
    #expect(lines.enumerated().allSatisfy { $0.offset == 3 || $0.element.contains("\"retrain\":\"none\"") })
}

@Test func learnLeaderRunsAPoolOverTheBinsAndLogsEveryExpert() throws {
    let data = try CLIProcess.temporaryFile(csv(rows: 3_000), name: "pool.csv")
    let log = data.deletingLastPathComponent().appendingPathComponent("pool.jsonl").path
    let r = try CLIProcess.run(["learn", "--policy", "leader", "--data", data.path, "--label", "label", "--period", "600",
                                "--warmup", "1", "--leader-decay", "0.5", "--log", log, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(summary["controller"] as? String == "leader" && summary["periods"] as? Int == 4)
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
    // Without a policy file or --env: the shipped bins, 6 learning rates × 4 batch sizes.
    #expect((first["expert_metrics"] as? [Double])?.count == 24)
    // Without --env the pool serves sample by sample, with a period's memory: the rows each expert served are logged.
    #expect(lines.allSatisfy { line in
        ((try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["served_rows"] as? [Int])?.reduce(0, +) == 600
    })
    let wholeLog = log + ".whole"
    let whole = try CLIProcess.run(["learn", "--policy", "leader", "--leader-half-life", "0", "--data", data.path, "--label", "label",
                                    "--period", "600", "--warmup", "1", "--log", wholeLog])
    let wholeLines = try String(contentsOfFile: wholeLog, encoding: .utf8)
    #expect(whole.status == 0 && !wholeLines.contains("served_rows"), "\(whole.stderr)")
    // Serving whole periods, period 0 serves the default (lr 0.05 → bin 0.0306, batch 32).
    let wholeFirst = try JSONSerialization.jsonObject(with: Data(wholeLines.split(separator: "\n")[0].utf8)) as! [String: Any]
    #expect(abs((wholeFirst["learning_rate"] as? Double ?? 0) - 0.03064) < 1e-4 && wholeFirst["batch_size"] as? Int == 32)
    let notLeader = try CLIProcess.run(["learn", "--policy", "fixed", "--leader-half-life", "10", "--data", data.path, "--label", "label"])
    #expect(notLeader.status == 2 && notLeader.stderr.contains("--leader-half-life: only with --policy leader"))
    let negative = try CLIProcess.run(["learn", "--policy", "leader", "--leader-half-life=-3", "--data", data.path, "--label", "label"])
    #expect(negative.status == 2 && negative.stderr.contains("--leader-half-life -3: expected 0 to"), "\(negative.stderr)")
    let refused = try CLIProcess.run(["learn", "--policy", "fixed", "--leader-decay", "0.5", "--data", data.path, "--label", "label"])
    #expect(refused.status == 2 && refused.stderr.contains("--leader-decay: only with --policy leader"))
    let bad = try CLIProcess.run(["learn", "--policy", "leader", "--leader-decay", "2", "--data", data.path, "--label", "label"])
    #expect(bad.status == 2 && bad.stderr.contains("--leader-decay 2.0: expected 0 to 1"))
    let small = try CLIProcess.run(["learn", "--policy", "leader", "--period", "100", "--data", data.path, "--label", "label"])
    #expect(small.status == 2 && small.stderr.contains("largest batch size of the bins (512) is larger than the period (100 samples)"))
    // Experts that never learn online would be a pool of frozen models: a deployed loop is refused.
    let deployed = try shortSpecFile(replacing: "  model: logistic", with: "  model: logistic\n  updates: deployed")
    let frozen = try CLIProcess.run(["learn", "--policy", "leader", "--env", deployed.path, "--data", data.path, "--label", "label"])
    #expect(frozen.status == 2 && frozen.stderr.contains("--policy leader: the experts learn online"))
}

@Test func learnReportsMalformedRowsByLine() throws {
    let data = try CLIProcess.temporaryFile(csv(rows: 600, bad: true), name: "bad.csv")
    let refused = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label", "--period", "100"])
    #expect(refused.status == 2)
    #expect(refused.stderr == "drifttune: error: \(data.path):5: column b: expected a number, found \"oops\"\n")
    let skipped = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label", "--period", "100",
                                      "--skip-bad-rows"])
    #expect(skipped.status == 0)
    #expect(skipped.stderr.contains("skipped \(data.path):5: column b: expected a number"))
    #expect(skipped.stdout.contains("skipped 1 malformed rows"))
    let unknown = try CLIProcess.run(["learn", "--policy", "sometimes", "--data", data.path, "--label", "label"])
    #expect(unknown.status == 2 && unknown.stderr.contains("--policy sometimes: expected a policy file, registry:NAME@CHANNEL, general, leader or a rule"))
    // The one rule vocabulary: `none` is not a rule (it is `fixed`), `oracle` only exists in the simulator.
    let none = try CLIProcess.run(["learn", "--policy", "none", "--data", data.path, "--label", "label"])
    #expect(none.status == 2 && none.stderr.contains("fixed | never | periodic:K"))
    let oracle = try CLIProcess.run(["learn", "--policy", "oracle", "--data", data.path, "--label", "label"])
    #expect(oracle.status == 2 && oracle.stderr.contains("only `drifttune simulate` knows"))
}

/// The same stream with a text column: refused by default naming it, learned with one-hot.
private func csvWithColor(rows: Int) -> String {
    var lines = ["a,color,label"]
    let colors = ["red", "green", "blue", "teal"]
    for i in 0..<rows {
        let a = Double((i * 37) % 101) / 50 - 1, c = i % 4
        lines.append("\(a * 1000),\(colors[c]),\(a + (c < 2 ? 0.5 : -0.5) > 0 ? 1 : 0)")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Test func learnStreamsStandardInputAndHandlesTextColumnsByFlag() throws {
    let text = csvWithColor(rows: 2_000)
    let refused = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--period", "200"], stdin: text)
    #expect(refused.status == 2)
    #expect(refused.stderr == "drifttune: error: <stdin>:2: column color holds text (\"red\"), not numbers; encode it with --categorical onehot or drop the column\n")
    let encoded = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--period", "200",
                                      "--categorical", "onehot", "--max-categories", "3", "--json"], stdin: text)
    #expect(encoded.status == 0, "\(encoded.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(encoded.stdout.utf8)) as? [String: Any]
    #expect(summary?["samples"] as? Int == 2_000)
    #expect((summary?["mean_metric"] as? Double ?? 0) > 0.8)
    let unscaled = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--period", "200",
                                       "--categorical", "onehot", "--standardize", "false", "--json"], stdin: text)
    #expect(unscaled.status == 0 && unscaled.stdout != encoded.stdout)
    let badFlag = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--categorical", "hash"], stdin: text)
    #expect(badFlag.status == 2 && badFlag.stderr.contains("--categorical hash: expected refuse or onehot"))
    let badClasses = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--classes", "1"], stdin: text)
    #expect(badClasses.status == 2 && badClasses.stderr.contains("--classes 1: expected 2 to 10000"))
    // A label beyond --classes is a malformed row on its own line, even before the first period.
    var lines = csv(rows: 600).split(separator: "\n").map(String.init)
    lines[4] = "0.1,0.2,2"
    let three = try CLIProcess.run(["learn", "--policy", "fixed", "--data", "-", "--label", "label", "--period", "100", "--model", "softmax",
                                    "--classes", "2"], stdin: lines.joined(separator: "\n") + "\n")
    #expect(three.stderr == "drifttune: error: <stdin>:5: label 2 is beyond the run's classes (0 to 1, from --classes or the rows before the first period)\n")
}
