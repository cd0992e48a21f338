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
///     var env = try TuningEnvironment(spec: spec, components: .standard)
///     let episode = LookaheadPlanner(horizon: 4, radius: 1).runEpisode(in: &env, seed: 1001)
public struct LookaheadPlanner: Sendable, Equatable, Codable {
    /// Periods simulated per candidate (the candidate's period included), ≥ 1.
    public var horizon: Int
    /// How many bins the learning rate and batch size may move per period, ≥ 0.
    public var radius: Int

    public init(horizon: Int = 4, radius: Int = 1) {
        self.horizon = max(horizon, 1)
        self.radius = max(radius, 0)
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

    /// The best candidate around `current` for `environment`'s next period.
    public func decide(_ environment: TuningEnvironment, around current: TuningAction) -> TuningAction {
        var best = current, bestValue = -Double.infinity
        for candidate in candidates(around: current, bins: environment.actions) {
            let value = rollout(environment, first: candidate)
            if value > bestValue {
                best = candidate
                bestValue = value
            }
        }
        return best
    }

    /// Summed reward of `first`, then its rates without retraining, over the horizon on a copy.
    func rollout(_ environment: TuningEnvironment, first: TuningAction) -> Double {
        var snapshot = environment
        var total = 0.0
        var action = first
        for _ in 0..<horizon {
            let r = snapshot.step(action)
            total += r.reward
            if r.done { break }
            action.retrain = .none
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
