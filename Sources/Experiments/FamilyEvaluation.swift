import Foundation
import Linalg
import PolicyRuntime
import Simulation

/// Plays policies and references on specs drawn from a family (usually its held-out
/// subfamilies): one episode per seed, each seed with its own drawn spec, every method on the same
/// seeds (common random numbers), and the best static setting in hindsight over the whole set and
/// per seed.
///
///     let eval = try FamilyEvaluation(family: family, subfamilies: family.heldOut, seeds: Array(0..<40))
///     let rows = eval.run(methods: [("general", AnyPolicy(policy))] + FamilyEvaluation.rules(), jobs: 2)
public struct FamilyEvaluation: Sendable {
    public var family: EnvironmentFamily
    public var subfamilies: [String]
    public var seeds: [UInt64]
    /// One environment per seed (its drawn spec).
    public var environments: [TuningEnvironment]
    /// The same environments with shadow learners (observation schema v2), for policies that read them.
    public var shadowEnvironments: [TuningEnvironment]
    /// The same environments with learning-rate and batch-size shadows (observation schema v3).
    public var batchShadowEnvironments: [TuningEnvironment]
    /// Whether every drawn environment learns online, so that an expert pool (observation schema
    /// v4) can run in it; `episodes(schema: 4)` builds those environments only when asked (each holds
    /// 24 learners and their windows).
    public let canRunExpertPool: Bool
    private let specs: [EnvironmentSpec]
    private let components: EnvironmentComponents

    public init(family: EnvironmentFamily, subfamilies: [String], seeds: [UInt64], components: EnvironmentComponents = .standard) throws {
        self.family = family
        self.subfamilies = subfamilies
        self.seeds = seeds
        let specs = try seeds.map { try family.spec(seed: $0, subfamilies: subfamilies) }
        environments = try specs.map { try TuningEnvironment(spec: $0, components: components) }
        shadowEnvironments = try specs.map { spec in
            var s = spec
            s.learner.shadowLearners = true
            return try TuningEnvironment(spec: s, components: components)
        }
        batchShadowEnvironments = try specs.map { spec in
            var s = spec
            s.learner.shadowLearners = true
            s.learner.batchShadows = true
            return try TuningEnvironment(spec: s, components: components)
        }
        canRunExpertPool = specs.allSatisfy { $0.learner.updates == .online }
        self.specs = specs
        self.components = components
    }

    /// One method's figures over the seeds.
    public struct Row: Sendable, Codable, Equatable {
        public var method: String
        /// Mean episode reward (sum over the episode's steps) and the half-width of its 95% interval.
        public var meanReward: Double
        public var rewardHalfWidth: Double
        /// Mean of the episodes' mean metric (periods 1…).
        public var meanMetric: Double
        /// Mean compute units per episode.
        public var meanCompute: Double
        /// Episodes whose learner diverged.
        public var diverged: Int
        /// Per-seed episode rewards, in seed order.
        public var rewards: [Double]
    }

    /// The hand-written rules compared: the spec default (`fixed`) and the retraining rules.
    public static let ruleNames = ["fixed", "periodic:10", "adwin", "ddm", "ks"]

    /// The rules as named methods (`fixed` is labelled as the spec default).
    public static func rules() -> [(String, AnyPolicy)] {
        ruleNames.compactMap { name in HandWrittenRule.parse(name).map { (name == "fixed" ? "spec default (fixed)" : name, AnyPolicy($0)) } }
    }

    /// The static grid searched in hindsight: every learning rate × batch size without retraining,
    /// and every learning rate with periodic:10, adwin and ddm retraining at the default batch size.
    public func hindsightGrid() -> [FixedSetting] {
        let bins = family.base.actionBins
        let defaultBatch = family.base.defaultAction.batchSizeBin
        var grid: [FixedSetting] = []
        for lr in bins.learningRates.indices {
            for b in bins.batchSizes.indices { grid.append(FixedSetting(learningRateBin: lr, batchSizeBin: b, retrainEvery: 0)) }
        }
        for lr in bins.learningRates.indices {
            grid.append(FixedSetting(learningRateBin: lr, batchSizeBin: defaultBatch, retrainEvery: 10))
            grid.append(FixedSetting(learningRateBin: lr, batchSizeBin: defaultBatch, retrainEvery: 0, retrainSignal: .adwin))
            grid.append(FixedSetting(learningRateBin: lr, batchSizeBin: defaultBatch, retrainEvery: 0, retrainSignal: .ddm))
        }
        return grid
    }

