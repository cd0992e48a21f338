import Foundation
import Testing

private func binaryStream(rows: Int, label: (Int) -> String = { "\($0 % 2)" }) -> String {
    var lines = ["a,b,label"]
    for i in 0..<rows { lines.append("\(Double(i % 7) / 7),\(Double(i % 5) / 5),\(label(i))") }
    return lines.joined(separator: "\n") + "\n"
}

/// Each refused flag value: exit status 2 and a one-line message naming the flag and its range.
@Test(arguments: [
    (["--warmup=-1"], "--warmup -1: expected 0 to 10000 periods"),
    (["--period", "2305843009213693952"], "--period 2305843009213693952: expected 1 to 1000000 samples"),
    (["--batch", "100000000"], "--batch 100000000: expected 1 to 100000"),
    (["--batch", "500", "--period", "100"], "--batch 500: larger than the period (100 samples), so the learner would never update"),
    (["--lr", "1e30"], "--lr 1e+30: expected a learning rate in (0, 10.0]"),
    (["--lr", "nan"], "--lr nan: expected a learning rate in (0, 10.0]"),
])
func learnRefusesFlagsOutOfRange(extra: [String], message: String) throws {
    let data = try CLIProcess.temporaryFile(binaryStream(rows: 400), name: "s.csv")
    let r = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label"] + extra)
    #expect(r.status == 2)
    #expect(r.stderr == "drifttune: error: \(message)\n")
}

@Test func learnRefusesAPeriodicRuleWithoutAPositivePeriod() throws {
    let data = try CLIProcess.temporaryFile(binaryStream(rows: 400), name: "s.csv")
    let r = try CLIProcess.run(["learn", "--policy", "periodic:0", "--data", data.path, "--label", "label"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("periodic:K with K a whole number of periods, 1 to 1000000") && !r.stderr.contains("no such file"))
}

@Test func aHugeClassLabelIsRefusedByLineBeforeAnyAllocation() throws {
    let data = try CLIProcess.temporaryFile(binaryStream(rows: 400) { $0 == 1 ? "2000000000" : "\($0 % 2)" }, name: "s.csv")
    let r = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label", "--model", "softmax",
                                "--period", "100"])
    #expect(r.status == 2)
    #expect(r.stderr == "drifttune: error: \(data.path):3: label 2000000000 is beyond the largest class index 9999\n")
}

@Test func aHugeHeaderIsQuotedAsAShortExcerpt() throws {
    let header = (0..<1_500_000).map { "c\($0)" }.joined(separator: ",")
    let data = try CLIProcess.temporaryFile(header + "\n", name: "wide.csv")
    let r = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label"])
    #expect(r.status == 2)
    #expect(r.stderr.count < 400)
    #expect(r.stderr.contains("1500000 columns: c0, c1,"))
}

@Test(arguments: [
    (["--detector", "adwin", "--param", "max_buckets=1e9"], "max_buckets"),
    (["--detector", "kswin", "--param", "window_size=1e9"], "window_size"),
    (["--detector", "kswin", "--param", "window_size=1e11"], "window_size"),
    (["--detector", "kswin", "--param", "window_size=" + String(repeating: "9", count: 5_000)], "window_size"),
])
func detectRefusesHugeDetectorParameters(arguments: [String], parameter: String) throws {
    let r = try CLIProcess.run(["detect"] + arguments + ["-"], stdin: "0\n1\n")
    #expect(r.status == 2)
    #expect(r.stderr.contains(parameter) && r.stderr.count < 300)
}

@Test func benchRefusesANonFiniteDuration() throws {
    for value in ["nan", "inf", "-1", "0"] {
        let r = try CLIProcess.run(["bench", "--seconds=\(value)"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("drifttune: error: --seconds "))
    }
}

@Test func trainRefusesARolloutTooLargeToAllocate() throws {
    let dir = try CLIProcess.temporaryFile("", name: "unused").deletingLastPathComponent()
    let r = try CLIProcess.run(["train", "--env", "cartpole", "--num-steps", "1000000000", "--out", dir.appendingPathComponent("run").path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("num_steps") && r.stderr.contains("1000000000"))
    let wide = try CLIProcess.run(["train", "--env", "cartpole", "--num-envs", "4096", "--num-steps", "100000",
                                   "--out", dir.appendingPathComponent("run2").path])
    #expect(wide.status == 2 && wide.stderr.contains("num_envs × num_steps"))
}

@Test func learnRefusesBuffersTooLargeForTheStream() throws {
    let header = (0..<3_000).map { "c\($0)" }.joined(separator: ",") + ",label"
    let row = Array(repeating: "0", count: 3_000).joined(separator: ",") + ",1"
    let data = try CLIProcess.temporaryFile(([header] + Array(repeating: row, count: 4)).joined(separator: "\n") + "\n", name: "wide.csv")
    let r = try CLIProcess.run(["learn", "--policy", "fixed", "--data", data.path, "--label", "label", "--period", "1000000", "--batch", "1"])
    #expect(r.status == 2)
    #expect(r.stderr == "drifttune: error: the window (4000000 samples) × 3000 features is more than 268435456 values; use a shorter window or period, or fewer features\n")
}
