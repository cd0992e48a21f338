import Foundation
import PolicyRegistry
import PolicyRuntime
import Testing

private func demoPolicy(tag: Double, environment: String = "demo") -> PolicyDocument {
    let features = (0..<2).map { ObservationSchema.Feature(name: "f\($0)", lower: 0, upper: 1) }
    return PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: [0, 0], variance: [1, 1], epsilon: 1e-8, clip: 10),
        actions: .init(learningRates: [0.01], batchSizes: [32], retrainChoices: [.none]),
        network: .init(activation: "tanh", hidden: [], heads: .init(inputs: 2, outputs: 3, weights: [Float](repeating: 0, count: 6), bias: [0, 0, 0])),
        fallback: .init(learningRateBin: 0, batchSizeBin: 0),
        provenance: .init(environment: environment, evaluationMeanReward: tag))
}

private func temporaryFolder() throws -> URL {
    try CLIProcess.temporaryFile("", name: "unused").deletingLastPathComponent()
}

/// 4 processes of the built binary × 25 mixed push/promote/rollback operations on one registry file:
/// every operation succeeds, and replaying the operations serially, in the order the registry
/// committed them (its event log), gives the same channels.
@Test func registryServesFourConcurrentProcesses() throws {
    let dir = try temporaryFolder()
    let db = dir.appendingPathComponent("shared.sqlite").path
    try PolicyFile.write(demoPolicy(tag: -1), to: dir.appendingPathComponent("seed.policy").path)
    #expect(try CLIProcess.run(["registry", "push", "--registry", db, dir.appendingPathComponent("seed.policy").path]).status == 0)
    #expect(try CLIProcess.run(["registry", "promote", "--registry", db, "1", "--to", "production", "--force"]).status == 0)
    for worker in 0..<4 {
        for i in 0..<25 { try PolicyFile.write(demoPolicy(tag: Double(worker * 100 + i)), to: dir.appendingPathComponent("w\(worker)-\(i).policy").path) }
    }
    let failures = Locked([String]())
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
        var mine = "1"
        for i in 0..<25 {
            let args: [String]
            switch i % 5 {
            case 0, 1: args = ["registry", "push", "--registry", db, dir.appendingPathComponent("w\(worker)-\(i).policy").path]
            case 2: args = ["registry", "promote", "--registry", db, mine, "--to", "canary", "--force"]
            case 3: args = ["registry", "promote", "--registry", db, mine, "--to", "production", "--force"]
            default: args = ["registry", "rollback", "--registry", db, "demo"]
            }
            do {
                let r = try CLIProcess.run(args)
                if r.status != 0 { failures.withLock { $0.append("\(args[1]) \(r.status): \(r.stderr)") } }
                if args[1] == "push", let v = r.stdout.split(separator: " ").dropFirst(2).first { mine = String(v) }
            } catch {
                failures.withLock { $0.append("\(args[1]): \(error)") }
            }
        }
    }
    #expect(failures.withLock { $0 } == [])

    let shared = try Registry(path: db)
    let events = try shared.history(name: "demo")
    #expect(events.count == 2 + 4 * 25)
    let replay = try Registry(path: dir.appendingPathComponent("replay.sqlite").path)
    for e in events {
        switch e.action {
        case "push": #expect(try replay.push(fileAt: e.note).version == e.version)
        case "promote": try replay.promote(e.version ?? -1, to: e.channel ?? .canary, force: true)
        default: #expect(try replay.rollback(name: "demo") == e.version)
        }
    }
    #expect(try replay.list() .map { [$0.version: $0.channels] } == shared.list().map { [$0.version: $0.channels] })
    for channel in Channel.allCases {
        #expect(try replay.current(name: "demo", channel: channel) == shared.current(name: "demo", channel: channel))
    }
}

@Test func registryRefusesAFIFOOrALinkToOneAndLeavesNoJournal() throws {
    let dir = try temporaryFolder()
    let fifo = dir.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let link = dir.appendingPathComponent("link.sqlite").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
    for path in [fifo, link] {
        let r = try CLIProcess.run(["registry", "list", "--registry", path])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("drifttune: error: \(path): the registry must be a regular file"))
    }
    let missing = try CLIProcess.run(["registry", "list", "--registry", dir.appendingPathComponent("no/such/r.sqlite").path])
    #expect(missing.status == 2 && missing.stderr.contains("does not exist") && !missing.stderr.contains("NSCocoaErrorDomain"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["link.sqlite", "pipe", "unused"])

    // A link to a regular registry file is followed.
    let real = dir.appendingPathComponent("real.sqlite").path
    try PolicyFile.write(demoPolicy(tag: 1), to: dir.appendingPathComponent("p.policy").path)
    #expect(try CLIProcess.run(["registry", "push", "--registry", real, dir.appendingPathComponent("p.policy").path]).status == 0)
    let good = dir.appendingPathComponent("good-link.sqlite").path
    try FileManager.default.createSymbolicLink(atPath: good, withDestinationPath: real)
    #expect(try CLIProcess.run(["registry", "list", "--registry", good]).stdout.contains("demo"))
}

@Test func registryEscapesProvenanceAndPrintsSnakeCaseJSON() throws {
    let dir = try temporaryFolder()
    let db = dir.appendingPathComponent("r.sqlite").path
    var doc = demoPolicy(tag: 1, environment: "evil\u{1B}[31m\nversion 99 forged")
    doc.provenance.scenario = "s\r\u{9B}x"
    try PolicyFile.write(doc, to: dir.appendingPathComponent("evil.policy").path)
    let push = try CLIProcess.run(["registry", "push", "--registry", db, dir.appendingPathComponent("evil.policy").path])
    #expect(push.status == 0 && !push.stdout.contains("\u{1B}"))
    for args in [["list"], ["show", "1"]] {
        let r = try CLIProcess.run(["registry"] + args + ["--registry", db])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\u{1B}") && !r.stdout.contains("\r") && !r.stdout.contains("\u{9B}"))
        #expect(!r.stdout.split(separator: "\n").contains { $0.hasPrefix("version 99") })
        #expect(r.stdout.contains("evil\\u{1B}[31m\\nversion 99 forged"))
    }
    let list = try CLIProcess.run(["registry", "list", "--json", "--registry", db])
    let versions = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(versions.first?["pushed_at"] is String && versions.first?["pushedAt"] == nil)
    let show = try CLIProcess.run(["registry", "show", "1", "--json", "--registry", db])
    let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
    #expect(shown["observation_schema_version"] as? Int == 1)
    #expect((shown["provenance"] as? [String: Any])?["environment"] as? String == "evil\u{1B}[31m\nversion 99 forged")
    #expect(((shown["history"] as? [[String: Any]])?.first?.keys.sorted()) == ["action", "at", "note", "version"])
}

/// A value shared between threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
