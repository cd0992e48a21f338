import Foundation
import Testing
@testable import ProductionLearner

/// Reads every row of `text` through `CSVStream` (in memory), `chunk` rows at a time.
private func readAll(_ text: String, label: String = "y", skip: Bool = false, categorical: CategoricalColumns = .refuse,
                     chunk: Int = 3) throws -> (names: [String], x: [Float], y: [Int32], skipped: [Int]) {
    var skipped: [Int] = []
    var s = try CSVStream(bytes: Array(text.utf8), input: "s.csv", labelColumn: label, skipBadRows: skip, categorical: categorical,
                          onSkip: { line, _ in skipped.append(line) })
    return try drain(&s, chunk: chunk, skipped: { skipped })
}

private func drain(_ s: inout CSVStream, chunk: Int, skipped: () -> [Int]) throws -> (names: [String], x: [Float], y: [Int32], skipped: [Int]) {
    let (x, y) = try s.readAll(chunk: chunk)
    return (s.featureNames, x, y, skipped())
}

@Test func crlfBlankLinesAndAByteOrderMarkReadAsPlainLines() throws {
    let r = try readAll("\u{FEFF}a, y ,b\r\n1,0,2\r\n\r\n  \r\n3,1,4\r\n5,1,6")
    #expect(r.names == ["a", "b"])
    #expect(r.x == [1, 2, 3, 4, 5, 6])
    #expect(r.y == [0, 1, 1])
}

@Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
    let text = "\"a,1\",\"y\",b\n\"1.5\",1,\"-2\"\n\"3\",\"0\",4\n"
    let r = try readAll(text)
    #expect(r.names == ["a,1", "b"])
    #expect(r.x == [1.5, -2, 3, 4])
    // A quoted label with a line break inside is one record; the next row's line number counts it.
    let multi = "a,y,note\n1,0,\"x\ny\"\n2,oops,z\n"
    #expect(throws: StreamError.badRow(input: "s.csv", line: 4, reason: "label \"oops\" is not a class index (0, 1, 2, …)")) {
        try readAll(multi, categorical: .oneHot(maxCategories: 4))
    }
    let escaped = try readAll("a,y,note\n1,0,\"say \"\"hi\"\"\"\n2,1,\"say \"\"hi\"\"\"\n", categorical: .oneHot(maxCategories: 4))
    #expect(escaped.x == [1, 1, 0, 0, 0, 2, 1, 0, 0, 0])
}

@Test func aStreamCutMidRowIsABadRowOnItsLine() throws {
    let text = "a,b,y\n1,2,0\n3,4,1\n5,6"
    #expect(throws: StreamError.badRow(input: "s.csv", line: 4, reason: "the stream ends mid-row: expected 3 fields, found 2")) {
        try readAll(text)
    }
    let skipped = try readAll(text, skip: true)
    #expect(skipped.y == [0, 1] && skipped.skipped == [4])
    #expect(throws: StreamError.badRow(input: "s.csv", line: 3, reason: "the stream ends mid-row: a quoted field is not closed")) {
        try readAll("a,b,y\n1,2,0\n3,\"4,1")
    }
}

@Test func aBadRowOnLineNIsReportedAsLineNOrSkippedAloneWithNothingElseLost() throws {
    var lines = ["a,b,y"]
    for i in 0..<50 { lines.append("\(i),\(2 * i),\(i % 2)") }
    lines[17] = "16,x,0"  // line 18
    let text = lines.joined(separator: "\n") + "\n"
    #expect(throws: StreamError.badRow(input: "s.csv", line: 18, reason: "column b: expected a number, found \"x\"")) {
        try readAll(text, chunk: 7)
    }
    let r = try readAll(text, skip: true, chunk: 7)
    #expect(r.skipped == [18])
    #expect(r.y.count == 49)
    let kept: [Int] = (0..<50).filter { $0 != 16 }
    let expected: [Float] = kept.flatMap { i -> [Float] in [Float(i), Float(2 * i)] }
    #expect(r.x == expected)
}

