import Linalg

/// A drifting stream of labelled samples. Time is measured in periods (fractional within one);
/// drift levels are evaluated once per block of `blockSize` samples.
public protocol StreamGenerator: Sendable {
    var featureCount: Int { get }
    var classCount: Int { get }
    /// Writes `count` samples (row-major `count × featureCount`) and their observed labels.
    /// Sample `i` is at time `start + i / samplesPerPeriod`.
    mutating func generate(start: Double, samplesPerPeriod: Int, count: Int,
                           features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>)
}

/// Samples per drift-state evaluation.
let blockSize = 64

/// The three stream generators behind one concrete type, so the environment needs no existential.
public enum DomainGenerator: StreamGenerator {
    case latentLogistic(LatentLogisticGenerator)
    case centroids(CentroidsGenerator)
    case factorization(FactorizationGenerator)

    /// The generator a spec names, with its random structure (centroids, latent preferences) drawn
    /// from `rng` and its sample stream from a child of it.
    public init(spec: EnvironmentSpec, rng: RandomSource) {
        switch spec.generator {
        case .latentLogistic: self = .latentLogistic(LatentLogisticGenerator(spec: spec, rng: rng))
        case .centroids: self = .centroids(CentroidsGenerator(spec: spec, rng: rng))
        case .factorization: self = .factorization(FactorizationGenerator(spec: spec, rng: rng))
        }
    }

    public var featureCount: Int {
        switch self {
        case .latentLogistic(let g): g.featureCount
        case .centroids(let g): g.featureCount
        case .factorization(let g): g.featureCount
        }
    }

    public var classCount: Int {
        switch self {
        case .latentLogistic(let g): g.classCount
        case .centroids(let g): g.classCount
        case .factorization(let g): g.classCount
        }
    }

    public mutating func generate(start: Double, samplesPerPeriod: Int, count: Int,
                                  features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        switch self {
        case .latentLogistic(var g):
            g.generate(start: start, samplesPerPeriod: samplesPerPeriod, count: count, features: features, labels: labels)
            self = .latentLogistic(g)
        case .centroids(var g):
            g.generate(start: start, samplesPerPeriod: samplesPerPeriod, count: count, features: features, labels: labels)
            self = .centroids(g)
        case .factorization(var g):
            g.generate(start: start, samplesPerPeriod: samplesPerPeriod, count: count, features: features, labels: labels)
            self = .factorization(g)
        }
    }
}

/// Replaces each label, with probability `noise`, by a uniformly drawn different class.
@inline(__always)
func applyLabelNoise(_ y: Int32, classes: Int, noise: Float, rng: inout RandomSource) -> Int32 {
    guard noise > 0, rng.uniform() < noise else { return y }
    let other = Int32(rng.nextInt(below: classes - 1))
    return other >= y ? other + 1 : other
}
