import DriftDetection
import Foundation
import Learners
import Linalg

/// The measurements behind `drifttune bench`. Every figure is a throughput measured in this process;
/// each case runs once to warm up, then repeats until at least `minSeconds` have passed.
public struct Benchmarks {
    /// Minimum timed seconds per case (the quick mode used by tests lowers it).
    public var minSeconds: Double
    public init(minSeconds: Double = 0.5) { self.minSeconds = minSeconds }

    /// Seconds per repetition of `body`, after one warm-up call.
    func secondsPerRun(_ body: () -> Void) -> Double {
        body()
        var runs = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            body()
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minSeconds
        return elapsed / Double(runs)
    }

    /// Single-precision GEMM throughput, `n × n` by `n × n`, in GFLOP/s (2n³ flops per call).
    public func sgemmGFLOPS(n: Int, threads: Int) -> Double {
        var rng = RandomSource(seed: 1)
        let a = Matrix(rows: n, cols: n, data: (0..<(n * n)).map { _ in rng.nextFloat() })
        let b = Matrix(rows: n, cols: n, data: (0..<(n * n)).map { _ in rng.nextFloat() })
        var c = Matrix(rows: n, cols: n)
        let seconds = BLAS.withThreadCount(threads) { secondsPerRun { Matrix.gemm(a, b, into: &c) } }
        return 2 * Double(n * n * n) / seconds / 1e9
    }

    /// Prequential logistic regression (predict each batch, then learn from it) in samples/s.
    public func logisticSamplesPerSecond(stream: LabelledStream, batchSize: Int) -> Double {
        var learner = LogisticRegression(featureCount: stream.featureCount, learningRate: 0.05, batchSize: batchSize)
        var probabilities = [Float](repeating: 0, count: batchSize * 2)
        let d = stream.featureCount
        let seconds = stream.features.withUnsafeBufferPointer { x in
            stream.labels.withUnsafeBufferPointer { y in
                probabilities.withUnsafeMutableBufferPointer { p in
                    secondsPerRun {
                        var start = 0
                        while start + batchSize <= stream.count {
                            learner.predictProbabilities(x.baseAddress! + start * d, rows: batchSize, into: p.baseAddress!)
                            learner.partialFit(x.baseAddress! + start * d, labels: y.baseAddress! + start, rows: batchSize)
                            start += batchSize
                        }
                    }
                }
            }
        }
        return Double(stream.count / batchSize * batchSize) / seconds
    }

    /// Updates per second of a detector over `values` (the detector is reset before each pass).
    public func updatesPerSecond<D: DriftDetector>(_ detector: D, values: [Double]) -> Double {
        var d = detector
        var detections = 0
        let seconds = secondsPerRun {
            d.reset()
            for x in values where d.update(x) { detections += 1 }
        }
        precondition(detections >= 0)
        return Double(values.count) / seconds
    }
}

/// A labelled binary stream for benchmarks and reference comparisons: Gaussian features, a linear
/// concept with logistic noise that flips half its weights midway.
public struct LabelledStream: Sendable {
    public let featureCount: Int
    public let count: Int
    /// Row-major `count × featureCount`.
    public let features: [Float]
    public let labels: [Int32]

    public init(count: Int, featureCount: Int, seed: UInt64) {
        var rng = RandomSource(seed: seed)
        var weights = (0..<featureCount).map { _ in Float(rng.nextGaussian()) }
        var x = [Float](repeating: 0, count: count * featureCount)
        var y = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            if i == count / 2 { for j in stride(from: 0, to: featureCount, by: 2) { weights[j] = -weights[j] } }
            var z: Float = 0
            for j in 0..<featureCount {
                let v = Float(rng.nextGaussian())
                x[i * featureCount + j] = v
                z += v * weights[j]
            }
            y[i] = rng.nextFloat() < Kernels.sigmoid(z) ? 1 : 0
        }
        self.featureCount = featureCount
        self.count = count
        self.features = x
        self.labels = y
    }

    /// CSV with header `x0,…,x{d-1},y`, full float precision, for the Python reference script.
    public func csv() -> String {
        var out = (0..<featureCount).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        out.reserveCapacity(count * featureCount * 12)
        for i in 0..<count {
            for j in 0..<featureCount { out += "\(features[i * featureCount + j])," }
            out += "\(labels[i])\n"
        }
        return out
    }
}

/// A univariate stream with one abrupt mean shift in the middle, for detector throughput.
public func meanShiftStream(count: Int, seed: UInt64) -> [Double] {
    var rng = RandomSource(seed: seed)
    return (0..<count).map { i in (i < count / 2 ? 0.0 : 0.8) + 0.5 * rng.nextGaussian() }
}
