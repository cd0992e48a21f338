import DriftDetection
import PolicyGradient
import PolicyRuntime

/// A PPO starting point that serves the expert pool's leader (`family train --experts
/// --leader-anchor α`): with bins heads for the learning rate and batch size and observation
/// schema v4, its greedy decision at the start is `LeaderRule`'s, the expert at `leader_log_lr` ×
/// `leader_log2_batch`, with no retraining; PPO then learns deviations from it where the family
/// rewards them (when to serve another expert, when to fine-tune or retrain the served one).
///
/// Why: the pool's leader is the evidence a stream gives of its best static setting, and a policy
/// that serves it follows that setting from the first periods on, which a single learner whose
/// rate a policy moves cannot (results/foreign-streams/summary.md). In the training families the
/// learning rate rarely matters (results/general/lr-room/README.md), so PPO from a random start has
/// almost nothing to learn the rule from; it starts at it, as `EvidenceAnchor` starts at the
/// shadows' rule.
///
/// Layout (raw observations, tanh trunk): for a head of n bins at scaled positions p₀ < … < pₙ₋₁
/// (`log_lr` or `log2_batch` of each bin), first-layer unit j is tanh(c·(x − mⱼ)) on the leader's
/// position x, mⱼ = (pⱼ + pⱼ₊₁)/2 the boundary between bins j and j + 1, with c = 100 (every bin
/// sits at least 0.1 from a boundary in the shipped bins, tanh(10) ≈ 1); deeper layers carry each
/// unit as tanh(20·u). Bin i's logit is α/4 · Σⱼ sᵢⱼ uⱼ with sᵢⱼ = +1 for j < i and −1 otherwise:
/// with the leader in bin k that is α/4 · (n − 1 − 2|i − k|), so the leader's bin wins by α/2 over
/// its neighbours and by more over the rest. The retrain head's "none" gets a bias of α/2. Every
/// other parameter and the critic keep their random initialization.
public enum LeaderAnchor {
    static let slope: Float = 100

    /// `parameters` of `network` with the anchor written in. Throws unless the network is a tanh
    /// trunk on raw schema-v4 observations with bins heads for the learning rate and batch size.
    public static func anchored(parameters: [Float], network: PolicyNetwork, actions: ActionBins, strength: Float) throws -> [Float] {
        let architecture = network.architecture
        guard actions.learningRateHead == .bins, actions.batchSizeHead == .bins else {
            throw SweepError.agentUnavailable("the leader anchor names bins: drop --lr-steps and --batch-steps")
        }
        guard architecture.observationSize == ObservationSchema.v4.count,
              let lrFeature = ObservationSchema.v4.index(of: "leader_log_lr"),
              let batchFeature = ObservationSchema.v4.index(of: "leader_log2_batch") else {
            throw SweepError.agentUnavailable("the leader anchor reads where the pool's leader stands (observation schema v4, --experts)")
        }
        let rates = actions.learningRates.map { ControlState.scaledLogLearningRate($0, range: actions.learningRateRange) }
        let sizes = actions.batchSizes.map { ControlState.scaledLogBatchSize($0, range: actions.batchSizeRange) }
        let units = rates.count + sizes.count - 2
        guard architecture.activation == .tanh, !architecture.hiddenSizes.isEmpty, architecture.hiddenSizes.allSatisfy({ $0 >= units }),
              architecture.actionSizes == actions.headSizes, parameters.count == network.parameterCount else {
            throw SweepError.agentUnavailable("the leader anchor needs a tanh network with hidden layers of at least \(units) units and heads \(actions.headSizes)")
        }
        guard strength > 0, strength <= 20 else { throw SweepError.agentUnavailable("the leader anchor needs a strength in (0, 20]") }
        func boundaries(_ positions: [Float], feature: Int) -> [(feature: Int, slope: Float, bias: Float)] {
            (0..<(positions.count - 1)).map { j in (feature, slope, -slope * (positions[j] + positions[j + 1]) / 2) }
        }
        var (hidden, heads) = network.actorParameters(parameters)
        let lrUnits = boundaries(rates, feature: lrFeature), batchUnits = boundaries(sizes, feature: batchFeature)
        AnchorUnits.write(lrUnits + batchUnits, hidden: &hidden, heads: &heads)
        let logits = heads.outputs
        // A bins head at output `offset` reads units `first ..< first + bins - 1`.
        func anchorBinsHead(offset: Int, bins: Int, first: Int) {
            for i in 0..<bins {
                for j in 0..<(bins - 1) { heads.weights[(first + j) * logits + offset + i] = strength / 4 * (j < i ? 1 : -1) }
                heads.bias[offset + i] = 0
            }
        }
        anchorBinsHead(offset: 0, bins: rates.count, first: 0)
        anchorBinsHead(offset: rates.count, bins: sizes.count, first: lrUnits.count)
        let retrainOffset = rates.count + sizes.count
        if let none = actions.retrainChoices.firstIndex(of: .none) { heads.bias[retrainOffset + none] += strength / 2 }
        guard let out = network.replacingActor(in: parameters, hidden: hidden, heads: heads) else {
            throw SweepError.agentUnavailable("the policy network's parameter layout is not the one the anchor writes")
        }
        return out
    }
}
