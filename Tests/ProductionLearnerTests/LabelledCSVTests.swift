import Testing
@testable import ProductionLearner

@Test func parsesFeaturesAndLabelWherever() throws {
    let s = try LabelledCSV.parse("a,y,b\n1,0,2\n3,1,4\r\n\n5,2,6\n", input: "s.csv", labelColumn: "y")
    #expect(s.featureNames == ["a", "b"])
    #expect(s.features == [1, 2, 3, 4, 5, 6])
    #expect(s.labels == [0, 1, 2])
    #expect(s.classCount == 3)
}

@Test func malformedRowsAreRefusedOrSkippedByLine() throws {
    let text = "a,b,y\n1,2,0\n1,x,1\n1,2\n1,2,0.5\n3,4,1\n"
    #expect(throws: StreamError.badRow(input: "s.csv", line: 3, reason: "column b: expected a number, found \"x\"")) {
        try LabelledCSV.parse(text, input: "s.csv", labelColumn: "y")
    }
    let s = try LabelledCSV.parse(text, input: "s.csv", labelColumn: "y", skipBadRows: true)
    #expect(s.labels == [0, 1])
    #expect(s.skipped.map(\.line) == [3, 4, 5])
    #expect(s.skipped[1].reason == "expected 3 fields, found 2")
    #expect(s.skipped[2].reason == "label \"0.5\" is not a class index (0, 1, 2, …)")
    #expect(throws: StreamError.missingLabelColumn(input: "s.csv", column: "label", available: ["a", "b", "y"])) {
        try LabelledCSV.parse(text, input: "s.csv", labelColumn: "label")
    }
    #expect(throws: StreamError.empty(input: "s.csv")) { try LabelledCSV.parse("", input: "s.csv", labelColumn: "y") }
}
