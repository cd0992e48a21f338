import Linalg

/// Throughput measurements for `drifttune bench`.
public enum LearnerBenchmark {
    /// Prequential throughput (predict, then `partialFit`, per minibatch) of plain-SGD logistic
    /// regression on a synthetic stream, in samples per second (wall clock, after one warm-up pass).
    ///
    /// - Parameters:
    ///   - samples: samples timed (the stream cycles over a 64 Ki-sample buffer).
    public static func logisticSamplesPerSecond(featureCount: Int = 32, batchSize: Int, samples: Int = 2_000_000,
                                                seed: UInt64 = 1) -> Double {
        var learner = LogisticRegression(featureCount: featureCount, learningRate: 0.05, batchSize: batchSize, seed: seed)
        return samplesPerSecond(&learner, samples: samples, seed: seed)
    }

    /// Prequential throughput of any learner on a synthetic stream with a linear concept, in samples
    /// per second. Labels cycle through the learner's classes by the sign pattern of two features.
    public static func samplesPerSecond<L: OnlineLearner>(_ learner: inout L, samples: Int, seed: UInt64 = 1) -> Double {
        let d = learner.featureCount, c = learner.classCount
        let bufferRows = min(max(samples, 1), 65_536)
        var rng = RandomSource(seed: seed)
        let x = (0..<(bufferRows * d)).map { _ in Float(rng.nextGaussian()) }
        let y = (0..<bufferRows).map { r -> Int32 in
            let s = x[r * d] + (d > 1 ? 0.5 * x[r * d + 1] : 0)
            return c == 2 ? (s > 0 ? 1 : 0) : Int32(abs(Int(s * 2)) % c)
        }
        let batch = learner.batchSize
        var probabilities = [Float](repeating: 0, count: batch * c)
        let run: (inout L, Int) -> Void = { learner, count in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    probabilities.withUnsafeMutableBufferPointer { pp in
                        var done = 0, start = 0
                        while done < count {
                            let n = min(batch, count - done, bufferRows - start)
                            learner.predictProbabilities(px.baseAddress! + start * d, rows: n, into: pp.baseAddress!)
                            learner.partialFit(px.baseAddress! + start * d, labels: py.baseAddress! + start, rows: n)
                            done += n
                            start += n
                            if start >= bufferRows { start = 0 }
                        }
                    }
                }
            }
        }
        run(&learner, min(samples, bufferRows))
        let clock = ContinuousClock()
        let elapsed = clock.measure { run(&learner, samples) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(samples) / max(seconds, 1e-9)
    }
}
