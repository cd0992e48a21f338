import PolicyGradient
import PolicyRuntime

/// A PPO starting point that follows the shadow learners' evidence (`family train
/// --evidence-anchor α`): with a `steps` learning-rate head and observation schema v2 or v3, its greedy
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
/// wins by α/2 when neither shadow is ahead. With a `steps` batch-size head and schema v3 (batch
/// shadows), units 2 and 3 do the same on `shadow_gain_batch_up` and `shadow_gain_batch_down`,
/// and the batch-size head follows the same rule toward the neighbouring batch size; otherwise the
/// batch-size head keeps its random initialization. The retrain head, every other parameter and
/// the critic keep theirs.
public enum EvidenceAnchor {
    /// Default τ: 0.002 ln K of mean log-loss over a period. Chosen from {0, 0.002, 0.01} by running
    /// the rule alone on the committed foreign streams (results/general/evidence-anchor/README.md),
    /// so those streams are not a blind test of it; the fresh streams are.
    public static let defaultThreshold: Float = 0.002
    static let slope: Float = 2000

    /// `parameters` of `network` with the anchor written in. Throws if the network is not a tanh
    /// trunk on raw schema-v2 (or v3) observations with a `steps` learning-rate head, or has a
    /// `steps` batch-size head without schema v3.
    public static func anchored(parameters: [Float], network: PolicyNetwork, actions: ActionBins,
                                strength: Float, threshold: Float = defaultThreshold) throws -> [Float] {
        let architecture = network.architecture
        guard actions.learningRateHead == .steps else {
            throw SweepError.agentUnavailable("the evidence anchor needs the learning-rate head of steps (--lr-steps)")
        }
        guard let schema = [ObservationSchema.v2, .v3].first(where: { $0.count == architecture.observationSize }),
              let up = schema.index(of: "shadow_gain_lr_up"), let down = schema.index(of: "shadow_gain_lr_down") else {
            throw SweepError.agentUnavailable("the evidence anchor reads the shadow learners' evidence (observation schema v2 or v3, --shadow-learners)")
        }
        let batchUp = schema.index(of: "shadow_gain_batch_up"), batchDown = schema.index(of: "shadow_gain_batch_down")
        let anchorBatch = actions.batchSizeHead == .steps
        if anchorBatch && (batchUp == nil || batchDown == nil) {
            throw SweepError.agentUnavailable("a batch-size head of steps follows the batch-size shadows' evidence (observation schema v3, --batch-shadows)")
        }
        let units = anchorBatch ? 4 : 2
        guard architecture.activation == .tanh, !architecture.hiddenSizes.isEmpty, architecture.hiddenSizes.allSatisfy({ $0 >= units }),
              architecture.actionSizes == actions.headSizes, parameters.count == network.parameterCount else {
            throw SweepError.agentUnavailable("the evidence anchor needs a tanh network with hidden layers of at least \(units) units and heads \(actions.headSizes)")
        }
        guard strength > 0, strength <= 20, threshold.isFinite, threshold >= 0, threshold < 1 else {
            throw SweepError.agentUnavailable("the evidence anchor needs a strength in (0, 20] and a threshold in [0, 1)")
        }
        var (hidden, heads) = network.actorParameters(parameters)
        var steps = [(up, slope, -slope * threshold), (down, slope, -slope * threshold)]
        if anchorBatch, let batchUp, let batchDown { steps += [(batchUp, slope, -slope * threshold), (batchDown, slope, -slope * threshold)] }
        AnchorUnits.write(steps, hidden: &hidden, heads: &heads)
        // A steps head's outputs at `offset`: 0 down, 1 stay, 2 up; units `upUnit` and `upUnit + 1`
        // carry its up and down evidence.
        let logits = heads.outputs
        func anchorStepsHead(offset: Int, upUnit: Int) {
            heads.weights[upUnit * logits + offset + 2] = strength / 2
            heads.weights[(upUnit + 1) * logits + offset + 0] = strength / 2
            for o in 0..<3 { heads.bias[offset + o] = strength / 2 }
        }
        anchorStepsHead(offset: 0, upUnit: 0)
        if anchorBatch { anchorStepsHead(offset: actions.headSizes[0], upUnit: 2) }
        guard let out = network.replacingActor(in: parameters, hidden: hidden, heads: heads) else {
            throw SweepError.agentUnavailable("the policy network's parameter layout is not the one the anchor writes")
        }
        return out
    }
}
