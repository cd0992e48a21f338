import Foundation
import Linalg
import Testing
@testable import Learners

private func referenceObjective(_ t: [Double], _ data: Dataset, l2: Double) -> Double {
    let d = data.d
    var loss = 0.0
    for r in 0..<data.rows {
        var z = t[d]
        for j in 0..<d { z += Double(data.x[r * d + j]) * t[j] }
        loss += softplus(z) - Double(data.y[r]) * z
    }
    return loss / Double(data.rows) + 0.5 * l2 * t[0..<d].reduce(0) { $0 + $1 * $1 }
}

@Test func logisticGradientMatchesFiniteDifferences() {
    let data = Dataset(rows: 16, features: 5, classes: 2, seed: 1, noise: 2)
    var m = LogisticRegression(featureCount: 5, l2: 0.1)
    var rng = RandomSource(seed: 2)
    m.core.parameters = (0..<6).map { _ in Float(rng.nextGaussian()) * 0.5 }
    _ = data.x.withUnsafeBufferPointer { px in
        data.y.withUnsafeBufferPointer { m.computeGradient(px.baseAddress!, labels: $0.baseAddress!, rows: 16) }
    }
    let theta = m.core.parameters.map(Double.init)
    let numeric = numericalGradient({ referenceObjective($0, data, l2: 0.1) }, at: theta)
    let err = relativeError(m.core.gradient.map(Double.init), numeric)
    print("logistic gradient relative error \(err)")
    #expect(err < 1e-3)
}

@Test func logisticLearnsSeparableProblem() {
    let train = Dataset(rows: 2000, features: 6, classes: 2, seed: 3), test = Dataset(rows: 500, features: 6, classes: 2, seed: 3)
    var m = LogisticRegression(featureCount: 6, learningRate: 0.5, batchSize: 16)
    m.partialFit(stream: train.matrix, labels: train.y)
    #expect(accuracy(m, test) > 0.9)
    #expect(m.health == .healthy)
}

@Test func logisticSnapshotRoundTrip() {
    #expect(snapshotRoundTripIsExact { LogisticRegression(featureCount: 4, learningRate: 0.1, optimizer: .adam()) })
}

@Test func logisticRestoreOfWrongKindOrShapeThrows() throws {
    var m = LogisticRegression(featureCount: 4)
    let other = LogisticRegression(featureCount: 5).snapshot()
    #expect(throws: LearnerError.shapeMismatch(kind: "logistic", expected: [4, 2], found: [5, 2])) { try m.restore(other) }
    let softmax = SoftmaxRegression(featureCount: 4, classCount: 2).snapshot()
    do {
        try m.restore(softmax)
        Issue.record("restore of a softmax snapshot should throw")
    } catch let e as LearnerError {
        #expect(e == .kindMismatch(expected: "logistic", found: "softmax"))
        #expect("\(e)" == "cannot restore a 'softmax' snapshot into a 'logistic' learner")
    }
    let adam = LogisticRegression(featureCount: 4, optimizer: .adam()).snapshot()
    #expect(throws: LearnerError.self) { try m.restore(adam) }
}

@Test func logisticDivergenceKeepsFiniteParameters() {
    var m = LogisticRegression(featureCount: 4, learningRate: 1)
    let result = divergesSafely(&m)
    #expect(result.diverged && result.finite)
    #expect(result.reason.contains("at update") && result.reason.contains("learning rate"))
    print("logistic divergence reason: \(result.reason)")
    // Stays diverged: further updates are refused.
    let before = m.snapshot().parameters
    m.learningRate = 0.01
    m.partialFit([1, 2, 3, 4], labels: [1])
    #expect(m.snapshot().parameters == before && !m.health.isHealthy)
    var rng = RandomSource(seed: 1)
    m.reinitialize(using: &rng)
    #expect(m.health == .healthy)
}

@Test func logisticLearningRateAndBatchSizeTakeEffect() {
    let data = Dataset(rows: 64, features: 3, classes: 2, seed: 4)
    var a = LogisticRegression(featureCount: 3, learningRate: 0.1, batchSize: 8)
    var b = a
    b.learningRate = 0.2
    a.partialFit(data.x, labels: data.y)
    b.partialFit(data.x, labels: data.y)
    // From zero, one plain-SGD step scales linearly with the rate.
    for (wa, wb) in zip(a.weights, b.weights) { #expect(abs(2 * wa - wb) < 1e-6) }
    var c = LogisticRegression(featureCount: 3, learningRate: 0.1, batchSize: 8)
    c.partialFit(stream: data.matrix, labels: data.y)
    #expect(c.core.updateCount == 8)
    c.batchSize = 32
    c.partialFit(stream: data.matrix, labels: data.y)
    #expect(c.core.updateCount == 10)
    c.batchSize = 0
    #expect(c.batchSize == 1)
}

@Test func logisticInterceptLearningRateIsSeparate() {
    var m = LogisticRegression(featureCount: 2, learningRate: 1, batchSize: 1, interceptLearningRate: 0.01)
    m.partialFit([1, 0], labels: [1])
    // Gradient at zero: p − y = −0.5.
    #expect(m.weights == [0.5, 0])
    #expect(abs(m.intercept - 0.005) < 1e-7)
}

private struct RiverFixture: Decodable {
    var rows: Int
    var features: Int
    var learningRate: Float
    var interceptLearningRate: Float
    var x: [Float]
    var y: [Int32]
    var probabilities: [Double]
    var prequentialAccuracy: Double
    var finalWeights: [Double]
    var finalIntercept: Double
}

@Test func logisticMatchesRiverOnlineSGD() throws {
    let f = try fixture("river_logreg_stream.json", as: RiverFixture.self)
    var m = LogisticRegression(featureCount: f.features, learningRate: f.learningRate, batchSize: 1,
                               interceptLearningRate: f.interceptLearningRate)
    var correct = 0
    var maxDiff = 0.0
    var p: [Float] = [0, 0]
    f.x.withUnsafeBufferPointer { px in
        f.y.withUnsafeBufferPointer { py in
            for i in 0..<f.rows {
                let row = px.baseAddress! + i * f.features
                m.predictProbabilities(row, rows: 1, into: &p)
                maxDiff = max(maxDiff, abs(Double(p[1]) - f.probabilities[i]))
                let predicted: Int32 = p[1] > p[0] ? 1 : 0
                if predicted == py[i] { correct += 1 }
                m.partialFit(row, labels: py.baseAddress! + i, rows: 1)
            }
        }
    }
    let acc = Double(correct) / Double(f.rows)
    print("River parity: accuracy swift \(acc) river \(f.prequentialAccuracy), max |Δp| \(maxDiff)")
    #expect(abs(acc - f.prequentialAccuracy) < 0.005)
    #expect(maxDiff < 1e-3)
    for (w, r) in zip(m.weights, f.finalWeights) { #expect(abs(Double(w) - r) < 1e-3) }
    #expect(abs(Double(m.intercept) - f.finalIntercept) < 1e-3)
}
