import Foundation
import Linalg
import Testing
@testable import Learners

@Test func softmaxGradientMatchesFiniteDifferences() {
    let (d, c) = (4, 3)
    let data = Dataset(rows: 12, features: d, classes: c, seed: 1, noise: 2)
    var m = SoftmaxRegression(featureCount: d, classCount: c, l2: 0.05)
    var rng = RandomSource(seed: 2)
    m.core.parameters = m.core.parameters.map { _ in Float(rng.nextGaussian()) * 0.5 }
    _ = data.x.withUnsafeBufferPointer { px in
        data.y.withUnsafeBufferPointer { m.computeGradient(px.baseAddress!, labels: $0.baseAddress!, rows: 12) }
    }
    let objective: ([Double]) -> Double = { t in
        var logits = [Double](repeating: 0, count: 12 * c)
        for r in 0..<12 {
            for k in 0..<c {
                var z = t[d * c + k]
                for j in 0..<d { z += Double(data.x[r * d + j]) * t[j * c + k] }
                logits[r * c + k] = z
            }
        }
        return softmaxCrossEntropy(logits, labels: data.y, c: c) + 0.5 * 0.05 * t[0..<(d * c)].reduce(0) { $0 + $1 * $1 }
    }
    let err = relativeError(m.core.gradient.map(Double.init), numericalGradient(objective, at: m.core.parameters.map(Double.init)))
    print("softmax gradient relative error \(err)")
    #expect(err < 1e-3)
}

@Test func softmaxLearnsSeparableProblem() {
    let train = Dataset(rows: 3000, features: 6, classes: 4, seed: 3), test = Dataset(rows: 600, features: 6, classes: 4, seed: 3)
    var m = SoftmaxRegression(featureCount: 6, classCount: 4, learningRate: 0.5, batchSize: 16)
    m.partialFit(stream: train.matrix, labels: train.y)
    #expect(accuracy(m, test) > 0.8)
    let p = m.predictProbabilities(test.matrix)
    #expect(abs(p.row(0).reduce(0, +) - 1) < 1e-5)
}

@Test func softmaxSnapshotRoundTripAndShapeCheck() {
    #expect(snapshotRoundTripIsExact { SoftmaxRegression(featureCount: 5, classCount: 3, learningRate: 0.1, optimizer: .sgd(momentum: 0.9)) })
    var m = SoftmaxRegression(featureCount: 5, classCount: 3)
    #expect(throws: LearnerError.shapeMismatch(kind: "softmax", expected: [5, 3], found: [5, 4])) {
        try m.restore(SoftmaxRegression(featureCount: 5, classCount: 4).snapshot())
    }
}

@Test func softmaxDivergenceKeepsFiniteParameters() {
    var m = SoftmaxRegression(featureCount: 4, classCount: 3, learningRate: 1)
    let result = divergesSafely(&m)
    #expect(result.diverged && result.finite)
}
