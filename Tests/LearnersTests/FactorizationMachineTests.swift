import Foundation
import Linalg
import Testing
@testable import Learners

private func fmObjective(_ t: [Double], _ data: Dataset, k: Int, l2: Double) -> Double {
    let d = data.d
    var loss = 0.0
    for r in 0..<data.rows {
        let x = (0..<d).map { Double(data.x[r * d + $0]) }
        var z = t[0]
        for i in 0..<d { z += t[1 + i] * x[i] }
        // Pairwise form, independent of the identity the learner uses.
        for i in 0..<d {
            for j in (i + 1)..<d {
                var dotv = 0.0
                for f in 0..<k { dotv += t[1 + d + i * k + f] * t[1 + d + j * k + f] }
                z += dotv * x[i] * x[j]
            }
        }
        loss += softplus(z) - Double(data.y[r]) * z
    }
    return loss / Double(data.rows) + 0.5 * l2 * t[1...].reduce(0) { $0 + $1 * $1 }
}

@Test func fmGradientMatchesFiniteDifferences() {
    let (d, k) = (5, 3)
    let data = Dataset(rows: 12, features: d, classes: 2, seed: 1, noise: 2)
    var m = FactorizationMachine(featureCount: d, factorCount: k, l2: 0.02, initStandardDeviation: 0.5, seed: 3)
    var rng = RandomSource(seed: 2)
    m.core.parameters = m.core.parameters.map { $0 + Float(rng.nextGaussian()) * 0.2 }
    _ = data.x.withUnsafeBufferPointer { px in
        data.y.withUnsafeBufferPointer { m.computeGradient(px.baseAddress!, labels: $0.baseAddress!, rows: 12) }
    }
    let numeric = numericalGradient({ fmObjective($0, data, k: k, l2: 0.02) }, at: m.core.parameters.map(Double.init))
    let err = relativeError(m.core.gradient.map(Double.init), numeric)
    print("fm gradient relative error \(err)")
    #expect(err < 1e-3)
}

@Test func fmPredictionMatchesPairwiseForm() {
    let data = Dataset(rows: 6, features: 4, classes: 2, seed: 2)
    let m = FactorizationMachine(featureCount: 4, factorCount: 2, initStandardDeviation: 0.7, seed: 5)
    let p = m.predictProbabilities(data.x)
    let t = m.core.parameters.map(Double.init)
    for r in 0..<6 {
        let one = Dataset(rows: 1, features: 4, classes: 2, seed: 0)
        var row = one
        row.x = Array(data.x[(r * 4)..<(r * 4 + 4)])
        row.y = [1]
        // objective with y = 1 is softplus(z) − z = −log σ(z)
        let prob = exp(-fmObjective(t, row, k: 2, l2: 0))
        #expect(abs(Double(p[2 * r + 1]) - prob) < 1e-5)
    }
}

@Test func fmLearnsInteractionProblem() {
    // Click iff features 0 and 1 have the same sign: a pure pairwise interaction.
    var rng = RandomSource(seed: 4)
    func make(_ n: Int) -> (Matrix, [Int32]) {
        let x = (0..<(n * 6)).map { _ in Float(rng.nextGaussian()) }
        return (Matrix(rows: n, cols: 6, data: x), (0..<n).map { x[6 * $0] * x[6 * $0 + 1] > 0 ? 1 : 0 })
    }
    let (xt, yt) = make(4000), (xv, yv) = make(500)
    var m = FactorizationMachine(featureCount: 6, factorCount: 4, learningRate: 0.05, batchSize: 16,
                                 optimizer: .adam(), seed: 1)
    var r2 = RandomSource(seed: 3)
    m.retrain(xt, labels: yt, epochs: 3, rng: &r2)
    let acc = Double(zip(m.predict(xv), yv).filter { $0 == $1 }.count) / 500
    #expect(acc > 0.8)
}

@Test func fmSnapshotRoundTripAndDivergence() {
    #expect(snapshotRoundTripIsExact { FactorizationMachine(featureCount: 5, factorCount: 3, learningRate: 0.1, seed: 2) })
    var m = FactorizationMachine(featureCount: 4, factorCount: 2, seed: 1)
    #expect(throws: LearnerError.self) { try m.restore(FactorizationMachine(featureCount: 4, factorCount: 3).snapshot()) }
    let result = divergesSafely(&m)
    #expect(result.diverged && result.finite)
}
