import Foundation
import Linalg
import PolicyRuntime

/// A randomized family of drift environments (`environments/families/NAME.yaml`): ranges and
/// choices for the values a concrete `EnvironmentSpec` fixes, from which `spec(seed:)` draws one
/// spec per episode, deterministically (the same seed always gives the same spec).
///
/// Values a family does not randomize (period and episode length, warm-up, costs, action bins,
/// learner window and epochs, metric) come from its `base` spec, so every drawn spec shares the
/// observation schema and the action heads of the base, and one policy can train across them.
///
/// A family is split into named subfamilies by drift kind; training draws from `train`, held-out
/// evaluation from `heldOut`, and the two never share a subfamily.
///
///     let family = try EnvironmentFamily.load(file: "environments/families/binary.yaml")
///     let spec = try family.spec(seed: 7, subfamilies: family.train)
public struct EnvironmentFamily: Sendable, Equatable {
    /// Family name (the file's base name unless the file says `name:`).
    public var name: String
    /// The file it was read from ("<memory>" for families built in code).
    public var file: String
    /// The spec whose fixed values every drawn spec keeps.
    public var base: EnvironmentSpec
    /// The learner every drawn spec runs (`logistic` for binary families, `softmax` for multiclass).
    public var model: String
    /// Standardize features online in every drawn spec's loop (as `drifttune learn` does by default).
    public var standardize: Bool
    /// Ranges of the stream's shape and labels.
    public var stream: StreamRanges
    /// Ranges of the concept (generator-specific).
    public var concept: ConceptRanges
    /// Ranges of drift events.
    public var drift: DriftRanges
    /// Subfamilies by drift kind, in file order.
    public var subfamilies: [Subfamily]
    /// Subfamilies training draws from.
    public var train: [String]
    /// Subfamilies held out for evaluation (disjoint from `train`).
    public var heldOut: [String]

    /// Named set of drift kinds: every drift event of an episode of the subfamily has one of them.
    public struct Subfamily: Sendable, Equatable {
        public var name: String
        public var kinds: [DriftEvent.Kind]
        public init(name: String, kinds: [DriftEvent.Kind]) {
            self.name = name
            self.kinds = kinds
        }
    }

    /// Shape of the stream and its labels, shared by both generators.
    public struct StreamRanges: Sendable, Equatable {
        /// Input columns: numeric features (latent_logistic) or embedding dimension (centroids). Integer.
        public var features: FamilyRange
        /// log10 of each column's standard deviation (latent_logistic: per column; centroids: one
        /// factor on separation and noise, i.e. on every column).
        public var log10Scale: FamilyRange
        /// latent_logistic: each column's mean, in its standard deviations (centroids: unused, 0).
        public var offset: FamilyRange
        /// Probability that an observed label is replaced by a wrong class.
        public var labelNoise: FamilyRange
        /// Samples between a prediction and its label. Integer.
        public var labelDelay: FamilyRange
        /// Update regimes drawn from, uniformly.
        public var updates: [UpdateRegime]
    }

    /// The concept: how labels depend on features, per generator.
    public enum ConceptRanges: Sendable, Equatable {
        /// latent_logistic: loading of each column on the latent factor (standardized units), the
        /// standard deviation of the clean logit (signal), and the logit's bias (class balance).
        case logistic(loading: FamilyRange, signal: FamilyRange, bias: FamilyRange)
        /// centroids: classes (integer), centroid separation and noise (before the scale factor),
        /// Zipf exponent of the class priors.
        case centroids(classes: FamilyRange, separation: FamilyRange, noise: FamilyRange, zipf: FamilyRange)
    }

    /// Drift events: how many, when, how strong, and what they change.
    public struct DriftRanges: Sendable, Equatable {
        /// Events per episode. Integer.
        public var events: FamilyRange
        /// Period at which an event starts. Integer.
        public var start: FamilyRange
        /// Ramp length of gradual and incremental events, in periods.
        public var duration: FamilyRange
        /// Cycle length of a recurring event, in periods. Integer.
        public var every: FamilyRange
        /// On-length of each occurrence of a recurring event, in periods (at most `every`). Integer.
        public var onLength: FamilyRange
        /// Fraction of the change applied at full effect.
        public var strength: FamilyRange
        /// Targets drawn from, uniformly.
        public var targets: [DriftEvent.Target]
        /// latent_logistic feature_distribution: mean shift of each shifted column, in standard deviations.
        public var shift: FamilyRange?
        /// latent_logistic class_priors: how far the logit's bias moves (sign drawn).
        public var biasChange: FamilyRange?
        /// centroids feature_distribution: how far centroids move, relative to the separation.
        public var amount: FamilyRange?
        /// centroids class_priors: prior multiplier of the boosted classes.
        public var factor: FamilyRange?
        /// centroids new_classes: classes that appear (integer), and their share at full effect.
        public var newClasses: FamilyRange?
        public var newClassShare: FamilyRange?
    }

    /// The subfamily names in file order.
    public var subfamilyNames: [String] { subfamilies.map(\.name) }
}

/// A closed interval (or one value) a family draws from: uniformly, or uniformly in log space
/// (`scale: log`). Integer ranges draw every integer in `min...max` with equal probability.
public struct FamilyRange: Sendable, Equatable, CustomStringConvertible {
    public var min: Double
    public var max: Double
    public var logScale: Bool

    public init(min: Double, max: Double, logScale: Bool = false) {
        self.min = min
        self.max = max
        self.logScale = logScale
    }

    /// One value: `min` when the range is a point.
    public func draw(_ rng: inout RandomSource) -> Double {
        guard max > min else { return min }
        let u = rng.nextDouble()
        if logScale { return exp(log(min) + u * (log(max) - log(min))) }
        return min + u * (max - min)
    }

    /// One integer in `min...max` (both rounded), every one equally likely.
    public func drawInt(_ rng: inout RandomSource) -> Int {
        let lo = Int(min.rounded()), hi = Int(max.rounded())
        guard hi > lo else { return lo }
        return lo + rng.nextInt(below: hi - lo + 1)
    }

    /// True if `x` lies in the range.
    public func contains(_ x: Double) -> Bool { x >= min && x <= max }

    public var description: String {
        min == max ? "\(min)" : "\(min)…\(max)" + (logScale ? " (log)" : "")
    }
}
