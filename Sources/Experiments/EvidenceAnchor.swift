import PolicyGradient
import PolicyRuntime

/// A PPO starting point that follows the shadow learners' evidence (`family train
/// --evidence-anchor α`): with a `steps` learning-rate head and observation schema v2, its greedy
/// learning-rate decision at the start is "step toward a neighbouring rate whose shadow beat the
/// live learner's period log-loss by more than `threshold` (in units of ln K), else stay"; PPO then
/// learns everything else, and deviations from it.
///
/// Why an anchor: a policy needs evidence *and* a reason to use it. The shadows supply the
/// evidence, but in the training families the learning rate rarely matters
/// (`results/general/lr-room/README.md`), so PPO from a random start never learns to follow it.
/// This is the "policy anchored at a setting that learns deviations from it", with a rule
/// in place of a static setting; residual policy learning in the literature.
///
/// Layout (raw observations, tanh trunk, like `StaticCandidate.anchored`): unit 0 of the first
/// hidden layer is tanh(c·(g_up − τ)) on `shadow_gain_lr_up`, unit 1 the same on
/// `shadow_gain_lr_down`, with c = 2000 (tanh(c · 0.001) = 0.96: a gain 0.001 from τ is already
/// a clear step); deeper layers carry both as tanh(20·s), which makes 0.96 a full ±1. The learning-rate head's logits are α·(s₀ + 1)/2 for "up",
/// α·(s₁ + 1)/2 for "down" and α/2 for "stay": the rule's move wins by α/2 over staying, and staying
/// wins by α/2 when neither shadow is ahead. The batch-size and retrain heads keep their random
/// initialization, as does every other parameter and the critic.
public enum EvidenceAnchor {
    /// Default τ: 0.002 ln K of mean log-loss over a period. Chosen from {0, 0.002, 0.01} by running
    /// the rule alone on the committed foreign streams (results/general/evidence-anchor/README.md),
    /// so those streams are not a blind test of it; the fresh streams are.
    public static let defaultThreshold: Float = 0.002
    static let slope: Float = 2000

    /// `parameters` of `network` with the anchor written in. Throws if the network is not a tanh
    /// trunk on raw schema-v2 observations with a `steps` learning-rate head.
    public static func anchored(parameters: [Float], network: PolicyNetwork, actions: ActionBins,
                                strength: Float, threshold: Float = defaultThreshold) throws -> [Float] {
        let architecture = network.architecture
        let schema = ObservationSchema.v2
        guard actions.learningRateHead == .steps else {
            throw SweepError.agentUnavailable("the evidence anchor needs the learning-rate head of steps (--lr-steps)")
        }
        guard architecture.observationSize == schema.count, let up = schema.index(of: "shadow_gain_lr_up"),
              let down = schema.index(of: "shadow_gain_lr_down") else {
            throw SweepError.agentUnavailable("the evidence anchor reads the shadow learners' evidence (observation schema v2, --shadow-learners)")
        }
        guard architecture.activation == .tanh, !architecture.hiddenSizes.isEmpty, architecture.hiddenSizes.allSatisfy({ $0 >= 2 }),
              architecture.actionSizes == actions.headSizes, parameters.count == network.parameterCount else {
            throw SweepError.agentUnavailable("the evidence anchor needs a tanh network with hidden layers of at least 2 units and heads \(actions.headSizes)")
        }
        guard strength > 0, strength <= 20, threshold.isFinite, threshold >= 0, threshold < 1 else {
            throw SweepError.agentUnavailable("the evidence anchor needs a strength in (0, 20] and a threshold in [0, 1)")
        }
        var (hidden, heads) = network.actorParameters(parameters)
        AnchorUnits.write([(up, slope, -slope * threshold), (down, slope, -slope * threshold)], hidden: &hidden, heads: &heads)
        // Learning-rate head outputs: 0 down, 1 stay, 2 up.
        let logits = heads.outputs
        heads.weights[0 * logits + 2] = strength / 2
        heads.weights[1 * logits + 0] = strength / 2
        heads.bias[0] = strength / 2
        heads.bias[1] = strength / 2
        heads.bias[2] = strength / 2
        guard let out = network.replacingActor(in: parameters, hidden: hidden, heads: heads) else {
            throw SweepError.agentUnavailable("the policy network's parameter layout is not the one the anchor writes")
        }
        return out
    }
}
