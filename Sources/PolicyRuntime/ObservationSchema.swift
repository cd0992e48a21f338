/// The observation a tuning policy sees after each period: a fixed, versioned list of named
/// features, each scaled to a documented range. Shared by all domains, by the simulator and by the
/// production learner loop, so a policy trained in simulation reads real streams the same way.
public struct ObservationSchema: Sendable, Equatable, Codable {
    public struct Feature: Sendable, Equatable, Codable {
        public var name: String
        /// What the value measures and how it is scaled (documentation; not checked on load).
        public var meaning: String
        /// Inclusive range of the scaled value.
        public var lower: Float
        public var upper: Float

        public init(name: String, meaning: String = "", lower: Float, upper: Float) {
            self.name = name
            self.meaning = meaning
            self.lower = lower
            self.upper = upper
        }

        enum CodingKeys: String, CodingKey { case name, meaning, lower, upper }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            meaning = try c.decodeIfPresent(String.self, forKey: .meaning) ?? ""
            lower = try c.decode(Float.self, forKey: .lower)
            upper = try c.decode(Float.self, forKey: .upper)
        }
    }

    public init(version: Int, features: [Feature]) {
        self.version = version
        self.features = features
    }

    /// Bumped whenever a feature is added, removed, reordered or rescaled.
    public var version: Int
    public var features: [Feature]

    public var count: Int { features.count }

    /// Index of a feature by name.
    public func index(of name: String) -> Int? { features.firstIndex { $0.name == name } }

    /// The names in order.
    public var names: [String] { features.map(\.name) }

    /// The schema of a loop without shadow learners (the monitor's vector). A loop with shadow
    /// learners produces `v2`, one that also runs batch-size shadows `v3`, one with an expert pool `v4`
    /// (`LoopSettings.observationSchema` says which).
    public static let current = v1

    /// Every schema this runtime can produce, by version.
    public static let known: [ObservationSchema] = [v1, v2, v3, v4]

    /// Version 1 (18 features).
    public static let v1 = ObservationSchema(version: 1, features: [
        .init(name: "metric", meaning: "task metric of the period (accuracy, macro-F1 or AUC)", lower: 0, upper: 1),
        .init(name: "metric_change", meaning: "metric minus the previous period's, clipped", lower: -1, upper: 1),
        .init(name: "gap_to_best", meaning: "best period metric since the last retrain minus this one", lower: 0, upper: 1),
        .init(name: "loss", meaning: "mean log-loss L of the period scaled as L / (L + ln K), K classes", lower: 0, upper: 1),
        .init(name: "loss_trend", meaning: "(L − EMA₀.₇ of previous L) / ln K, clipped", lower: -1, upper: 1),
        .init(name: "adwin_change", meaning: "1 if ADWIN on the per-sample error signalled change in the period", lower: 0, upper: 1),
        .init(name: "ddm_state", meaning: "DDM on the per-sample error: 0 in control, 0.5 warning, 1 drift", lower: 0, upper: 1),
        .init(name: "page_hinkley", meaning: "Page-Hinkley statistic of the per-sample loss over its threshold λ, clipped", lower: 0, upper: 1),
        .init(name: "max_psi", meaning: "largest per-feature PSI vs the reference period, as PSI / (PSI + 0.25)", lower: 0, upper: 1),
        .init(name: "ks_scores", meaning: "two-sample KS statistic of prediction scores vs the reference period", lower: 0, upper: 1),
        .init(name: "confidence", meaning: "mean largest predicted class probability", lower: 0, upper: 1),
        .init(name: "entropy", meaning: "mean predictive entropy / ln K", lower: 0, upper: 1),
        .init(name: "label_rate", meaning: "labels that arrived in the period / samples in the period", lower: 0, upper: 1),
        .init(name: "periods_since_retrain", meaning: "periods since the last fine-tune or retrain, / 50, clipped", lower: 0, upper: 1),
        .init(name: "log_lr", meaning: "ln(lr) scaled linearly from the smallest to the largest learning-rate bin", lower: 0, upper: 1),
        .init(name: "log2_batch", meaning: "log2(batch) scaled linearly from the smallest to the largest batch bin", lower: 0, upper: 1),
        .init(name: "compute_used", meaning: "compute units used so far / the episode's compute budget, clipped", lower: 0, upper: 1),
        .init(name: "episode_progress", meaning: "periods done / episode length", lower: 0, upper: 1),
    ])

    /// Version 2 (20 features): version 1, then the shadow learners' evidence. Each shadow starts
    /// the period from the live learner's parameters at the neighbouring learning-rate bin and
    /// learns the same labelled minibatches; `L` is a mean prequential log-loss over the period.
    public static let v2 = ObservationSchema(version: 2, features: v1.features + [
        .init(name: "shadow_gain_lr_down", meaning: "(L live − L shadow at the next lower lr bin) / ln K, clipped; 0 at the lowest bin", lower: -1, upper: 1),
        .init(name: "shadow_gain_lr_up", meaning: "(L live − L shadow at the next higher lr bin) / ln K, clipped; 0 at the highest bin", lower: -1, upper: 1),
    ])

    /// Version 3 (22 features): version 2, then the batch-size shadows' evidence: copies of the live
    /// learner at its learning rate and the neighbouring batch-size bin, replaying the period in
    /// minibatches of that size.
    public static let v3 = ObservationSchema(version: 3, features: v2.features + [
        .init(name: "shadow_gain_batch_down", meaning: "(L live − L shadow at the next smaller batch bin) / ln K, clipped; 0 at the smallest bin", lower: -1, upper: 1),
        .init(name: "shadow_gain_batch_up", meaning: "(L live − L shadow at the next larger batch bin) / ln K, clipped; 0 at the largest bin", lower: -1, upper: 1),
    ])

    /// Version 4 (21 features): version 1 of the served stream (the monitor watches the expert that
    /// served the period; `log_lr` and `log2_batch` are its setting), then where the expert pool's
    /// leader stands: the expert with the best decayed score `S = decay × S + metric` after this
    /// period (the first of equals, learning rate fastest in bin order).
    public static let v4 = ObservationSchema(version: 4, features: v1.features + [
        .init(name: "leader_log_lr", meaning: "the leader's ln(lr), scaled as log_lr", lower: 0, upper: 1),
        .init(name: "leader_log2_batch", meaning: "the leader's log2(batch), scaled as log2_batch", lower: 0, upper: 1),
        .init(name: "leader_margin", meaning: "(S leader − S served) × (1 − decay): the leader's lead in decayed mean metric, clipped", lower: 0, upper: 1),
    ])
}
