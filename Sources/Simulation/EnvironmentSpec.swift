import Foundation
import PolicyRuntime
import DriftDetection

/// A fully validated environment specification, read from `environments/NAME.yaml`.
///
/// Every field is `var` so tests and scenarios can override parts of a loaded spec (for example a
/// shorter `periodLength`); `validate()` re-checks such overrides.
///
///     var spec = try EnvironmentSpec.load(named: "network-diagnosis")
///     spec.periodLength = 300
public struct EnvironmentSpec: Sendable, Equatable {
    /// Environment name (the file's base name).
    public var name: String
    /// One-line human description.
    public var description: String
    /// Which stream generator interprets `features`, `labelModel` and `drift`.
    public var generator: GeneratorKind
    /// Stream samples per decision (one environment step).
    public var periodLength: Int
    /// Decisions per episode.
    public var episodeLength: Int
    /// Periods of pre-drift data the learner is trained on before the episode starts.
    public var warmupPeriods: Int
    public var labels: LabelSpec
    public var metric: MetricKind
    public var learner: LearnerSpec
    public var costs: CostSpec
    public var actions: ActionSpec
    public var features: [FeatureGroup]
    public var labelModel: LabelModelSpec
    public var drift: [DriftEvent]
    /// The file the spec was read from ("<memory>" for specs built in code).
    public var file: String

    /// Stream generators. Each reads the feature groups, label model and drift events it understands.
    public enum GeneratorKind: String, Sendable, Equatable, CaseIterable {
        /// Tabular features driven by one latent factor, Bernoulli label from a logistic model.
        case latentLogistic = "latent_logistic"
        /// Embedding-like vectors around class centroids (multiclass).
        case centroids
        /// User × item one-hot interactions with latent preferences (CTR).
        case factorization
    }
}

/// Label delivery.
public struct LabelSpec: Sendable, Equatable {
    /// Samples between a prediction and the arrival of its label (must be < period length).
    public var delay: Int
    /// Probability that an observed label is replaced by a uniformly drawn wrong class.
    public var noise: Double
}

/// The task metric of a period (defined next to the monitor that computes it).
public typealias MetricKind = TaskMetric

/// The production learner and its defaults.
public struct LearnerSpec: Sendable, Equatable {
    /// Learner kind name (e.g. "logistic", "softmax", "mlp", "fm").
    public var model: String
    /// Default step size per minibatch update.
    public var learningRate: Double
    /// Default minibatch size.
    public var batchSize: Int
    /// Most recent labelled samples kept for fine-tuning and retraining.
    public var window: Int
    /// Passes over the window for a fine-tune.
    public var fineTuneEpochs: Int
    /// Passes over the window for a full retrain from a fresh initialization.
    public var retrainEpochs: Int
    /// Online learning, or a serving model frozen between update jobs (`learner.updates`).
    public var updates: UpdateRegime = .online
    /// Standardize features online before the learner sees them (`learner.standardize`, default
    /// false: the shipped specs generate features at unit scale; environment families at raw scales
    /// set it, as `drifttune learn` does by default).
    public var standardize: Bool = false
    /// Run shadow learners at the neighbouring learning-rate bins and observe their evidence
    /// (`learner.shadow_learners`, default false; observation schema v2 when true).
    public var shadowLearners: Bool = false
    /// Also run shadow learners at the neighbouring batch-size bins (`learner.batch_shadows`,
    /// default false; needs `shadow_learners`; observation schema v3 when true).
    public var batchShadows: Bool = false
    /// Run an expert pool, one learner per learning-rate × batch-size bin, the action choosing
    /// which serves (`learner.experts`, default false; observation schema v4 when true; online
    /// updates only, without shadow learners).
    public var experts: Bool = false
    /// Weight of the past in the experts' scores (`learner.expert_decay`, default 0.9).
    public var expertDecay: Double = LoopSettings.defaultExpertDecay
    /// How far an expert may trail the best decayed mean metric and still lead when it adapts
    /// faster (`learner.expert_tolerance`, default 0.001; `LoopSettings.expertTolerance`).
    public var expertTolerance: Double = LoopSettings.defaultExpertTolerance
    /// 0: the pool serves one expert a whole period; N: every sample the leader of per-sample
    /// correctness decayed to half in N samples (`learner.expert_half_life`, default 0;
    /// `LoopSettings.expertHalfLife`).
    public var expertHalfLife: Int = 0

