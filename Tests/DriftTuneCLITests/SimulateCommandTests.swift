import Foundation
import Testing
@testable import DriftTuneCLI

@Test func simulatePrintsTableSparklineAndSummary() throws {
    let spec = try shortSpecFile()
    let r = try CLIProcess.run(["simulate", "--env", spec.path, "--policy", "periodic:4", "--seed", "3"], in: repositoryRoot)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("policy periodic:4 · seed 3"))
    #expect(r.stdout.contains("metric   "))
    let marks = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("retrains ·") })
    #expect(marks.contains("R"))
    for text in ["mean accuracy", "retrains 3.0", "compute", "recovery", "firmware-rollout"] {
        #expect(r.stdout.contains(text), "missing \(text)")
    }
}

@Test func simulateJSONIsOneObjectAndDeterministic() throws {
    let spec = try shortSpecFile()
    let args = ["simulate", "--env", spec.path, "--policy", "adwin", "--lr", "0.1", "--batch", "128", "--seeds", "0..2", "--json"]
    let a = try CLIProcess.run(args, in: repositoryRoot), b = try CLIProcess.run(args, in: repositoryRoot)
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stdout == b.stdout)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
    #expect(object["policy"] as? String == "adwin")
    #expect(object["seeds"] as? [Int] == [0, 1, 2])
    let periods = try #require(object["periods"] as? [[String: Any]])
    #expect(periods.count == 15)
    #expect(periods[1]["batch_size"] as? Int == 128)
    #expect(abs((periods[1]["learning_rate"] as? Double ?? 0) - 0.0979) < 1e-3)
    #expect(object["mean_metric"] is Double && object["recoveries"] is [Any])
    // snake_case keys only, at every level.
    #expect(allKeys(object).allSatisfy { $0 == $0.lowercased() }, "\(allKeys(object).filter { $0 != $0.lowercased() })")
}

/// Every key of a decoded JSON value, nested objects and lists included.
func allKeys(_ value: Any) -> [String] {
    if let o = value as? [String: Any] { return o.keys.map { $0 } + o.values.flatMap(allKeys) }
    if let a = value as? [Any] { return a.flatMap(allKeys) }
    return []
}

@Test func simulateRejectsBadArgumentsInOneLine() throws {
    let spec = try shortSpecFile()
    for (args, message) in [
        (["--policy", "sometimes"], "--policy sometimes: expected one of fixed | never | periodic:K"),
        (["--policy", "periodic:0"], "--policy periodic:0: expected one of"),
        (["--seeds", "5..2"], "--seeds 5..2: expected A..B"),
        (["--lr=-1"], "--lr -1.0: expected a positive number"),
    ] {
        let r = try CLIProcess.run(["simulate", "--env", spec.path] + args, in: repositoryRoot)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("drifttune: error: \(message)"), "\(r.stderr)")
    }
    let missing = try CLIProcess.run(["simulate", "--env", "/tmp/no-such-spec.yaml"], in: repositoryRoot)
    #expect(missing.status == 2 && missing.stderr.contains("/tmp/no-such-spec.yaml: file not found"))
}

@Test func sparklineAndSeedRanges() throws {
    #expect(SimulationOutput.sparkline([0, 0.5, 1]) == "▁▅█")
    #expect(SimulationOutput.sparkline([2, 2]) == "▁▁")
    #expect(try SeedRange.parse("3..5") == [3, 4, 5])
    #expect(try SeedRange.parse("7") == [7])
    #expect(throws: UserError.self) { try SeedRange.parse("a..b") }
}
