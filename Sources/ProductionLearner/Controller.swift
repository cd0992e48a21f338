import DriftDetection
import PolicyRuntime

/// Who decides the learner's settings each period in `drifttune learn`: a tuned policy, or one of
/// the hand-written rules the simulator also offers, so the two can be compared on the same data.
public enum Controller: Sendable {
    /// Follow an exported policy (greedy).
    case policy(TunedPolicy)
    /// Keep the default learning rate and batch size; never retrain.
    case none
    /// Full retrain on the window every `k` periods.
    case periodic(Int)
    /// Full retrain when ADWIN (or DDM) on the per-sample error signalled drift in the period.
    case adwin
    case ddm

    /// Parses `none`, `periodic:K`, `adwin` or `ddm` (a policy file is loaded separately).
    public static func handWritten(_ text: String) -> Controller? {
        switch text {
        case "none": return Controller.none
        case "adwin": return .adwin
        case "ddm": return .ddm
        default:
            let parts = text.split(separator: ":")
            if parts.count == 2, parts[0] == "periodic", let k = Int(parts[1]), k > 0 { return .periodic(k) }
            return nil
        }
    }

    public var name: String {
        switch self {
        case .policy: return "policy"
        case .none: return "none"
        case .periodic(let k): return "periodic:\(k)"
        case .adwin: return "adwin"
        case .ddm: return "ddm"
        }
    }

    /// The decision before period `period` (≥ 1), given the last period's observation and reading.
    mutating func decide(observation: [Float], reading: MonitorReading, period: Int, defaults: Decision) -> Decision {
        switch self {
        case .policy(var policy):
            let d = policy.decide(observation)
            self = .policy(policy)
            return Decision(learningRate: d.learningRate, batchSize: d.batchSize, retrain: d.retrain, fallback: d.fallback)
        case .none:
            return defaults
        case .periodic(let k):
            var d = defaults
            if period % k == 0 { d.retrain = .fullRetrain }
            return d
        case .adwin, .ddm:
            var d = defaults
            if (self.name == "adwin" && reading.adwinAlarm) || (self.name == "ddm" && reading.ddmAlarm) { d.retrain = .fullRetrain }
            return d
        }
    }

    /// Fallback counts of a policy controller.
    var fallbackCounts: [FallbackReason: Int] {
        if case .policy(let p) = self { return p.fallbackCounts }
        return [:]
    }
}

/// Concrete settings for one period.
public struct Decision: Sendable, Equatable {
    public var learningRate: Float
    public var batchSize: Int
    public var retrain: RetrainDecision
    /// Set when a policy's guardrail replaced its decision by the fallback.
    public var fallback: FallbackReason?

    public init(learningRate: Float, batchSize: Int, retrain: RetrainDecision = .none, fallback: FallbackReason? = nil) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.retrain = retrain
        self.fallback = fallback
    }
}