    /// Scores the pool's experts as `loop` does (its `expert_decay` and `expert_tolerance`): a
    /// policy file's pool runs as it was trained, whatever the spec's defaults.
    public mutating func adoptExpertScoring(of loop: LoopSettings) {
        expertDecay = loop.expertDecay
        expertTolerance = loop.expertTolerance
        expertHalfLife = loop.expertHalfLife
    }
}

/// Prices that turn compute and retraining into reward.
public struct CostSpec: Sendable, Equatable {
    /// Reward subtracted per compute unit (one unit = one period's worth of sample gradients).
    public var computePrice: Double
    /// Reward subtracted for a fine-tune.
    public var fineTunePrice: Double
    /// Reward subtracted for a full retrain.
    public var retrainPrice: Double
    /// Fixed cost of one minibatch update, in sample-gradient equivalents (makes small batches dearer).
    public var updateOverhead: Double
    /// Reward of the step at which the learner diverged (the episode ends there).
    public var divergencePenalty: Double
    /// Compute units per episode the `compute_used` observation is scaled by.
    public var computeBudget: Double
}

/// The discrete action bins.
public struct ActionSpec: Sendable, Equatable {
    /// Log-spaced learning rates, smallest first.
    public var learningRates: [Double]
    /// Batch sizes, smallest first.
    public var batchSizes: [Int]
    /// What the agent's learning-rate head outputs: a bin each, or steps from the current bin.
    public var learningRateHead: LearningRateHead = .bins
    /// What the agent's batch-size head outputs: a bin each, or steps from the current bin.
    public var batchSizeHead: BatchSizeHead = .bins

    /// `bins` learning rates log-spaced from `min` to `max` (a spec's `learning_rates`).
    public static func logSpacedLearningRates(min: Double, max: Double, bins: Int) -> [Double] {
        (0..<bins).map { i in bins == 1 ? min : exp(log(min) + (log(max) - log(min)) * Double(i) / Double(bins - 1)) }
    }
}

/// One named group of input columns.
public struct FeatureGroup: Sendable, Equatable {
    public var name: String
    public var distribution: Distribution

    public enum Distribution: Sendable, Equatable {
        /// One column: `mean + loading · h + std · ε`, with `h` the sample's latent factor.
        case numeric(mean: Double, std: Double, loading: Double)
        /// One-hot columns, one per category.
        case categorical(categories: [String], probabilities: [Double])
        /// `dimension` columns of an embedding (centroids generator).
        case embedding(dimension: Int)
        /// One-hot over `count` ids (factorization generator: users or items).
        case oneHot(count: Int)
    }

    /// Number of columns the group contributes.
    public var width: Int {
        switch distribution {
        case .numeric: 1
        case .categorical(let c, _): c.count
        case .embedding(let d): d
        case .oneHot(let n): n
        }
    }
}

/// How labels depend on features, per generator kind.
public enum LabelModelSpec: Sendable, Equatable {
    /// `P(y=1) = sigmoid(bias + Σ weights[column] · x[column])`. Keys are feature names, or
    /// `feature.category` for one-hot columns.
    case logistic(bias: Double, weights: [String: Double])
    /// `classes` centroids at distance `separation` apart on average; samples `centroid + noise · ε`.
    /// Class priors follow Zipf with exponent `zipf`; only the first `initialClasses` occur at first.
    case centroids(classes: Int, initialClasses: Int, separation: Double, noise: Double, zipf: Double)
    /// CTR: `sigmoid(bias + userBias + itemBias + scale · ⟨p_user, q_item⟩ + categoryEffect)`.
    case factorization(bias: Double, latentDimension: Int, interactionScale: Double, biasStd: Double,
                       categories: Int, initialItems: Int)
}

