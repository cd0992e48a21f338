import Foundation
import Testing
import YAMLConfig

private func read(_ yaml: String, _ body: (inout ConfigMap) throws(ConfigError) -> Void) -> String {
    do {
        guard let root = try ConfigDocument.root(yaml: yaml, file: "c.yaml") else { return "empty" }
        var m = try ConfigMap(root, file: "c.yaml", path: "")
        try body(&m)
        try m.finish()
        return "ok"
    } catch {
        return error.description
    }
}

@Test func duplicateKeysAreRefusedWithFileLineAndKey() {
    #expect(read("a: 1\nb: 2\na: 3") { _ in } == "c.yaml:1:1: duplicate key 'a' (again at line 3); expected each key once per mapping")
    #expect(read("outer:\n  x: 1\n  x: 2") { _ in }.hasPrefix("c.yaml:2:3: duplicate key 'x' (again at line 3)"))
    #expect(read("m: {k: 1, k: 2}") { _ in }.hasPrefix("c.yaml:1:5: duplicate key 'k' (again at line 1)"))
}

@Test func messagesSayWhereTheFieldAndWhatWasExpected() {
    #expect(read("n: 11") { m throws(ConfigError) in _ = try m.int("n", in: 1...10) }
            == "c.yaml:1:4: 'n' is 11, out of range; expected an integer in 1...10")
    #expect(read("n: x") { m throws(ConfigError) in _ = try m.double("n", in: 0...1) }
            == "c.yaml:1:4: 'n' has the wrong type (string 'x'); expected a number")
    #expect(read("inner: {}") { m throws(ConfigError) in var i = try m.map("inner"); _ = try i.string("name") }
            == "c.yaml:1:8: missing required key 'inner.name'")
    #expect(read("n: 1\nm: 2") { m throws(ConfigError) in _ = try m.int("n", in: 0...9) }
            == "c.yaml:2:1: unknown key 'm'; expected one of: n")
}

@Test func badInputIsQuotedAsAShortExcerpt() {
    let long = String(repeating: "y", count: 1000)
    let message = read("n: \(long)") { m throws(ConfigError) in _ = try m.int("n", in: 0...9) }
    #expect(message.count < 120 && message.contains("…"), "\(message)")
    #expect(ConfigError.excerpt(long).count == 40)
}

@Test func locationsWithoutALineOrFile() {
    #expect(ConfigError.invalid(file: "f.yaml", line: 0, column: 0, field: "x", problem: "bad").description == "f.yaml: 'x': bad")
    #expect(ConfigError.outOfRange(file: "", line: 0, column: 0, field: "gamma", value: "2", expected: "a discount in [0, 1]")
        .description == "'gamma' is 2, out of range; expected a discount in [0, 1]")
}

@Test func snakeCaseJSONRoundTrips() throws {
    struct Sample: Codable, Equatable { var wallSeconds: Double; var perPhase: [String: Int] }
    let value = Sample(wallSeconds: 1.5, perPhase: ["trainingPhase": 2])
    let text = try SnakeCaseJSON.string(value)
    #expect(text.contains("\"wall_seconds\"") && text.contains("\"per_phase\""), "\(text)")
    #expect(text.contains("\"trainingPhase\""), "dictionary keys are data, not converted: \(text)")
    #expect(try SnakeCaseJSON.decoder().decode(Sample.self, from: Data(text.utf8)) == value)
}
