import Foundation
import Linalg
import Simulation

/// Stream-generation speed, for `drifttune bench`.
public enum StreamThroughput {
    /// Samples per second one core generates for `spec`'s stream (features and labels, drift
    /// included), timing whole periods until at least `minSeconds` have passed after a warm-up period.
    /// Time is the calling thread's CPU time, so the figure is per core-second and does not drop when
    /// other processes share the cores.
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
        let start = threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            one()
            samples += p
            elapsed = threadCPUSeconds() - start
        } while elapsed < minSeconds
        return Double(samples) / elapsed
    }

    /// CPU time of the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
