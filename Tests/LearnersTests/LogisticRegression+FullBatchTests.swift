import Linalg
import Testing
@testable import Learners

private struct SklearnFixture: Decodable {
    struct Fit: Decodable {
        var C: Double
        var coef: [Double]
        var intercept: Double
    }
    var rows: Int
    var features: Int
    var x: [Float]
    var y: [Int32]
    var fits: [Fit]
}

@Test func fullBatchMatchesScikitLearn() throws {
    let f = try fixture("sklearn_logreg.json", as: SklearnFixture.self)
    let x = Matrix(rows: f.rows, cols: f.features, data: f.x)
    for fit in f.fits {
        let m = try LogisticRegression.fitFullBatch(x: x, labels: f.y, C: fit.C)
        let worst = max(zip(m.weights, fit.coef).map { abs(Double($0) - $1) }.max()!,
                        abs(Double(m.intercept) - fit.intercept))
        print("sklearn parity C=\(fit.C): max |Δ| \(worst)")
        #expect(worst < 1e-3)
    }
}

@Test func fullBatchRejectsBadInput() {
    #expect(throws: LearnerError.self) {
        try LogisticRegression.fitFullBatch(x: Matrix(rows: 2, cols: 2), labels: [0], C: 1)
    }
    #expect(throws: LearnerError.self) {
        try LogisticRegression.fitFullBatch(x: Matrix(rows: 1, cols: 2), labels: [0], C: -1)
    }
}
