import Foundation
import Linalg
@testable import Learners

/// A seeded dataset: Gaussian features, labels from a fixed linear rule (binary: sign; else argmax).
struct Dataset {
    var x: [Float]
    var y: [Int32]
    var rows: Int { y.count }
    var d: Int

    init(rows: Int, features d: Int, classes: Int, seed: UInt64, noise: Float = 0) {
        var rng = RandomSource(seed: seed)
        self.d = d
        let w = (0..<(d * classes)).map { _ in Float(rng.nextGaussian()) }
        x = (0..<(rows * d)).map { _ in Float(rng.nextGaussian()) }
        y = []
        for r in 0..<rows {
            var scores = [Float](repeating: 0, count: classes)
            for c in 0..<classes {
                for j in 0..<d { scores[c] += x[r * d + j] * w[j * classes + c] }
                scores[c] += noise * Float(rng.nextGaussian())
            }
            if classes == 2 {
                y.append(scores[0] > 0 ? 1 : 0)
            } else {
                y.append(Int32(scores.indices.max { scores[$0] < scores[$1] }!))
            }
        }
    }

    var matrix: Matrix { Matrix(rows: rows, cols: d, data: x) }
}

func accuracy(_ learner: some OnlineLearner, _ data: Dataset) -> Double {
    let predicted = learner.predict(data.matrix)
    return Double(zip(predicted, data.y).filter { $0 == $1 }.count) / Double(data.rows)
}

/// Relative error ‖a − b‖ / (‖a‖ + ‖b‖) between an analytic and a numerical gradient.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var diff = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        diff += (a[i] - b[i]) * (a[i] - b[i])
        na += a[i] * a[i]
        nb += b[i] * b[i]
    }
    return diff.squareRoot() / max(na.squareRoot() + nb.squareRoot(), 1e-30)
}

/// Central-difference gradient of a Double objective.
func numericalGradient(_ f: ([Double]) -> Double, at theta: [Double], epsilon: Double = 1e-5) -> [Double] {
    var t = theta
    return theta.indices.map { i in
        t[i] = theta[i] + epsilon
        let up = f(t)
        t[i] = theta[i] - epsilon
        let down = f(t)
        t[i] = theta[i]
        return (up - down) / (2 * epsilon)
    }
}

func softplus(_ z: Double) -> Double { max(z, 0) + log1p(exp(-abs(z))) }

/// Mean categorical cross-entropy of Double logits (`rows × c`).
func softmaxCrossEntropy(_ logits: [Double], labels: [Int32], c: Int) -> Double {
    var loss = 0.0
    for r in labels.indices {
        let row = logits[(r * c)..<((r + 1) * c)]
        let m = row.max()!
        let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
        loss += lse - row[r * c + Int(labels[r])]
    }
    return loss / Double(labels.count)
}

/// Loads a JSON fixture from the test bundle.
func fixture<T: Decodable>(_ name: String, as: T.Type) throws -> T {
    let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: dir.appendingPathComponent(name)))
}

// MARK: - Checks every learner must pass

/// Snapshot → restore into a fresh learner gives identical predictions and state.
func snapshotRoundTripIsExact<L: OnlineLearner>(_ make: () -> L) -> Bool {
    var a = make()
    let data = Dataset(rows: 64, features: a.featureCount, classes: a.classCount, seed: 5)
    a.partialFit(stream: data.matrix, labels: data.y)
    var b = make()
    do { try b.restore(a.snapshot()) } catch { return false }
    return a.predictProbabilities(data.x) == b.predictProbabilities(data.x) && a.snapshot() == b.snapshot()
}

/// A huge learning rate drives the learner to `.diverged` while parameters and predictions stay finite.
func divergesSafely<L: OnlineLearner>(_ learner: inout L) -> (diverged: Bool, finite: Bool, reason: String) {
    var data = Dataset(rows: 32, features: learner.featureCount, classes: learner.classCount, seed: 9)
    data.x = data.x.map { $0 * 1e4 }
    learner.learningRate = 1e37
    for _ in 0..<50 where learner.health.isHealthy {
        learner.partialFit(data.x, labels: data.y)
    }
    let p = learner.predictProbabilities(data.x)
    let finite = Kernels.allFinite(learner.snapshot().parameters) && Kernels.allFinite(p)
    if case let .diverged(reason) = learner.health { return (true, finite, reason) }
    return (false, finite, "")
}