@Test func headerProblemsAreNamed() throws {
    #expect(throws: StreamError.empty(input: "s.csv")) { try readAll("") }
    #expect(throws: StreamError.empty(input: "s.csv")) { try readAll("  \n1,2\n") }
    #expect(throws: StreamError.missingLabelColumn(input: "s.csv", column: "y", available: ["a", "b"])) { try readAll("a,b\n1,2\n") }
    let onlyHeader = try readAll("a,y\n")
    #expect(onlyHeader.y.isEmpty && onlyHeader.names == ["a"])
}

@Test func classLabelsAreBoundedAndLimitedToTheRunsClasses() throws {
    #expect(throws: StreamError.badRow(input: "s.csv", line: 2, reason: "label 10000 is beyond the largest class index 9999")) {
        try readAll("a,y\n1,10000\n")
    }
    #expect(throws: StreamError.badRow(input: "s.csv", line: 2, reason: "label \"-1\" is not a class index (0, 1, 2, …)")) {
        try readAll("a,y\n1,-1\n")
    }
    var s = try CSVStream(bytes: Array("a,y\n1,0\n2,1\n3,2\n".utf8), input: "s.csv", labelColumn: "y")
    s.limitLabels(to: 2)
    #expect(throws: StreamError.badRow(input: "s.csv", line: 4,
                                       reason: "label 2 is beyond the run's classes (0 to 1, from --classes or the rows before the first period)")) {
        try drain(&s, chunk: 8, skipped: { [] })
    }
}

@Test func textColumnsAreRefusedByNameOrOneHotEncodedWithABound() throws {
    let text = "size,color,y\n1,red,0\n2,blue,1\n3,green,0\n4,red,1\n5,mauve,1\n"
    #expect(throws: StreamError.textColumn(input: "s.csv", line: 2, column: "color", value: "red")) { try readAll(text) }
    #expect(StreamError.textColumn(input: "s.csv", line: 2, column: "color", value: "red").description
        == "s.csv:2: column color holds text (\"red\"), not numbers; encode it with --categorical onehot or drop the column")
    let r = try readAll(text, categorical: .oneHot(maxCategories: 3))
    #expect(r.names == ["size", "color=#0", "color=#1", "color=other"])
    #expect(r.x == [1, 1, 0, 0,
                    2, 0, 1, 0,
                    3, 0, 0, 1,   // beyond the first two: "other"
                    4, 1, 0, 0,
                    5, 0, 0, 1])
}

@Test func numbersParseExactlyAsFloatOfString() throws {
    var state: UInt64 = 7
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
    var texts = ["0", "-0", "+1.5", ".5", "5.", "1e5", "1E-5", "3.4028235e38", "1e-45", "0.1", "123456789012345678901234",
                 "0x1p3", "inf", "nan", "1e", "--1", "1.2.3", "", "12345678.9", "9007199254740993", "1.00000005960464477539"]
    for _ in 0..<20_000 {
        let v = Double(bitPattern: next()) // any bits: wide exponents included
        if v.isFinite { texts.append("\(v)"); texts.append("\(Float(Int64(next() % 2_000_000)) / 1000)") }
        texts.append(String(format: "%.9g", Double(Float(bitPattern: UInt32(truncatingIfNeeded: next())))))
        texts.append("\(Int(next() % 1_000_000)).\(Int(next() % 100_000_000))e\(Int(next() % 40) - 20)")
    }
    for t in texts {
        let expected = Float(t).flatMap { $0.isFinite ? $0 : nil }
        let got = Array(t.utf8).withUnsafeBufferPointer { DecimalParsing.finiteFloat($0) }
        #expect(got?.bitPattern == expected?.bitPattern, "\(t)")
    }
}

@Test func aFileLongerThanTheReadBufferStreamsTheSameRowsAsParse() throws {
    var lines = ["\"f0\",f1,label"]
    for i in 0..<120_000 { lines.append("\(Double(i) * 0.001),\(i % 97),\(i % 3)") }
    let text = lines.joined(separator: "\r\n")  // no final newline
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvstream-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("big.csv").path
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    var s = try CSVStream(path: path, labelColumn: "label")
    defer { s.close() }
    let streamed = try drain(&s, chunk: 1000, skipped: { [] })
    let whole = try LabelledCSV.parse(text, input: "big.csv", labelColumn: "label")
    #expect(streamed.y.count == 120_000)
    #expect(streamed.x == whole.features && streamed.y == whole.labels)
    #expect(streamed.x[2 * 119_999] == Float("119.999"))
}
