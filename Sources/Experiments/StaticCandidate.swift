import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation

/// The static search's setting as a policy network (`static_candidate: true` in a scenario's agent
/// block): a small ReLU network whose decisions are exactly those of `FixedSetting.policy`, so the
/// setting can be compared with the PPO candidates on the validation seeds and, if it wins, be
/// exported as an ordinary policy file (docs/policy-format.md) that `drifttune learn` follows.
///
/// The learning-rate and batch-size heads have zero weights and a bias of 1 on the setting's bin
/// (0 elsewhere), so their arg-max is the setting's bin for every observation. The retrain head
/// reproduces `PeriodicRetrainPolicy(every: K)` (retrain before periods 1 + K, 1 + 2K, …) from two
/// observation features: `periods_since_retrain` (periods since the last retrain, / 50) and
/// `episode_progress` (periods done / episode length). A decision after period t retrains exactly
/// when t ≥ K and the periods since the last retrain are ≥ K − 1: before the first retrain the
/// count is t itself (it starts at 0 in the reset period), after a retrain before period r it is
/// t − r. Each condition is a saturated ReLU step, `relu(a) − relu(a − 1)`, with its threshold half
/// a period from the nearest reachable value and a slope that makes that half period worth 2, so
/// the step is exactly 0 or 1 at every reachable value; the full-retrain logit is the sum of the two
/// steps minus 1.5 (positive only when both hold) against 0 for `none` and −1 for any other choice.
/// Observations the guardrails refuse fall back to the environment's default action, as for any
/// exported policy; the monitor clips every feature into its range, so in simulation that happens
/// only on non-finite values, which end the episode anyway.
enum StaticCandidate {
    /// The scale of `periods_since_retrain` (`Monitor`: periods / 50, clipped to 1).
    static let periodsSinceRetrainScale = 50.0

    /// Hidden ReLU units: two per step (periods since retrain, episode progress).
    static let hiddenUnits = 4

    /// The network (as the agent's training record stores it) that follows `setting` in
    /// environments with `actions` and episodes of `episodeLength` periods.
    /// `observationCount`: the environment's observation length (schema v1 or v2; both begin with
    /// the features read here).
    static func snapshot(setting: FixedSetting, actions: ActionBins, episodeLength: Int,
                         observationCount: Int = ObservationSchema.current.count) throws -> AgentSnapshot {
        let (since, progress, none, full) = try features(setting: setting, actions: actions, episodeLength: episodeLength)
        let every = setting.retrainEvery
        let n = observationCount, h = hiddenUnits
        let sizes = actions.headSizes, logits = sizes.reduce(0, +)
        var hiddenW = [Float](repeating: 0, count: n * h), hiddenB = [Float](repeating: 0, count: h)
        var headW = [Float](repeating: 0, count: h * logits), headB = [Float](repeating: 0, count: logits)
        headB[setting.learningRateBin] = 1
        headB[sizes[0] + setting.batchSizeBin] = 1
        let retrain = sizes[0] + sizes[1]
        for c in 0..<sizes[2] where c != none { headB[retrain + c] = -1 }
        if every > 0, let full {
            // Step 1: periods since retrain ≥ K − 1, i.e. x·50 ≥ K − 1.5 with x = since / 50: slope 200 per
            // unit of x (4 per period), threshold 4K − 6.
            let a1 = Float(4 * periodsSinceRetrainScale), b1 = Float(-(4 * Double(every) - 6))
            // Step 2: periods done ≥ K, i.e. x·L ≥ K − 0.5 with x = t / L: slope 4L, threshold 4K − 2.
            let a2 = Float(4 * Double(episodeLength)), b2 = Float(-(4 * Double(every) - 2))
            for (unit, (feature, slope, bias)) in [(since, a1, b1), (since, a1, b1 - 1), (progress, a2, b2), (progress, a2, b2 - 1)].enumerated() {
                hiddenW[feature * h + unit] = slope
                hiddenB[unit] = bias
            }
            for (unit, sign) in [Float(1), -1, 1, -1].enumerated() { headW[unit * logits + retrain + full] = sign }
            headB[retrain + full] = -1.5
        }

        let architecture = NetworkArchitecture(observationSize: n, actionSizes: sizes, hiddenSizes: [h], activation: .relu,
                                               sharedTrunk: true)
        // PolicyNetwork's layout: actor trunk, policy heads, then the value head (zero here).
        let parameters = hiddenW + hiddenB + headW + headB + [Float](repeating: 0, count: h + 1)
        var rng = RandomSource(seed: 0)
        let network = PolicyNetwork(architecture: architecture, rng: &rng)
        let cut = network.parameterCount == parameters.count ? network.actorParameters(parameters) : nil
        guard let cut, cut.hidden.count == 1, cut.hidden[0].weights == hiddenW, cut.hidden[0].bias == hiddenB,
              cut.heads.weights == headW, cut.heads.bias == headB else {
            throw SweepError.agentUnavailable("the policy network's parameter layout is not the one the static candidate writes")
        }
        return AgentSnapshot(architecture: architecture, parameters: parameters, normalizer: nil)
    }

