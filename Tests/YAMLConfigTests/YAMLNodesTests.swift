import Testing
import YAMLConfig
import Yams

private func read(_ yaml: String, _ body: (inout ConfigMap) throws(ConfigError) -> Void) -> String {
    do {
        guard let root = try ConfigDocument.root(yaml: yaml, file: "c.yaml") else { return "empty" }
        var m = try ConfigMap(root, file: "c.yaml", path: "")
        try body(&m)
        return "ok"
    } catch {
        return error.description
    }
}

/// Regression (found while writing the fuzz targets): Yams' sexagesimal integers ("1:30" is 90)
/// overflowed `Int` unchecked and trapped for 11 or more parts; one that does not fit is now "not
/// an integer".
@Test func fuzzLongSexagesimalIntegerIsAnErrorNotATrap() {
    let long = "1:1:1:1:1:1:1:1:1:1:1:1"
    #expect(read("n: \(long)") { m throws(ConfigError) in _ = try m.int("n", in: 0...9) }
            == "c.yaml:1:4: 'n' has the wrong type (number \(long)); expected an integer")
    #expect(read("x: \(long)") { m throws(ConfigError) in _ = try m.double("x", in: 0...1) }.contains("out of range"))
    #expect(read("x: -\(long)") { m throws(ConfigError) in _ = try m.double("x", in: 0...1) }.contains("out of range"))
    #expect(read("x: --0:-9223372036854775808") { m throws(ConfigError) in _ = try m.int("x", in: 0...1) }.contains("wrong type"))
}

@Test func sexagesimalIntegersThatFitReadAsYamsReadsThem() {
    for (text, value) in [("1:30", 90), ("-1:30", -90), ("+1:0:0", 3600), ("1_0:0", 600)] {
        let n = Node.scalar(.init(text))
        #expect(YAMLNodes.int(n) == value, "\(text)")
        #expect(n.int == value, "\(text)")
    }
    #expect(YAMLNodes.int(Node.scalar(.init("01:30"))) == nil)
    #expect(YAMLNodes.int(Node.scalar(.init("1:30", .implicit, .doubleQuoted))) == nil)
    #expect(YAMLNodes.int(Node.scalar(.init("12"))) == 12)
}
