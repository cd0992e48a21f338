/// Which update rule a learner's `Optimizer` applies.
///
///     let kind: OptimizerKind = .adam()          // β1 0.9, β2 0.999, ε 1e-8
public enum OptimizerKind: Sendable, Codable, Equatable, Hashable {
    /// Plain SGD (`momentum == 0`) or heavy-ball SGD: `v = μ·v + g; θ -= lr·v`.
    case sgd(momentum: Float)
    /// Adam (Kingma & Ba 2015) with bias-corrected moments.
    case adam(beta1: Float, beta2: Float, epsilon: Float)

    /// Plain SGD without momentum.
    public static var sgd: OptimizerKind { .sgd(momentum: 0) }

    /// Adam with the paper's defaults unless given.
    public static func adam(beta1: Float = 0.9, beta2: Float = 0.999) -> OptimizerKind {
        .adam(beta1: beta1, beta2: beta2, epsilon: 1e-8)
    }

    /// Number of state values kept per parameter (momentum buffer, or Adam's two moments).
    public var statePerParameter: Int {
        switch self {
        case let .sgd(momentum): return momentum == 0 ? 0 : 1
        case .adam: return 2
        }
    }
}
