import Foundation
import Linalg
import Testing
@testable import Learners

/// Double forward pass over the flat parameter layout `[W₁, b₁, W₂, b₂, …]`.
private func mlpObjective(_ t: [Double], _ data: Dataset, widths: [Int], activation: MLPActivation, l2: Double) -> Double {
    var a = data.x.map(Double.init)
    var offset = 0
    var penalty = 0.0
    let rows = data.rows
    for l in 0..<(widths.count - 1) {
        let nIn = widths[l], nOut = widths[l + 1]
        var z = [Double](repeating: 0, count: rows * nOut)
        for r in 0..<rows {
            for o in 0..<nOut {
                var s = t[offset + nIn * nOut + o]
                for i in 0..<nIn { s += a[r * nIn + i] * t[offset + i * nOut + o] }
                let last = l == widths.count - 2
                z[r * nOut + o] = last ? s : (activation == .relu ? max(0, s) : tanh(s))
            }
        }
        penalty += t[offset..<(offset + nIn * nOut)].reduce(0) { $0 + $1 * $1 }
        offset += (nIn + 1) * nOut
        a = z
    }
    return softmaxCrossEntropy(a, labels: data.y, c: widths.last!) + 0.5 * l2 * penalty
}

@Test(arguments: [([5], MLPActivation.tanh), ([6, 4], .tanh), ([5], .relu), ([6, 4], .relu)])
func mlpGradientMatchesFiniteDifferences(hidden: [Int], activation: MLPActivation) {
    let (d, c) = (4, 3)
    let data = Dataset(rows: 10, features: d, classes: c, seed: 1, noise: 2)
    var m = MLPClassifier(featureCount: d, classCount: c, hiddenSizes: hidden, activation: activation, l2: 0.01, seed: 4)
    var rng = RandomSource(seed: 2)
    // Nonzero biases so no ReLU unit sits exactly at its kink.
    m.core.parameters = m.core.parameters.map { $0 + Float(rng.nextGaussian()) * 0.1 }
    _ = data.x.withUnsafeBufferPointer { px in
        data.y.withUnsafeBufferPointer { m.computeGradient(px.baseAddress!, labels: $0.baseAddress!, rows: 10) }
    }
    let widths = [d] + hidden + [c]
    let numeric = numericalGradient({ mlpObjective($0, data, widths: widths, activation: activation, l2: 0.01) },
                                    at: m.core.parameters.map(Double.init))
    let err = relativeError(m.core.gradient.map(Double.init), numeric)
    print("mlp \(hidden) \(activation) gradient relative error \(err)")
    #expect(err < 1e-3)
}

@Test func mlpLearnsNonlinearProblem() {
    // XOR-like: class = sign(x0 · x1), not linearly separable.
    var rng = RandomSource(seed: 8)
    func make(_ n: Int) -> (Matrix, [Int32]) {
        let x = (0..<(n * 2)).map { _ in rng.nextFloat() * 2 - 1 }
        return (Matrix(rows: n, cols: 2, data: x), (0..<n).map { x[2 * $0] * x[2 * $0 + 1] > 0 ? 1 : 0 })
    }
    let (xt, yt) = make(4000), (xv, yv) = make(500)
    var m = MLPClassifier(featureCount: 2, classCount: 2, hiddenSizes: [16, 8], activation: .tanh,
                          learningRate: 0.01, batchSize: 16, optimizer: .adam(), seed: 1)
    var r2 = RandomSource(seed: 3)
    m.retrain(xt, labels: yt, epochs: 5, rng: &r2)
    let acc = Double(zip(m.predict(xv), yv).filter { $0 == $1 }.count) / 500
    #expect(acc > 0.9)
}

@Test func mlpSnapshotRoundTripAndShapeCheck() {
    #expect(snapshotRoundTripIsExact {
        MLPClassifier(featureCount: 5, classCount: 3, hiddenSizes: [7, 4], learningRate: 0.01, seed: 2)
    })
    var m = MLPClassifier(featureCount: 5, classCount: 3, hiddenSizes: [7])
    #expect(throws: LearnerError.self) { try m.restore(MLPClassifier(featureCount: 5, classCount: 3, hiddenSizes: [8]).snapshot()) }
    #expect(throws: LearnerError.self) {
        try m.restore(MLPClassifier(featureCount: 5, classCount: 3, hiddenSizes: [7], activation: .tanh).snapshot())
    }
}

@Test func mlpDivergenceKeepsFiniteParameters() {
    var m = MLPClassifier(featureCount: 4, classCount: 3, hiddenSizes: [8], optimizer: .sgd, seed: 1)
    let result = divergesSafely(&m)
    #expect(result.diverged && result.finite)
}

@Test func mlpReinitializeDependsOnlyOnRng() {
    var a = MLPClassifier(featureCount: 3, classCount: 2, hiddenSizes: [4], seed: 1)
    var b = MLPClassifier(featureCount: 3, classCount: 2, hiddenSizes: [4], seed: 2)
    var r1 = RandomSource(seed: 9), r2 = RandomSource(seed: 9)
    a.reinitialize(using: &r1)
    b.reinitialize(using: &r2)
    #expect(a.snapshot() == b.snapshot())
}
