import Foundation
import Learners
import PolicyRuntime
import Testing
@testable import ProductionLearner

/// A CSV of `rows` rows from `flipStream` (4 features), with `edit` applied to its lines (line 1 is the header).
private func csv(rows: Int, edit: (inout [String]) -> Void = { _ in }) -> [UInt8] {
    let s = flipStream(rows: rows, flipAt: rows / 2)
    var lines = ["a,b,c,d,label"]
    for r in 0..<rows {
        lines.append((0..<4).map { String(s.features[r * 4 + $0]) }.joined(separator: ",") + ",\(s.labels[r])")
    }
    edit(&lines)
    return Array((lines.joined(separator: "\n") + "\n").utf8)
}

private let settings = LoopSettings(model: "logistic", periodLength: 200, window: 400, computeBudget: 60, episodeLength: 30,
                                    warmupPeriods: 2, standardize: true)

/// One `learn` run over `bytes`, read directly or through `PrefetchingRows`: its summary or error, and its log.
private func run(_ bytes: [UInt8], prefetch: Bool, skipBadRows: Bool = false, classCount: Int? = nil,
                 model: LearnerKind = .logistic) -> (result: Result<RunSummary, any Error>, logs: [PeriodLog], skipped: [Int]) {
    var logs: [PeriodLog] = [], skipped: [Int] = []
    var s = settings
    s.model = model.rawValue
    var production = ProductionRun(model: model, metric: .accuracy, settings: s,
                                   actions: ActionBins(learningRates: [0.05], batchSizes: [16]),
                                   defaultAction: TuningAction(learningRateBin: 0, batchSizeBin: 0), seed: 3)
    production.classCount = classCount
    let result = Result { () throws -> RunSummary in
        let stream = try CSVStream(bytes: bytes, input: "s.csv", labelColumn: "label", skipBadRows: skipBadRows) { line, _ in skipped.append(line) }
        if prefetch {
            var rows = PrefetchingRows(stream, readAhead: s.periodLength)
            defer { _ = rows.finish() }
            return try production.run(&rows, policy: FixedPolicy()) { logs.append($0) }
        }
        var rows = stream
        return try production.run(&rows, policy: FixedPolicy()) { logs.append($0) }
    }
    return (result, logs, skipped)
}

private func expectSameRun(_ bytes: [UInt8], skipBadRows: Bool = false, classCount: Int? = nil, model: LearnerKind = .logistic,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let direct = run(bytes, prefetch: false, skipBadRows: skipBadRows, classCount: classCount, model: model)
    let ahead = run(bytes, prefetch: true, skipBadRows: skipBadRows, classCount: classCount, model: model)
    #expect(direct.logs == ahead.logs, sourceLocation: sourceLocation)
    #expect(direct.skipped == ahead.skipped, sourceLocation: sourceLocation)
    switch (direct.result, ahead.result) {
    case let (.success(a), .success(b)): #expect(a == b, sourceLocation: sourceLocation)
    case let (.failure(a as StreamError), .failure(b as StreamError)): #expect(a == b, sourceLocation: sourceLocation)
    default: Issue.record("direct \(direct.result), read ahead \(ahead.result)", sourceLocation: sourceLocation)
    }
}

@Test func readingAheadRunsTheSameStreamToTheSameLogAndSummary() {
    expectSameRun(csv(rows: 3_000))
    expectSameRun(csv(rows: 3_150))  // a partial last period
}

@Test func aBadRowReadAheadFailsTheRunAtTheSamePeriodWithTheSameLine() {
    let bytes = csv(rows: 3_000) { $0[1_907] = "1,2,x,4,0" }  // data row 1,907: period 7 after the 400-row warm-up
    let direct = run(bytes, prefetch: false), ahead = run(bytes, prefetch: true)
    #expect(throws: StreamError.badRow(input: "s.csv", line: 1_908, reason: "column c: expected a number, found \"x\"")) {
        try ahead.result.get()
    }
    #expect(!ahead.logs.isEmpty && ahead.logs == direct.logs)
    expectSameRun(bytes)
}

@Test func skippedRowsReadAheadAreTheSameRowsAndCount() throws {
    let bytes = csv(rows: 3_000) { lines in
        for line in [5, 700, 701, 1_999, 2_990] { lines[line - 1] = "1,2,x,4,0" }
    }
    expectSameRun(bytes, skipBadRows: true)
    let ahead = run(bytes, prefetch: true, skipBadRows: true)
    #expect(try ahead.result.get().skippedRows == 5 && ahead.skipped == [5, 700, 701, 1_999, 2_990])
}

@Test func aLabelBeyondTheRunsClassesInARowReadAheadIsABadRowOnItsLine() {
    let bytes = csv(rows: 3_000) { $0[2_500] = "0.1,0.2,0.3,0.4,7" }
    expectSameRun(bytes, model: .softmax)  // classes settled from the warm-up (2): label 7 is beyond them
    expectSameRun(bytes, classCount: 3, model: .softmax)
    #expect(throws: StreamError.self) { try run(bytes, prefetch: true, model: .softmax).result.get() }
}

@Test func readsOfOtherSizesTakeWhatWasReadAheadFirst() throws {
    let bytes = csv(rows: 1_000)
    var rows = PrefetchingRows(try CSVStream(bytes: bytes, input: "s.csv", labelColumn: "label"), readAhead: 300)
    var direct = try CSVStream(bytes: bytes, input: "s.csv", labelColumn: "label")
    var x = [Float](repeating: 0, count: 1_000 * 4), y = [Int32](repeating: 0, count: 1_000)
    var dx = x, dy = y
    func take(_ n: Int) throws -> (Int, Int) {
        let got = try x.withUnsafeMutableBufferPointer { px in
            try y.withUnsafeMutableBufferPointer { try rows.read(rows: n, features: px.baseAddress!, labels: $0.baseAddress!) }
        }
        let want = try dx.withUnsafeMutableBufferPointer { px in
            try dy.withUnsafeMutableBufferPointer { try direct.read(rows: n, features: px.baseAddress!, labels: $0.baseAddress!) }
        }
        #expect(Array(x[0..<(got * 4)]) == Array(dx[0..<(want * 4)]) && Array(y[0..<got]) == Array(dy[0..<want]))
        return (got, want)
    }
    #expect(try take(200) == (200, 200))
    #expect(rows.rowsReadAhead == 0)  // nothing before the label limit is settled
    rows.limitLabels(to: 2)  // settles it: 300 rows are read ahead from here
    direct.limitLabels(to: 2)
    #expect(rows.rowsReadAhead == 300)
    #expect(try take(100) == (100, 100))  // part of them
    #expect(rows.rowsReadAhead == 200)
    #expect(try take(500) == (500, 500))  // the rest, then straight from the source
    #expect(rows.rowsReadAhead == 200)  // the last 200 rows, read ahead
    #expect(try take(300) == (200, 200))  // the end of the stream
    #expect(try take(300) == (0, 0))
    _ = rows.finish()
}