    /// Checks that `setting` can be followed exactly in environments with `actions`; returns the
    /// indices of `periods_since_retrain` and `episode_progress` and of the `none` and
    /// `full_retrain` choices.
    static func features(setting: FixedSetting, actions: ActionBins, episodeLength: Int) throws
        -> (since: Int, progress: Int, none: Int, full: Int?) {
        let schema = ObservationSchema.current
        guard setting.retrainSignal == nil else {
            throw SweepError.agentUnavailable("the static candidate follows periodic settings only, not retraining on \(setting.retrainSignal?.rawValue ?? "?")")
        }
        guard actions.learningRateHead == .bins else {
            throw SweepError.agentUnavailable("the static candidate names a learning-rate bin; the environment's learning-rate head is \(actions.learningRateHead.rawValue)")
        }
        guard actions.batchSizeHead == .bins else {
            throw SweepError.agentUnavailable("the static candidate names a batch-size bin; the environment's batch-size head is \(actions.batchSizeHead.rawValue)")
        }
        guard actions.learningRates.indices.contains(setting.learningRateBin), actions.batchSizes.indices.contains(setting.batchSizeBin) else {
            throw SweepError.agentUnavailable("the static setting's bins (\(setting.learningRateBin), \(setting.batchSizeBin)) are outside the environment's action bins")
        }
        guard let since = schema.index(of: "periods_since_retrain"), let progress = schema.index(of: "episode_progress") else {
            throw SweepError.agentUnavailable("the observation schema has no periods_since_retrain or episode_progress feature")
        }
        guard let none = actions.retrainChoices.firstIndex(of: .none) else {
            throw SweepError.agentUnavailable("the action bins have no 'none' retrain choice")
        }
        let full = actions.retrainChoices.firstIndex(of: .fullRetrain)
        if setting.retrainEvery > 0 && full == nil {
            throw SweepError.agentUnavailable("the action bins have no 'full_retrain' choice for retraining every \(setting.retrainEvery) periods")
        }
        guard episodeLength >= 1 else { throw SweepError.agentUnavailable("episode length \(episodeLength)") }
        return (since, progress, none, full)
    }

    /// A PPO candidate's starting point anchored at the static setting (`anchor_strength` α > 0):
    /// `parameters` (a freshly initialized network `network`, tanh trunk, raw observations) with
    /// its actor rewritten so that its greedy decisions start as the setting's and its sampled ones
    /// stay near them; PPO then learns the deviations. The heads' biases become α on the setting's
    /// learning-rate and batch-size bins (0 on the others; any `first_bin_prior` is replaced), 0 on
    /// `none`, −α on the other retrain choices. With retraining every K periods, unit 0 of the
    /// first hidden layer is tanh(2000·x − 40K + 60) on x = periods_since_retrain (±1 from half a
    /// period on either side of K − 1.5 periods; tanh(±20) is ±1 in float32 and float64) and unit
    /// 1 is tanh(40L·x − 40K + 20) on x = episode_progress (sign of t − (K − 0.5)); deeper layers
    /// carry both as tanh(20·s); the full-retrain logit gets α·(s₀ + s₁) − α: +α when both hold,
    /// ≤ −α otherwise, the retrain rule of `snapshot`. Saturated units pass almost no gradient, so
    /// the two steps stay as they are while PPO moves everything else. Every other parameter keeps
    /// its random initialization; the critic is untouched.
    static func anchored(parameters: [Float], network: PolicyNetwork, setting: FixedSetting, actions: ActionBins,
                         episodeLength: Int, strength: Float, observationCount: Int = ObservationSchema.current.count) throws -> [Float] {
        let architecture = network.architecture
        let n = observationCount
        guard architecture.activation == .tanh, !architecture.hiddenSizes.isEmpty, architecture.hiddenSizes.allSatisfy({ $0 >= 2 }),
              architecture.observationSize == n, architecture.actionSizes == actions.headSizes,
              parameters.count == network.parameterCount else {
            throw SweepError.agentUnavailable("anchor_strength needs a tanh network with hidden layers of at least 2 units for \(n) observations and heads \(actions.headSizes)")
        }
        let (since, progress, none, full) = try features(setting: setting, actions: actions, episodeLength: episodeLength)
        let every = setting.retrainEvery
        var (hidden, heads) = network.actorParameters(parameters)
        let sizes = actions.headSizes, logits = sizes.reduce(0, +), retrain = sizes[0] + sizes[1]
        heads.bias = [Float](repeating: 0, count: logits)
        heads.bias[setting.learningRateBin] = strength
        heads.bias[sizes[0] + setting.batchSizeBin] = strength
        for c in 0..<sizes[2] where c != none { heads.bias[retrain + c] = -strength }
        if every > 0, let full {
            let k = Double(every)
            AnchorUnits.write([(since, Float(2 * 20 * periodsSinceRetrainScale), Float(-40 * k + 60)),
                               (progress, Float(40 * Double(episodeLength)), Float(-40 * k + 20))], hidden: &hidden, heads: &heads)
            for unit in 0..<2 { heads.weights[unit * logits + retrain + full] = strength }
            heads.bias[retrain + full] = -strength
        }
        guard let out = network.replacingActor(in: parameters, hidden: hidden, heads: heads) else {
            throw SweepError.agentUnavailable("the policy network's parameter layout is not the one the anchor writes")
        }
        return out
    }
}
