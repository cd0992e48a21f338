import Dispatch

/// Stream-generation speed, for `drifttune bench`.
public enum StreamThroughput {
    /// Samples per second one core generates for `spec`'s stream (features and labels, drift
    /// included), timing whole periods until at least `minSeconds` have passed after a warm-up period.
    public static func samplesPerSecond(spec: EnvironmentSpec, seed: UInt64 = 1, minSeconds: Double = 0.5) -> Double {
        var generator = DomainGenerator(spec: spec, rng: RandomSource(seed: seed))
        let p = spec.periodLength
        var x = [Float](repeating: 0, count: p * generator.featureCount)
        var y = [Int32](repeating: 0, count: p)
        var period = 0
        func one() {
            x.withUnsafeMutableBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    generator.generate(start: Double(period % max(spec.episodeLength, 1)), samplesPerPeriod: p, count: p,
                                       features: px.baseAddress!, labels: py.baseAddress!)
                }
            }
            period += 1
        }
        one()
        var samples = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            one()
            samples += p
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minSeconds
        return Double(samples) / elapsed
    }
}

import Linalg
