import Foundation
import Testing
@testable import DriftTuneCLI

@Test func parsesOneNumberPerLineSkippingBlankLines() throws {
    let values = try NumberStream.parse("1\n2.5\r\n\n-3e2\n", input: "x.txt")
    #expect(values == [1, 2.5, -300])
}

@Test func nonNumberNamesInputAndLine() {
    #expect(throws: NumberStreamError.notANumber(input: "x.txt", line: 3, text: "abc")) {
        try NumberStream.parse("1\n2\nabc\n4\n", input: "x.txt")
    }
    // nan and inf would poison a detector's statistics: refused like any other non-number.
    #expect(throws: NumberStreamError.notANumber(input: "x.txt", line: 2, text: "nan")) {
        try NumberStream.parse("1\nnan\n", input: "x.txt")
    }
}

@Test func emptyInputIsAnError() {
    #expect(throws: NumberStreamError.empty(input: "<stdin>")) { try NumberStream.parse("\n \n", input: "<stdin>") }
    #expect(NumberStreamError.empty(input: "e.txt").description == "e.txt: no values (the input is empty)")
}

@Test func readsCSVColumnByName() throws {
    let csv = "time,error,other\n0,0.5,x\n1,0.25,y\n"
    #expect(try NumberStream.parse(csv, input: "d.csv", column: "error") == [0.5, 0.25])
    #expect(throws: NumberStreamError.missingColumn(input: "d.csv", column: "err", available: ["time", "error", "other"])) {
        try NumberStream.parse(csv, input: "d.csv", column: "err")
    }
    #expect(throws: NumberStreamError.notANumber(input: "d.csv", line: 2, text: "x")) {
        try NumberStream.parse(csv, input: "d.csv", column: "other")
    }
    #expect(throws: NumberStreamError.shortRow(input: "d.csv", line: 2, column: "other")) {
        try NumberStream.parse("a,other\n1\n", input: "d.csv", column: "other")
    }
}

@Test func missingFileIsReported() {
    #expect(throws: NumberStreamError.unreadable(input: "/nonexistent/f.txt", reason: "no such file")) {
        try NumberStream.read(path: "/nonexistent/f.txt")
    }
}

@Test func parameterPairsAreParsedAndValidated() throws {
    #expect(try DetectionRun.parseParameters(["delta=0.01", "clock=16"]) == ["delta": "0.01", "clock": "16"])
    #expect(throws: UserError("--param \"delta\": expected NAME=VALUE")) { try DetectionRun.parseParameters(["delta"]) }
    #expect(throws: UserError("--param delta given twice")) { try DetectionRun.parseParameters(["delta=1", "delta=2"]) }
}

/// Streaming reads (64 KiB chunks) give what parsing the whole text gives, lines split across
/// chunk boundaries included, and a bad line far into a file is reported with its own line number.
@Test func streamingReadEqualsWholeTextParse() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("numberstream-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var text = "error,other\r\n"
    for i in 0..<30_000 { text += i % 7 == 0 ? "\n" : "\(Double(i) * 0.001),x\r\n" }
    let path = dir.appendingPathComponent("big.csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    #expect(text.utf8.count > 3 * (1 << 16))
    #expect(try NumberStream.read(path: path, column: "error") == NumberStream.parse(text, input: path, column: "error"))
    let bad = text + "0.5,x\nnope,x\n"
    try Data(bad.utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: NumberStreamError.notANumber(input: path, line: 30_003, text: "nope")) {
        try NumberStream.forEachValue(path: path, column: "error") { _ in }
    }
}
