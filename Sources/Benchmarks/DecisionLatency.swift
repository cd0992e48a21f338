import Foundation
import PolicyRuntime

/// Latency of `decide`, for `drifttune bench`: one call per observation, timed individually.
public struct DecisionLatency: Sendable, Codable, Equatable {
    public var calls: Int
    public var medianMicroseconds: Double
    public var p99Microseconds: Double

    enum CodingKeys: String, CodingKey {
        case calls, medianMicroseconds = "median_us", p99Microseconds = "p99_us"
    }

    /// Times `decide` on every observation `rounds` times (after one untimed warm-up round).
    public static func measure(_ policy: TunedPolicy, observations: [[Float]], rounds: Int = 5) -> DecisionLatency {
        var policy = policy
        var sink = 0
        for x in observations { sink &+= policy.decide(x).learningRateBin }
        var samples: [Double] = []
        samples.reserveCapacity(observations.count * rounds)
        for _ in 0..<rounds {
            for x in observations {
                let start = DispatchTime.now().uptimeNanoseconds
                sink &+= policy.decide(x).batchSizeBin
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
            }
        }
        samples.sort()
        if sink == Int.min { print(sink) }  // keeps the calls from being optimized away
        return DecisionLatency(calls: samples.count, medianMicroseconds: samples[samples.count / 2],
                               p99Microseconds: samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}
