import DriftDetection
import Foundation
import PolicyRuntime

/// One period of a finished episode.
public struct PeriodRecord: Sendable, Equatable, Codable {
    public var period: Int
    public var metric: Double
    public var reward: Double
    public var compute: Double
    public var retrain: RetrainDecision
    public var learningRate: Float
    public var batchSize: Int
    public var activeEvents: [String]
}

/// Recovery after one drift onset: periods from the onset until the metric is back within 2 points
/// of its pre-drift level (mean of the 3 periods before) after having fallen below it; 0 if it never
/// fell, nil if it never came back.
public struct Recovery: Sendable, Equatable, Codable {
    public var event: String
    public var onset: Int
    public var preDriftMetric: Double
    public var periods: Int?
}

/// A whole episode under one policy.
public struct EpisodeResult: Sendable, Equatable, Codable {
    public var environment: String
    public var policy: String
    public var seed: UInt64
    public var metricName: String
    /// Period 0 (reset, default action; its reward is not counted) followed by one record per step.
    public var periods: [PeriodRecord]
    public var terminationReason: String?

    /// Mean metric over steps (periods 1…).
    public var meanMetric: Double { mean(periods.dropFirst().map(\.metric)) }
    public var totalReward: Double { periods.dropFirst().reduce(0) { $0 + $1.reward } }
    public var retrains: Int { periods.filter { $0.retrain != .none }.count }
    public var compute: Double { periods.dropFirst().reduce(0) { $0 + $1.compute } }

    /// Mean metric over periods `range` (clamped to the episode).
    public func meanMetric(periods range: Range<Int>) -> Double {
        mean(periods.filter { range.contains($0.period) }.map(\.metric))
    }

    /// Recovery time after each onset of each drift event.
    public func recoveries(events: [DriftEvent]) -> [Recovery] {
        let metrics = periods.map(\.metric)
        var out: [Recovery] = []
        for e in events {
            for onset in e.onsets(before: metrics.count) where onset >= 1 {
                let pre = mean(Array(metrics[max(0, onset - 3)..<onset]))
                // Gradual changes bite some periods after their onset: recovery is the first period
                // back within 2 points after the metric fell below that (0 if it never fell).
                var rec: Int? = 0
                var fell = false
                for p in onset..<metrics.count {
                    if metrics[p] < pre - 0.02 {
                        fell = true
                        rec = nil
                    } else if fell {
                        rec = p - onset
                        break
                    }
                }
                out.append(Recovery(event: e.name, onset: onset, preDriftMetric: pre, periods: rec))
            }
        }
        return out.sorted { ($0.onset, $0.event) < ($1.onset, $1.event) }
    }
}

func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

extension TuningEnvironment {
    /// The context handed to policies before period `nextPeriod`.
    public func policyContext(nextPeriod: Int) -> PolicyContext {
        PolicyContext(schema: schema, actions: actions, defaultAction: defaultAction, nextPeriod: nextPeriod,
                      episodeLength: spec.episodeLength)
    }

    /// Runs one episode of `policy` from `seed`.
    public mutating func runEpisode<P: TuningPolicy>(policy: P, seed: UInt64) -> EpisodeResult {
        var policy = policy
        return runEpisode(name: policy.name, seed: seed) { _, obs, context in policy.decide(obs, context: context) }
    }

    /// Runs one episode from `seed`, asking `decide` for each action. It sees the environment as
    /// it is before the step (a value: a copy is an independent snapshot a planner may step ahead).
    public mutating func runEpisode(name: String, seed: UInt64,
                                    decide: (TuningEnvironment, [Float], PolicyContext) -> TuningAction) -> EpisodeResult {
        var obs = reset(seed: seed)
        let r0 = lastReading
        var records = [PeriodRecord(period: 0, metric: r0.metric, reward: 0, compute: lastCompute, retrain: .none,
                                    learningRate: actions.values(of: defaultAction).learningRate,
                                    batchSize: actions.values(of: defaultAction).batchSize, activeEvents: [])]
        var reason: String? = nil
        var p = 1
        while true {
            let action = decide(self, obs, policyContext(nextPeriod: p))
            let r = step(action)
            records.append(PeriodRecord(period: r.info.period, metric: r.info.metric, reward: r.reward,
                                        compute: r.info.compute, retrain: r.info.retrain,
                                        learningRate: r.info.learningRate, batchSize: r.info.batchSize,
                                        activeEvents: r.info.activeEvents))
            obs = r.observation
            p += 1
            if r.done {
                reason = r.info.terminationReason
                break
            }
        }
        return EpisodeResult(environment: spec.name, policy: name, seed: seed, metricName: spec.metric.rawValue,
                             periods: records, terminationReason: reason)
    }
}