    /// Plays `policy` once per seed on `jobs` threads (BLAS single-threaded inside, so the result
    /// does not depend on `jobs`), in the environments whose loop produces observation schema
    /// `schema` (1: no shadows, 2: learning-rate shadows, 3: and batch-size shadows, 4: an expert
    /// pool, which needs `canRunExpertPool`).
    /// With schema 4, `pool` (a policy file's loop) sets the pool's decay and tolerance, so the
    /// policy's experts are scored as in the loop it was trained and exported with.
    public func episodes(_ policy: AnyPolicy, jobs: Int, schema: Int = 1, pool: LoopSettings? = nil) -> [EpisodeResult] {
        let n = environments.count
        precondition(schema != 4 || canRunExpertPool, "an expert pool runs online only")
        var envs = schema == 4 ? specs.compactMap { spec in
            var pooled = spec.withLoop(forSchema: 4)
            if let pool { pooled.learner.adoptExpertScoring(of: pool) }
            return try? TuningEnvironment(spec: pooled, components: components)
        }
            : schema == 3 ? batchShadowEnvironments : schema == 2 ? shadowEnvironments : environments
        precondition(envs.count == n, "every drawn spec builds with an expert pool once it learns online")
        var results = [EpisodeResult?](repeating: nil, count: n)
        BLAS.withThreadCount(1) {
            envs.withUnsafeMutableBufferPointer { env in
                results.withUnsafeMutableBufferPointer { out in
                    // Index i touches only environment i and result slot i.
                    Parallel.forEach(n, workers: max(1, jobs)) { i in out[i] = env[i].runEpisode(policy: policy, seed: seeds[i]) }
                }
            }
        }
        return results.compactMap { $0 }
    }

    /// The row of one method from its episodes.
    public static func row(_ method: String, _ episodes: [EpisodeResult]) -> Row {
        let rewards = episodes.map(\.totalReward)
        let m = Statistics.mean(rewards)
        return Row(method: method, meanReward: m, rewardHalfWidth: halfWidth(rewards), meanMetric: Statistics.mean(episodes.map(\.meanMetric)),
                   meanCompute: Statistics.mean(episodes.map(\.compute)),
                   diverged: episodes.filter { $0.terminationReason != nil }.count, rewards: rewards)
    }

    /// Half-width of a 95% normal interval of the mean of `xs` (0 for fewer than 2 values).
    public static func halfWidth(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = Statistics.mean(xs)
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        return 1.96 * (v / Double(xs.count)).squareRoot()
    }

    /// Label of the per-seed reference row.
    public static let perSeedLabel = "static-per-environment (each seed's best setting, hindsight)"

    /// Rows of `methods`, then `static-hindsight` (the grid's best by mean reward on these very
    /// seeds; its label names the setting), then `static-per-environment`: on every seed the grid
    /// setting best on that seed. Its margin over static-hindsight is what choosing a static
    /// setting per environment is worth — the room a general policy has without adapting within
    /// an episode. A method named in `schemas` reads that observation schema version and plays
    /// where its shadow learners run (and pays for them); the others read v1. A method named in
    /// `pools` runs its expert pool with that loop's decay and tolerance (its policy file's).
    /// `gridRow` receives the row of every grid setting (label `static (SETTING)`), in grid order.
    public func run(methods: [(String, AnyPolicy)], jobs: Int, schemas: [String: Int] = [:], pools: [String: LoopSettings] = [:],
                    progress: (String) -> Void = { _ in }, gridRow: (Row) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for (name, policy) in methods {
            rows.append(Self.row(name, episodes(policy, jobs: jobs, schema: schemas[name] ?? 1, pool: pools[name])))
            progress(name)
        }
        let bins = family.base.actionBins
        var best: Row? = nil
        var perSeed = [EpisodeResult?](repeating: nil, count: seeds.count)
        for setting in hindsightGrid() {
            let played = episodes(AnyPolicy(setting.policy), jobs: jobs)
            let r = Self.row("static-hindsight (\(setting.label(bins)))", played)
            var labelled = r
            labelled.method = "static (\(setting.label(bins)))"
            gridRow(labelled)
            if best == nil || r.meanReward > (best?.meanReward ?? -.infinity) { best = r }
            for (i, e) in played.enumerated() where perSeed[i].map({ e.totalReward > $0.totalReward }) ?? true { perSeed[i] = e }
        }
        progress("static-hindsight")
        if let best { rows.append(best) }
        if !perSeed.isEmpty { rows.append(Self.row(Self.perSeedLabel, perSeed.compactMap { $0 })) }
        return rows
    }

    /// Mean of `a − b` over seeds and its 95% half-width (paired).
    public static func pairedDifference(_ a: Row, _ b: Row) -> (mean: Double, halfWidth: Double) {
        let d = zip(a.rewards, b.rewards).map { $0 - $1 }
        return (Statistics.mean(d), halfWidth(d))
    }

    /// A Markdown table: every row, with the first row's paired advantage over it.
    public static func markdown(_ rows: [Row]) -> String {
        guard let first = rows.first else { return "" }
        var lines = ["| method | mean reward [95% CI] | mean accuracy | compute / episode | diverged | \(first.method) − method [95% CI] |",
                     "|---|---:|---:|---:|---:|---:|"]
        for r in rows {
            let d = pairedDifference(first, r)
            let diff = r.method == first.method ? "–" : String(format: "%+.3f [%+.3f, %+.3f]", d.mean, d.mean - d.halfWidth, d.mean + d.halfWidth)
            lines.append(String(format: "| %@ | %.3f [%.3f, %.3f] | %.4f | %.1f | %d | %@ |", r.method, r.meanReward,
                                r.meanReward - r.rewardHalfWidth, r.meanReward + r.rewardHalfWidth, r.meanMetric, r.meanCompute,
                                r.diverged, diff))
        }
        return lines.joined(separator: "\n")
    }
}
