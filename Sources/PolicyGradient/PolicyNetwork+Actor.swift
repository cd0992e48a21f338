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

    /// `p` with its actor layers replaced by `hidden` and `heads` (shapes as `actorParameters`
    /// returns them); the critic's parameters are kept. Returns nil if a shape differs.
    public func replacingActor(in p: [Float], hidden: [DenseParameters], heads: DenseParameters) -> [Float]? {
        guard p.count == parameterCount, hidden.count == actorLayers.count else { return nil }
        var out = p
        for (l, layer) in zip(actorLayers + [policyHead], hidden + [heads]) {
            guard layer.inputs == l.input, layer.outputs == l.output,
                  layer.weights.count == l.input * l.output, layer.bias.count == l.output else { return nil }
            out.replaceSubrange(l.weightOffset..<(l.weightOffset + layer.weights.count), with: layer.weights)
            out.replaceSubrange(l.biasOffset..<(l.biasOffset + layer.bias.count), with: layer.bias)
        }
        return out
    }

    /// Where the heads' weights sit in `parameterVector`.
    public var policyHeadWeightRange: Range<Int> { policyHead.weightOffset..<(policyHead.weightOffset + policyHead.input * policyHead.output) }
}
