import PolicyGradient

/// Saturated tanh units that anchors write into a freshly initialized actor: each reads one raw
/// observation feature as a step, and is carried unchanged through the deeper layers, so a head
/// can read it (`StaticCandidate.anchored`, `EvidenceAnchor`).
enum AnchorUnits {
    /// Unit `k` of the first hidden layer becomes tanh(slope·x[feature] + bias) for `steps[k]`;
    /// in every deeper layer unit `k` becomes tanh(20·unit k of the layer below) (±1 stays ±1).
    /// The units' weights into the heads are cleared; the caller sets the ones it needs.
    static func write(_ steps: [(feature: Int, slope: Float, bias: Float)], hidden: inout [DenseParameters], heads: inout DenseParameters) {
        let first = hidden[0].outputs
        for (unit, step) in steps.enumerated() {
            for i in 0..<hidden[0].inputs { hidden[0].weights[i * first + unit] = 0 }
            hidden[0].weights[step.feature * first + unit] = step.slope
            hidden[0].bias[unit] = step.bias
        }
        for l in hidden.indices.dropFirst() {
            let width = hidden[l].outputs
            for unit in steps.indices {
                for i in 0..<hidden[l].inputs { hidden[l].weights[i * width + unit] = 0 }
                hidden[l].weights[unit * width + unit] = 20
                hidden[l].bias[unit] = 0
            }
        }
        for unit in steps.indices {
            for o in 0..<heads.outputs { heads.weights[unit * heads.outputs + o] = 0 }
        }
    }
}
