/// One dense layer's parameters, `y = x·W + b` with `W` row-major `inputs × outputs`.
public struct DenseParameters: Sendable, Equatable {
    public var inputs: Int
    public var outputs: Int
    public var weights: [Float]
    public var bias: [Float]
}

extension PolicyNetwork {
    /// The actor's layers (hidden trunk, then every head's logits side by side) cut out of a
    /// parameter vector of this architecture: what an exported policy needs, nothing of the critic.
    public func actorParameters(_ p: [Float]) -> (hidden: [DenseParameters], heads: DenseParameters) {
        func cut(_ l: DenseLayer) -> DenseParameters {
            DenseParameters(inputs: l.input, outputs: l.output,
                            weights: Array(p[l.weightOffset..<(l.weightOffset + l.input * l.output)]),
                            bias: Array(p[l.biasOffset..<(l.biasOffset + l.output)]))
        }
        return (actorLayers.map(cut), cut(policyHead))
    }

    /// Where the heads' weights sit in `parameterVector`.
    public var policyHeadWeightRange: Range<Int> { policyHead.weightOffset..<(policyHead.weightOffset + policyHead.input * policyHead.output) }
}