/// When drift happens and what it changes.
public struct DriftEvent: Sendable, Equatable {
    public var name: String
    public var kind: Kind
    public var target: Target
    /// Period at which the event begins.
    public var start: Double
    /// Ramp length (gradual, incremental) or on-length of each occurrence (recurring), in periods.
    public var duration: Double
    /// Cycle length of a recurring event, in periods.
    public var every: Double
    /// Fraction of the described change applied at full effect (0…1).
    public var strength: Double
    /// Target-specific parameters (validated per generator; see `environments/README.md`).
    public var parameters: DriftParameters

    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Switches fully at `start`.
        case sudden
        /// Each sample comes from the new concept with a probability ramping 0→1 over `duration`.
        case gradual
        /// Parameters interpolate continuously from old to new over `duration`.
        case incremental
        /// On for `duration` periods every `every` periods, from `start`.
        case recurring
    }

    public enum Target: String, Sendable, Equatable, CaseIterable {
        case featureDistribution = "feature_distribution"
        case decisionBoundary = "decision_boundary"
        case classPriors = "class_priors"
        case newClasses = "new_classes"
        case newItems = "new_items"
    }

    /// Effect level in 0…1 at time `t` (in periods, fractional): `strength × progress(at: t)`.
    @inlinable
    public func level(at t: Double) -> Double { strength * progress(at: t) }

    /// How far the event has progressed at time `t`, in 0…1, ignoring strength. For gradual events
    /// this is the probability that a sample is drawn from the new concept (which then applies the
    /// change at full `strength`); for the others the change is scaled by it.
    @inlinable
    public func progress(at t: Double) -> Double {
        switch kind {
        case .sudden:
            return t >= start ? 1 : 0
        case .gradual, .incremental:
            if t < start { return 0 }
            if duration <= 0 || t >= start + duration { return 1 }
            return (t - start) / duration
        case .recurring:
            if t < start { return 0 }
            let phase = (t - start).truncatingRemainder(dividingBy: max(every, 1e-9))
            return phase < duration ? 1 : 0
        }
    }

    /// Index of the current occurrence of a recurring event at `t` (0 for other kinds).
    public func occurrence(at t: Double) -> Int {
        kind == .recurring && t >= start && every > 0 ? Int(((t - start) / every).rounded(.down)) : 0
    }

    /// True if the event changes anything during period `p` (level > 0 somewhere in it, and for
    /// ramps, still changing or just completed).
    public func isActive(inPeriod p: Int) -> Bool {
        let t0 = Double(p), t1 = Double(p + 1)
        switch kind {
        case .sudden:
            return start >= t0 && start < t1
        case .gradual, .incremental:
            return t1 > start && t0 < start + max(duration, 1)
        case .recurring:
            // On at any of eight points of the period (occurrences are at least a period long in practice).
            return (0..<8).contains { level(at: t0 + Double($0) / 8) > 0 }
        }
    }

    /// Periods at which a change begins (for recovery-time accounting): the start of sudden,
    /// gradual and incremental events, and every onset and offset of a recurring one.
    public func onsets(before end: Int) -> [Int] {
        switch kind {
        case .sudden, .gradual, .incremental:
            let s = Int(start.rounded(.down))
            return s < end ? [s] : []
        case .recurring:
            var out: [Int] = []
            var t = start
            while t < Double(end) && every > 0 {
                out.append(Int(t.rounded(.down)))
                let off = Int((t + duration).rounded(.down))
                if off < end { out.append(off) }
                t += every
            }
            return out
        }
    }

}

/// Target-specific drift parameters. Unused fields are nil; the loader rejects fields the target
/// and generator do not understand.
public struct DriftParameters: Sendable, Equatable {
    /// latent_logistic, decision_boundary: label weights at full effect (replacing the base ones).
    public var weights: [String: Double]? = nil
    /// latent_logistic, decision_boundary/class_priors: bias at full effect.
    public var bias: Double? = nil
    /// latent_logistic, gradual decision_boundary: samples of the new concept carry this category
    /// (`feature.category`), e.g. the new firmware.
    public var marker: String? = nil
    /// latent_logistic, feature_distribution: mean shifts in standard deviations, per numeric feature.
    public var shifts: [String: Double]? = nil
    /// latent_logistic, feature_distribution: categorical feature whose mix moves to `probabilities`.
    public var feature: String? = nil
    public var probabilities: [Double]? = nil
    /// latent_logistic, feature_distribution: whether the shift happens before labelling (true: a
    /// real change of the device) or after (false: measurement interference).
    public var affectsLabel: Bool? = nil
    /// centroids, feature_distribution: how far centroids move, relative to `separation`.
    /// factorization, decision_boundary: how far user preferences rotate toward new ones (0…1).
    public var amount: Double? = nil
    /// centroids, class_priors: classes whose prior is multiplied by `factor`.
    public var classes: [Int]? = nil
    public var factor: Double? = nil
    /// centroids new_classes / factorization new_items: how many appear (the last ones of the range).
    public var count: Int? = nil
    /// new_classes / new_items: share of the stream they take at full effect (0…1).
    public var share: Double? = nil
    /// factorization, feature_distribution: number of promoted items (drawn per occurrence).
    public var items: Int? = nil
    /// factorization: logit added (promotion uplift, or category boost with `category`).
    public var boost: Double? = nil
    /// factorization, decision_boundary: item category whose click logit gets `boost`.
    public var category: Int? = nil

    public init() {}
}
