import Foundation
import PolicyRuntime
import Testing

private func writePolicy(tag: Double, to url: URL) throws {
    let features = (0..<2).map { ObservationSchema.Feature(name: "f\($0)", lower: 0, upper: 1) }
    let doc = PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: [0, 0], variance: [1, 1], epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.01], batchSizes: [32], retrainChoices: [.none]),
        network: .init(activation: "tanh", hidden: [], heads: .init(inputs: 2, outputs: 3, weights: [Float](repeating: 0, count: 6), bias: [0, 0, 0])),
        fallback: .init(learningRateBin: 0, batchSizeBin: 0),
        provenance: .init(environment: "demo", evaluationMeanReward: tag))
    try PolicyFile.write(doc, to: url.path)
}

@Test func registryPushPromoteRollbackThroughTheCLI() throws {
    let dir = try CLIProcess.temporaryFile("", name: "unused").deletingLastPathComponent()
    let db = dir.appendingPathComponent("r.sqlite").path
    for (i, tag) in [0.5, 0.6].enumerated() { try writePolicy(tag: tag, to: dir.appendingPathComponent("p\(i).policy")) }
    for i in 0..<2 {
        let push = try CLIProcess.run(["registry", "push", "--registry", db, dir.appendingPathComponent("p\(i).policy").path])
        #expect(push.status == 0 && push.stdout.hasPrefix("demo version \(i + 1) sha256 "))
    }
    for v in ["1", "2"] {
        #expect(try CLIProcess.run(["registry", "promote", "--registry", db, v, "--to", "canary", "--force"]).status == 0)
        #expect(try CLIProcess.run(["registry", "promote", "--registry", db, v, "--to", "production"]).status == 0)
    }
    let list = try CLIProcess.run(["registry", "list", "--registry", db])
    #expect(list.stdout.split(separator: "\n").last?.contains("canary,production") == true)

    // A crash between writing the promotion and committing it leaves the registry as it was.
    try writePolicy(tag: 0.7, to: dir.appendingPathComponent("p2.policy"))
    _ = try CLIProcess.run(["registry", "push", "--registry", db, dir.appendingPathComponent("p2.policy").path])
    let crashed = try CLIProcess.run(["registry", "promote", "--registry", db, "3", "--to", "production", "--force"],
                                     environment: ["DRIFTTUNE_CRASH_BEFORE_COMMIT": "1"])
    #expect(crashed.status != 0 && crashed.status != 2)
    let after = try CLIProcess.run(["registry", "list", "--registry", db, "--json"])
    #expect(after.status == 0)
    let versions = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as! [[String: Any]]
    #expect(versions.count == 3)
    #expect((versions[1]["channels"] as! [String]) == ["canary", "production"])
    #expect((versions[2]["channels"] as! [String]) == [])

    let rollback = try CLIProcess.run(["registry", "rollback", "--registry", db, "demo"])
    #expect(rollback.stdout == "demo production → version 1\n")
    let again = try CLIProcess.run(["registry", "rollback", "--registry", db, "demo"])
    #expect(again.status == 2 && again.stderr == "drifttune: error: demo: production has no earlier version to roll back to\n")
    let bad = try CLIProcess.run(["registry", "promote", "--registry", db, "9", "--to", "canary", "--force"])
    #expect(bad.status == 2 && bad.stderr == "drifttune: error: no policy version 9 in the registry\n")
}
