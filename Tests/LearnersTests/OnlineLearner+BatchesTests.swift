import Linalg
import Testing
@testable import Learners

@Test func retrainImprovesAndIsDeterministic() {
    let data = Dataset(rows: 500, features: 4, classes: 3, seed: 2)
    var a = SoftmaxRegression(featureCount: 4, classCount: 3, learningRate: 0.3, batchSize: 20)
    var b = a
    var r1 = RandomSource(seed: 5), r2 = RandomSource(seed: 5)
    a.retrain(data.matrix, labels: data.y, epochs: 3, rng: &r1)
    b.retrain(data.x, labels: data.y, epochs: 3, rng: &r2)
    #expect(a.snapshot() == b.snapshot())
    #expect(a.core.updateCount == 75)
    #expect(accuracy(a, data) > 0.85)
}

@Test func testThenTrainPredictsBeforeLearning() {
    let data = Dataset(rows: 10, features: 3, classes: 2, seed: 1)
    var m = LogisticRegression(featureCount: 3, learningRate: 0.5, batchSize: 4)
    var p = [Float](repeating: -1, count: 20)
    data.x.withUnsafeBufferPointer { px in
        data.y.withUnsafeBufferPointer { py in
            _ = m.testThenTrain(px.baseAddress!, labels: py.baseAddress!, rows: 10, probabilities: &p)
        }
    }
    // The first batch is predicted by the untrained (zero) model.
    #expect(p[0..<8].allSatisfy { $0 == 0.5 })
    #expect(p[8] != 0.5)
    #expect(m.core.updateCount == 3)
}

@Test func arrayAndMatrixOverloadsAgree() {
    let data = Dataset(rows: 8, features: 3, classes: 2, seed: 1)
    var m = FactorizationMachine(featureCount: 3, factorCount: 2, learningRate: 0.1, seed: 1)
    m.partialFit(data.matrix, labels: data.y)
    #expect(m.predictProbabilities(data.matrix).data == m.predictProbabilities(data.x))
    #expect(m.predict(data.matrix).count == 8)
}
