import PolicyRuntime

/// An upper reference, not a deployable policy: a lookahead planner over environment snapshots.
/// Before every period it tries each candidate action on a copy of the environment (a copy is an
/// independent snapshot, see `TuningEnvironment`): the candidate for the next period, then its
/// learning rate and batch size without retraining for `horizon − 1` more periods; it takes the
/// candidate with the largest summed reward (the first in candidate order on ties, so it is
/// deterministic).
///
/// Candidates are factorized around the current action: learning-rate bins within `radius` of the
/// current one × batch-size bins within `radius` × every retrain choice, the current setting first.
/// A decision costs `candidates × horizon` simulated periods (27 × 4 = 108 with the defaults).
///
/// With a `base` policy (`runEpisode(in:seed:base:)`, `continuation: base` in a scenario) every
/// rollout continues after its first period with the base policy's decisions instead of holding
/// the candidate, and the base policy's own decision is a candidate too. With a horizon that reaches
/// the episode's end this is policy rollout: the planner's episode reward is then at least the base
/// policy's (the environment is deterministic given the seed and the actions).
///
///     var env = try TuningEnvironment(spec: spec, components: .standard)
///     let episode = LookaheadPlanner(horizon: 4, radius: 1).runEpisode(in: &env, seed: 1001)
public struct LookaheadPlanner: Sendable, Equatable, Codable {
    /// Periods simulated per candidate (the candidate's period included), ≥ 1.
    public var horizon: Int
    /// How many bins the learning rate and batch size may move per period, ≥ 0.
    public var radius: Int
    /// What a rollout does after its first period.
    public var continuation: Continuation

    /// A rollout's periods after the candidate's own.
    public enum Continuation: String, Sendable, Equatable, Codable, CaseIterable {
        /// Keep the candidate's learning rate and batch size, no retraining.
        case hold
        /// Follow the base policy given to `runEpisode` (a sweep uses static-hindsight's setting).
        case base
    }

    public init(horizon: Int = 4, radius: Int = 1, continuation: Continuation = .hold) {
        self.horizon = max(horizon, 1)
        self.radius = max(radius, 0)
        self.continuation = continuation
    }

    enum CodingKeys: String, CodingKey { case horizon, radius, continuation }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(horizon: try c.decode(Int.self, forKey: .horizon), radius: try c.decode(Int.self, forKey: .radius),
                  continuation: try c.decodeIfPresent(Continuation.self, forKey: .continuation) ?? .hold)
    }

    /// Writes `continuation` only when it is not `hold`, so earlier encodings keep their bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(horizon, forKey: .horizon)
        try c.encode(radius, forKey: .radius)
        if continuation != .hold { try c.encode(continuation, forKey: .continuation) }
    }

    /// Name in tables.
    public static let name = "planner"

    /// Plays one episode from `seed`, planning every decision.
    public func runEpisode(in environment: inout TuningEnvironment, seed: UInt64) -> EpisodeResult {
        var current: TuningAction? = nil
        return environment.runEpisode(name: Self.name, seed: seed) { env, _, context in
            let chosen = decide(env, around: current ?? context.defaultAction)
            current = chosen
            return chosen
        }
    }

    /// Plays one episode from `seed`, planning every decision; rollouts continue with `base` (which
    /// also sees the real episode's observations, so its state follows the real trajectory).
    public func runEpisode<P: TuningPolicy>(in environment: inout TuningEnvironment, seed: UInt64, base: P) -> EpisodeResult {
        var current: TuningAction? = nil
        var tracked = base
        return environment.runEpisode(name: Self.name, seed: seed) { env, observation, context in
            let own = tracked.decide(observation, context: context)
            let chosen = decide(env, around: current ?? context.defaultAction, base: (tracked, own))
            current = chosen
            return chosen
        }
    }

    /// The best candidate around `current` for `environment`'s next period.
    public func decide(_ environment: TuningEnvironment, around current: TuningAction) -> TuningAction {
        decide(environment, around: current, base: Optional<(policy: FixedPolicy, action: TuningAction)>.none)
    }

    /// With `base` (the base policy after deciding this period, and its decision), rollouts follow
    /// it after their first period and its decision is the last candidate.
    func decide<P: TuningPolicy>(_ environment: TuningEnvironment, around current: TuningAction,
                                 base: (policy: P, action: TuningAction)?) -> TuningAction {
        var best = current, bestValue = -Double.infinity
        var all = candidates(around: current, bins: environment.actions)
        if let base, !all.contains(base.action) { all.append(base.action) }
        for candidate in all {
            let value = base.map { rollout(environment, first: candidate, following: $0.policy) } ?? rollout(environment, first: candidate)
            if value > bestValue {
                best = candidate
                bestValue = value
            }
        }
        return best
    }

    /// Summed reward of `first`, then its rates without retraining, over the horizon on a copy.
    func rollout(_ environment: TuningEnvironment, first: TuningAction) -> Double {
        rollout(environment, first: first) { _, _, previous in
            var action = previous
            action.retrain = .none
            return action
        }
    }

    /// Summed reward of `first`, then `policy`'s decisions, over the horizon on a copy.
    func rollout<P: TuningPolicy>(_ environment: TuningEnvironment, first: TuningAction, following policy: P) -> Double {
        var follower = policy
        return rollout(environment, first: first) { snapshot, observation, _ in
            follower.decide(observation, context: snapshot.policyContext(nextPeriod: snapshot.period + 1))
        }
    }

    /// Summed reward of `first` and then of `next`'s actions (given the copy, its last observation
    /// and the last action), over the horizon on a copy of `environment`.
    private func rollout(_ environment: TuningEnvironment, first: TuningAction,
                         next: (TuningEnvironment, [Float], TuningAction) -> TuningAction) -> Double {
        var snapshot = environment
        var total = 0.0
        var action = first
        for _ in 0..<horizon {
            let r = snapshot.step(action)
            total += r.reward
            if r.done { break }
            action = next(snapshot, r.observation, action)
        }
        return total
    }

    /// The candidate actions around `current`, the current setting without retraining first.
    public func candidates(around current: TuningAction, bins: ActionBins) -> [TuningAction] {
        func around(_ bin: Int, _ count: Int) -> [Int] {
            let lo = max(0, bin - radius), hi = min(count - 1, bin + radius)
            return [bin] + (lo...hi).filter { $0 != bin }
        }
        var out: [TuningAction] = []
        for retrain in [RetrainDecision.none] + bins.retrainChoices.filter({ $0 != .none }) {
            for lr in around(current.learningRateBin, bins.learningRates.count) {
                for b in around(current.batchSizeBin, bins.batchSizes.count) {
                    out.append(TuningAction(learningRateBin: lr, batchSizeBin: b, retrain: retrain))
                }
            }
        }
        return out
    }
}
