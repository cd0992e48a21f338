/// Hidden-layer nonlinearity of the policy and value trunks.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case tanh, relu
}

/// The shape of a `PolicyNetwork`: an MLP actor trunk with one categorical head per action factor,
/// and a value head on a separate critic trunk (CleanRL's default) or on the shared actor trunk.
public struct NetworkArchitecture: Codable, Sendable, Equatable {
    public var observationSize: Int
    /// Number of choices per action factor; the policy head emits `actionSizes.reduce(0, +)` logits.
    public var actionSizes: [Int]
    /// Widths of the hidden layers of each trunk.
    public var hiddenSizes: [Int]
    public var activation: Activation
    /// When true the value head reads the actor trunk; otherwise the critic has its own trunk.
    public var sharedTrunk: Bool

    public init(
        observationSize: Int, actionSizes: [Int], hiddenSizes: [Int] = [64, 64],
        activation: Activation = .tanh, sharedTrunk: Bool = false
    ) {
        precondition(observationSize > 0, "observationSize must be positive")
        precondition(!actionSizes.isEmpty && actionSizes.allSatisfy { $0 > 0 }, "every action factor needs at least one choice")
        self.observationSize = observationSize
        self.actionSizes = actionSizes
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.sharedTrunk = sharedTrunk
    }

    /// Total logits over all heads.
    public var logitCount: Int { actionSizes.reduce(0, +) }

    /// Column where each head's logits start.
    public var headOffsets: [Int] {
        var offsets: [Int] = []
        var o = 0
        for s in actionSizes {
            offsets.append(o)
            o += s
        }
        return offsets
    }

    /// Width of the last trunk layer (the observation itself when there are no hidden layers).
    var trunkOutputSize: Int { hiddenSizes.last ?? observationSize }

    /// Multiply-adds per sample over all layers, i.e. `Σ in·out` (a forward pass costs twice this
    /// in FLOPs per sample).
    public var multiplyAddsPerSample: Int {
        let sizes = [observationSize] + hiddenSizes
        var trunk = 0
        for i in 0..<hiddenSizes.count { trunk += sizes[i] * sizes[i + 1] }
        let heads = trunkOutputSize * logitCount + trunkOutputSize
        return (sharedTrunk ? trunk : 2 * trunk) + heads
    }
}

/// One affine layer inside the flat parameter vector; weights are `input × output` row-major so
/// a batch forward is `Y = X·W + b` with no transposes.
struct DenseLayer: Sendable {
    var input: Int
    var output: Int
    var weightOffset: Int
    var biasOffset: Int
    /// Whether the trunk nonlinearity follows (false for the heads).
    var activated: Bool
    /// Orthogonal-init gain.
    var gain: Double

    var parameterCount: Int { input * output + output }
}
