import DriftDetection
import Foundation
import Learners
import Linalg
@testable import Simulation

/// A minimal softmax-regression learner (plain SGD) so Simulation can be tested on its own.
struct TestSoftmax: OnlineLearner {
    let featureCount: Int
    let classCount: Int
    var learningRate: Float = 0.05
    var batchSize: Int = 32
    var health: LearnerHealth = .healthy
    var w: [Float]          // classCount × (featureCount + 1)
    var grad: [Float]
    var scratch: [Float]

    init(featureCount: Int, classCount: Int, seed: UInt64) {
        self.featureCount = featureCount
        self.classCount = classCount
        w = [Float](repeating: 0, count: classCount * (featureCount + 1))
        grad = w
        scratch = [Float](repeating: 0, count: classCount)
        var rng = RandomSource(seed: seed)
        reinitialize(using: &rng)
    }

    func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into p: UnsafeMutablePointer<Float>) {
        let d = featureCount + 1, k = classCount
        for r in 0..<rows {
            for c in 0..<k {
                var z = w[c * d + featureCount]
                for j in 0..<featureCount { z += w[c * d + j] * x[r * featureCount + j] }
                p[r * k + c] = z
            }
        }
        Kernels.softmaxRows(p, rows: rows, cols: k)
    }

    mutating func partialFit(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        let d = featureCount + 1, k = classCount
        for i in grad.indices { grad[i] = 0 }
        var loss: Float = 0
        for r in 0..<rows {
            var probs = scratch
            probs.withUnsafeMutableBufferPointer { s in predictProbabilities(x + r * featureCount, rows: 1, into: s.baseAddress!) }
            scratch = probs
            let y = Int(labels[r])
            loss -= logf(max(scratch[y], 1e-7))
            for c in 0..<k {
                let g = scratch[c] - (c == y ? 1 : 0)
                for j in 0..<featureCount { grad[c * d + j] += g * x[r * featureCount + j] }
                grad[c * d + featureCount] += g
            }
        }
        let step = learningRate / Float(rows)
        var next = w
        for i in next.indices { next[i] -= step * grad[i] }
        guard loss.isFinite, Kernels.allFinite(next) else {
            health = .diverged(reason: "non-finite update")
            return loss / Float(rows)
        }
        w = next
        return loss / Float(rows)
    }

    mutating func reinitialize(using rng: inout RandomSource) {
        for i in w.indices { w[i] = 0.01 * Float(rng.nextGaussian()) }
        health = .healthy
    }

    func snapshot() -> LearnerSnapshot {
        LearnerSnapshot(kind: "test-softmax", shape: [featureCount, classCount], parameters: w, optimizerState: [],
                        learningRate: learningRate, batchSize: batchSize, health: health)
    }

    mutating func restore(_ s: LearnerSnapshot) throws { w = s.parameters }
}

/// A detector that fires when the mean of the last 200 values exceeds the long-run mean by 0.1.
struct TestDetector: DriftDetector {
    var recent: [Double] = []
    var total = 0.0, n = 0.0
    var driftDetected = false
    mutating func update(_ x: Double) -> Bool {
        recent.append(x)
        if recent.count > 200 { recent.removeFirst() }
        total += x; n += 1
        driftDetected = n > 400 && recent.reduce(0, +) / Double(recent.count) > total / n + 0.1
        if driftDetected { reset() }
        return driftDetected
    }
    mutating func reset() { recent = []; total = 0; n = 0 }
}

extension EnvironmentComponents {
    static let test = EnvironmentComponents(
        makeLearner: { _, f, k, seed in TestSoftmax(featureCount: f, classCount: k, seed: seed) },
        makeDetectors: { MonitorDetectors(adwin: TestDetector(), ddm: TestDetector()) })
}

/// The repository's environments directory, found from this file.
let environmentsDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("environments").path

func loadSpec(_ name: String) throws -> EnvironmentSpec {
    try EnvironmentCatalog(directory: environmentsDirectory).load(name)
}
