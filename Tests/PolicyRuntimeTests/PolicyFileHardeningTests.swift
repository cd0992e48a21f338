import Foundation
import Testing
@testable import PolicyRuntime

/// A policy file around `payload` text, with an honest header (so only the payload's content is tested).
private func sealed(_ payload: String) -> Data {
    let bytes = Data(payload.utf8)
    let header = "{\"format\":\"drifttune-policy\",\"format_version\":2,\"payload_bytes\":\(bytes.count),\"sha256\":\"\(SHA256.hex(of: bytes))\"}\n"
    return Data(header.utf8) + bytes
}

private func payloadText(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
    let data = try PolicyFile.encode(samplePolicy(hidden: [4]))
    let newline = try #require(data.firstIndex(of: 0x0A))
    var payload = try #require(try JSONSerialization.jsonObject(with: data[(newline + 1)...]) as? [String: Any])
    edit(&payload)
    return String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
}

private func message(_ data: Data) -> String {
    do {
        _ = try PolicyFile.decode(data, file: "p.policy")
        return "(loaded)"
    } catch {
        return "\(error)"
    }
}

private var loop: [String: Any] { [
    "model": "logistic", "period_length": 1000, "window": 4000, "label_delay": 0, "fine_tune_epochs": 1, "retrain_epochs": 3,
    "update_overhead": 0.0, "compute_budget": 100.0, "episode_length": 50, "warmup_periods": 1,
] }

@Test func duplicateKeysInAPolicyFileAreRefusedByName() throws {
    let text = try payloadText()
    #expect(message(sealed(text)) == "(loaded)")
    // A second "provenance" at the top level, and a second "clip" inside normalization.
    #expect(message(sealed("{\"provenance\":{}," + text.dropFirst())) == "p.policy: duplicate key \"provenance\" in (top level)")
    let nested = text.replacingOccurrences(of: "\"normalization\":{", with: "\"normalization\":{\"clip\":1,")
    #expect(message(sealed(nested)) == "p.policy: duplicate key \"clip\" in normalization")
    // The same key spelled with an escape is the same key.
    let escaped = text.replacingOccurrences(of: "\"normalization\":{", with: "\"normalization\":{\"cl\\u0069p\":1,")
    #expect(message(sealed(escaped)) == "p.policy: duplicate key \"clip\" in normalization")
    // Equal keys in different objects are fine.
    #expect(JSONScan.firstProblem(in: ArraySlice(Array("{\"a\":{\"b\":1},\"c\":{\"b\":[{\"b\":2},{\"b\":3}]}}".utf8))) == nil)
}

@Test func aNumberOutOfRangeNamesItsField() throws {
    let text = try payloadText()
    let tooBig = text.replacingOccurrences(of: "\"clip\":10", with: "\"clip\":1e400")
    #expect(message(sealed(tooBig)) == "p.policy: payload field normalization.clip: the number 1e400 is out of range")
    // Beyond Float but within Double: the decoder names the field.
    let floatOverflow = try payloadText { p in
        var network = p["network"] as! [String: Any]
        var heads = network["heads"] as! [String: Any]
        var bias = heads["bias"] as! [Any]
        bias[0] = 1e39
        heads["bias"] = bias
        network["heads"] = heads
        p["network"] = network
    }
    #expect(message(sealed(floatOverflow)) == "p.policy: payload field network.heads.bias[0]: the number 1e+39 is out of range")
}

@Test func hugeLayersAndLoopValuesAreRefusedBeforeAnyAllocation() throws {
    let huge = try payloadText { p in
        var network = p["network"] as! [String: Any]
        var heads = network["heads"] as! [String: Any]
        heads["outputs"] = 1 << 62
        network["heads"] = heads
        p["network"] = network
    }
    #expect(message(sealed(huge)) == "p.policy: network.heads.outputs: \(1 << 62) is outside 1...65536")
    let wideInputs = try payloadText { p in
        var network = p["network"] as! [String: Any]
        var hidden = network["hidden"] as! [[String: Any]]
        hidden[0]["inputs"] = 1 << 62
        network["hidden"] = hidden
        p["network"] = network
    }
    #expect(message(sealed(wideInputs)).hasPrefix("p.policy: network.hidden[0].inputs has"))
    #expect(message(sealed(try payloadText { $0["loop"] = loop })) == "(loaded)")
    for (field, value) in [("period_length", 1_000_000_000), ("window", 1_000_000_000), ("retrain_epochs", 1_000_000_000_000),
                           ("fine_tune_epochs", -1), ("warmup_periods", 1 << 40), ("episode_length", 0), ("label_delay", 1 << 50)] {
        var bad = loop
        bad[field] = value
        let text = try payloadText { $0["loop"] = bad }
        #expect(message(sealed(text)).hasPrefix("p.policy: loop.\(field): \(value) is outside "))
    }
    var budget = loop
    budget["compute_budget"] = 1e300
    #expect(message(sealed(try payloadText { $0["loop"] = budget })).hasPrefix("p.policy: loop.compute_budget: must be in"))
}
