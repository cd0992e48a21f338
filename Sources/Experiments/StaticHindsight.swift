import PolicyRuntime
import Simulation

/// The best *static* setting in hindsight: every learning-rate bin × batch-size bin × retrain rule,
/// each played on the evaluation seeds themselves and scored by mean episode reward (common random
/// numbers). A reference, like the oracle: it has seen the test seeds, so no deployable method can
/// expect to match it. Deterministic: the grid is walked in a fixed order and ties keep the first.
public struct StaticHindsight: Sendable {
    /// A retrain rule of the grid: never, every K periods, or on a drift signal.
    public struct Rule: Sendable, Equatable, CustomStringConvertible {
        public var every: Int
        public var signal: AlarmRetrainPolicy.Signal?

        /// Parses `never`, `periodic:K`, `adwin`, `ddm` or `ks`.
        public init?(name: String) {
            every = 0
            signal = nil
            if name == "never" { return }
            if let s = AlarmRetrainPolicy.Signal(rawValue: name) {
                signal = s
                return
            }
            guard let k = HandWrittenRule.periodicInterval(name) else { return nil }
            every = k
        }

        public var description: String { signal?.rawValue ?? (every > 0 ? "periodic:\(every)" : "never") }
    }

    /// The default rules: never, periodic every 5, 10 and 20 periods, on ADWIN and on DDM.
    public static let defaultRules = ["never", "periodic:5", "periodic:10", "periodic:20", "adwin", "ddm"].compactMap(Rule.init(name:))

    public var spec: EnvironmentSpec
    /// The evaluation seeds.
    public var seeds: [UInt64]
    public var rules: [Rule]

    public init(spec: EnvironmentSpec, seeds: [UInt64], rules: [Rule] = StaticHindsight.defaultRules) {
        self.spec = spec
        self.seeds = seeds
        self.rules = rules
    }

    /// Every setting of the grid, in search order (rule, then learning rate, then batch size).
    public var grid: [FixedSetting] {
        let bins = spec.actionBins
        var out: [FixedSetting] = []
        for rule in rules {
            for lr in bins.learningRates.indices {
                for b in bins.batchSizes.indices {
                    out.append(FixedSetting(learningRateBin: lr, batchSizeBin: b, retrainEvery: rule.every, retrainSignal: rule.signal))
                }
            }
        }
        return out
    }

    /// Plays the whole grid; the record's `setting` is the winner, its curve the best score so far.
    public func run(components: EnvironmentComponents = .standard) throws -> TrainingRecord {
        try StaticSearch.best(of: grid, specs: [spec], seeds: seeds, method: .staticHindsight, components: components)
    }
}
