import Foundation
import Testing
import PolicyRegistry
import PolicyRuntime

/// A small valid policy whose heads favour `bias` bins; `tag` makes the content (and digest) distinct.
private func policyData(tag: Double) throws -> Data {
    let features = (0..<3).map { ObservationSchema.Feature(name: "f\($0)", lower: 0, upper: 1) }
    let heads = PolicyDocument.Layer(inputs: 3, outputs: 7, weights: [Float](repeating: 0.1, count: 21), bias: [Float](repeating: 0, count: 7))
    let doc = PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: [0, 0, 0], variance: [1, 1, 1], epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.01, 0.1], batchSizes: [16, 64], retrainChoices: RetrainDecision.allCases),
        network: .init(activation: "tanh", hidden: [], heads: heads),
        fallback: .init(learningRateBin: 0, batchSizeBin: 0),
        provenance: .init(environment: "network-diagnosis", evaluationMeanReward: tag))
    return try PolicyFile.encode(doc)
}

private func freshRegistry(_ name: String) throws -> (Registry, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(ProcessInfo.processInfo.processIdentifier)-\(name).sqlite").path
    try? FileManager.default.removeItem(atPath: path)
    return (try Registry(path: path), path)
}

/// A gate that scores each policy by its provenance tag, standing in for a replay.
private func tagGate(margin: Double) -> (TunedPolicy, TunedPolicy?) throws -> CanaryVerdict {
    { candidate, production in
        CanaryVerdict(candidate: candidate.document.provenance.evaluationMeanReward!,
                      production: production?.document.provenance.evaluationMeanReward, margin: margin)
    }
}

@Test func pushListPromoteRollback() throws {
    let (registry, path) = try freshRegistry("flow")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let v1 = try registry.push(data: policyData(tag: 0.80), file: "a.policy")
    let again = try registry.push(data: policyData(tag: 0.80), file: "a-copy.policy")
    #expect(v1.version == again.version)  // same bytes, same version
    let v2 = try registry.push(data: policyData(tag: 0.85), file: "b.policy")
    let v3 = try registry.push(data: policyData(tag: 0.90), file: "c.policy")
    #expect(try registry.list().map(\.version) == [v1.version, v2.version, v3.version])

    for v in [v1, v2, v3] {
        try registry.promote(v.version, to: .canary, gate: tagGate(margin: 0.01))
        try registry.promote(v.version, to: .production)
    }
    #expect(try registry.current(name: "network-diagnosis", channel: .production) == v3.version)
    #expect(try registry.policy(reference: "network-diagnosis@production").document.provenance.evaluationMeanReward == 0.90)
    // Rollbacks walk back one promotion at a time.
    #expect(try registry.rollback(name: "network-diagnosis") == v2.version)
    #expect(try registry.rollback(name: "network-diagnosis") == v1.version)
    #expect(throws: RegistryError.nothingToRollBack(name: "network-diagnosis")) { try registry.rollback(name: "network-diagnosis") }
    // The file survives a reopen.
    let reopened = try Registry(path: path)
    #expect(try reopened.current(name: "network-diagnosis", channel: .production) == v1.version)
    #expect(try reopened.list().first { $0.version == v1.version }?.channels == [.production])
}

@Test func canaryReplayRefusesAWorsePolicy() throws {
    let (registry, path) = try freshRegistry("canary")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let good = try registry.push(data: policyData(tag: 0.90), file: "good.policy")
    try registry.promote(good.version, to: .canary, gate: tagGate(margin: 0.02))
    try registry.promote(good.version, to: .production)
    let bad = try registry.push(data: policyData(tag: 0.70), file: "bad.policy")
    #expect(throws: RegistryError.canaryRefused(version: bad.version, verdict: CanaryVerdict(candidate: 0.70, production: 0.90, margin: 0.02))) {
        try registry.promote(bad.version, to: .canary, gate: tagGate(margin: 0.02))
    }
    #expect(try registry.current(name: "network-diagnosis", channel: .canary) == good.version)
    // Within the margin is accepted; production still needs the canary step first.
    let close = try registry.push(data: policyData(tag: 0.89), file: "close.policy")
    #expect(throws: RegistryError.notCanary(version: close.version, name: "network-diagnosis")) {
        try registry.promote(close.version, to: .production)
    }
    try registry.promote(close.version, to: .canary, gate: tagGate(margin: 0.02))
    #expect(try registry.history(name: "network-diagnosis").last?.note.hasPrefix("replay: candidate 0.8900, production 0.9000") == true)
}

@Test func failureInsideAPromotionLeavesTheRegistryUnchanged() throws {
    let (registry, path) = try freshRegistry("atomic")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let v1 = try registry.push(data: policyData(tag: 0.8), file: "a.policy")
    try registry.promote(v1.version, to: .production, force: true)
    let v2 = try registry.push(data: policyData(tag: 0.9), file: "b.policy")
    struct Interrupted: Error {}
    let events = try registry.history(name: "network-diagnosis").count
    // Failing after the channel row and the event are written, before commit: all rolled back.
    #expect(throws: Interrupted.self) {
        try registry.promote(v2.version, to: .production, force: true, beforeCommit: { throw Interrupted() })
    }
    #expect(try registry.current(name: "network-diagnosis", channel: .production) == v1.version)
    #expect(try registry.history(name: "network-diagnosis").count == events)
    #expect(try Registry(path: path).list().count == 2)
}

@Test func corruptPushIsRefusedWithTheFileName() throws {
    let (registry, path) = try freshRegistry("corrupt")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var data = try policyData(tag: 0.5)
    data[data.count - 5] ^= 0x20
    #expect(throws: PolicyFileError.self) { try registry.push(data: data, file: "x.policy") }
    #expect(try registry.list().isEmpty)
    #expect(throws: RegistryError.badReference("network-diagnosis")) { try registry.policy(reference: "network-diagnosis") }
    #expect(throws: RegistryError.emptyChannel(name: "network-diagnosis", channel: .production)) {
        try registry.policy(reference: "network-diagnosis@production")
    }
}
