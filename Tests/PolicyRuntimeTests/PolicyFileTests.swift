import Foundation
import Testing
@testable import PolicyRuntime

@Test func writeThenReadGivesTheSameDocument() throws {
    let doc = samplePolicy()
    let path = temporaryPath("roundtrip.policy")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PolicyFile.write(doc, to: path)
    #expect(try PolicyFile.read(path) == doc)
    // Deterministic bytes: the same document always hashes the same.
    #expect(try PolicyFile.encode(doc) == PolicyFile.encode(doc))
}

/// Rewrites the payload (keeping the header's digest honest) so a test can reach validation.
private func resealed(_ doc: PolicyDocument, edit: (inout [String: Any]) -> Void) throws -> Data {
    let data = try PolicyFile.encode(doc)
    let newline = data.firstIndex(of: 0x0A)!
    var payload = try JSONSerialization.jsonObject(with: data[(newline + 1)...]) as! [String: Any]
    edit(&payload)
    let bytes = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
    let header = "{\"format\":\"drifttune-policy\",\"format_version\":2,\"payload_bytes\":\(bytes.count),\"sha256\":\"\(SHA256.hex(of: bytes))\"}\n"
    return Data(header.utf8) + bytes
}

private func message(_ data: Data) -> String {
    do {
        _ = try PolicyFile.decode(data, file: "p.policy")
        return "(loaded)"
    } catch {
        return "\(error)"
    }
}

@Test func flippedByteIsCaughtByTheDigest() throws {
    var data = try PolicyFile.encode(samplePolicy())
    let i = data.count - 200
    data[i] ^= 0x01
    #expect(message(data).hasPrefix("p.policy: SHA-256 mismatch: the header says "))
}

@Test func truncatedFileIsCaught() throws {
    let data = try PolicyFile.encode(samplePolicy())
    let expected = data.count - (data.firstIndex(of: 0x0A)! + 1)
    #expect(message(data.prefix(data.count - 10)) == "p.policy: truncated or padded: the header announces \(expected) payload bytes, found \(expected - 10)")
    #expect(message(data.prefix(20)) == "p.policy:1: not a DriftTune policy file header: no header line")
    #expect(message(Data()) == "p.policy:1: not a DriftTune policy file header: the file is empty")
}

@Test func wrongShapeIsCaughtWithTheField() throws {
    let data = try resealed(samplePolicy()) { payload in
        var network = payload["network"] as! [String: Any]
        var hidden = network["hidden"] as! [[String: Any]]
        hidden[1]["bias"] = (hidden[1]["bias"] as! [Any]).dropLast().map { $0 }
        network["hidden"] = hidden
        payload["network"] = network
    }
    #expect(message(data) == "p.policy: network.hidden[1].bias has 15 values, expected 16")

    let chained = try resealed(samplePolicy()) { payload in
        var normalization = payload["normalization"] as! [String: Any]
        normalization["mean"] = [0.0, 1.0]
        payload["normalization"] = normalization
    }
    #expect(message(chained) == "p.policy: normalization.mean has 2 values, expected 18")
}

@Test func nanWeightIsCaughtWithItsIndex() throws {
    let data = try resealed(samplePolicy()) { payload in
        var network = payload["network"] as! [String: Any]
        var heads = network["heads"] as! [String: Any]
        var weights = heads["weights"] as! [Any]
        weights[7] = "NaN"
        heads["weights"] = weights
        network["heads"] = heads
        payload["network"] = network
    }
    #expect(message(data) == "p.policy: network.heads.weights[7] is not finite")
}

@Test func unknownFormatVersionAndFormatAreRefused() throws {
    let data = try PolicyFile.encode(samplePolicy())
    let newline = data.firstIndex(of: 0x0A)!
    let header = String(decoding: data[..<newline], as: UTF8.self)
    let future = Data(header.replacingOccurrences(of: "\"format_version\":2", with: "\"format_version\":7").utf8) + data[newline...]
    #expect(message(future) == "p.policy:1: format version 7 is not supported (this runtime reads 2)")
    // A version-1 file (before the action vocabulary became one) says how to get a current one.
    let older = Data(header.replacingOccurrences(of: "\"format_version\":2", with: "\"format_version\":1").utf8) + data[newline...]
    #expect(message(older) == "p.policy:1: format version 1 is not supported (this runtime reads 2; it was written by an older DriftTune: export it again from its checkpoint)")
    let other = Data(header.replacingOccurrences(of: "drifttune-policy", with: "onnx").utf8) + data[newline...]
    #expect(message(other) == "p.policy:1: unknown format \"onnx\" (expected \"drifttune-policy\")")
}

@Test func missingFieldIsNamed() throws {
    let data = try resealed(samplePolicy()) { payload in payload["fallback"] = nil }
    #expect(message(data) == "p.policy: payload field fallback: missing")
    let typed = try resealed(samplePolicy()) { payload in
        var actions = payload["actions"] as! [String: Any]
        actions["batch_sizes"] = "32"
        payload["actions"] = actions
    }
    #expect(message(typed).hasPrefix("p.policy: payload field actions.batch_sizes: expected"))
}

@Test func schemaVersionAndFeatureMismatchAreRefused() throws {
    let path = temporaryPath("schema.policy")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PolicyFile.write(samplePolicy(), to: path)
    #expect(throws: PolicyFileError.schemaVersionMismatch(file: path, policy: 1, expected: 2)) {
        try TunedPolicy.load(path, expectingSchema: 2)
    }
    var names = samplePolicy().observationSchema.features.map(\.name)
    names.swapAt(3, 4)
    #expect(throws: PolicyFileError.schemaFeatureMismatch(file: path, index: 3, policy: "loss", expected: "loss_trend")) {
        try TunedPolicy.load(path, expectingSchema: 1, expectingFeatures: names)
    }
    #expect(throws: PolicyFileError.unreadable(file: path + ".missing", reason: "no such file")) {
        try TunedPolicy.load(path + ".missing")
    }
}
