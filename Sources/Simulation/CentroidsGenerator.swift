import Foundation
import Linalg

/// Embedding-like stream (the intent-recognition domain): class `y` drawn from the priors, features
/// `centroid[y] + noise · ε`. Centroids are random with typical pairwise distance `separation`.
///
/// Drift: `feature_distribution` moves every centroid toward a random alternative by `amount ×
/// separation / √2` (vocabulary shift); `class_priors` multiplies the priors of some classes by
/// `factor` (campaign seasons); `new_classes` brings in the last `count` classes with `share` of the
/// stream at full effect.
public struct CentroidsGenerator: StreamGenerator {
    public let featureCount: Int
    public let classCount: Int
    private let initialClasses: Int
    private let noiseStd: Float
    private let basePriors: [Float]
    private let baseCentroids: [Float]   // classCount × featureCount
    private let shiftDirections: [Float] // classCount × featureCount
    private let events: [DriftEvent]
    private let labelNoise: Float
    private var rng: RandomSource
    private var centroids: [Float]
    private var cumulative: [Float]

    public init(spec: EnvironmentSpec, rng: RandomSource) {
        guard case .centroids(let k, let initial, let separation, let noise, let zipf) = spec.labelModel else {
            preconditionFailure("centroids generator needs a centroids label model")
        }
        featureCount = spec.featureCount
        classCount = k
        initialClasses = initial
        noiseStd = Float(noise)
        labelNoise = Float(spec.labels.noise)
        events = spec.drift
        // Zipf priors over the initial classes; new classes get theirs from the new_classes event.
        basePriors = (0..<k).map { $0 < initial ? Float(1 / pow(Double($0 + 1), zipf)) : 0 }
        var structure = rng.split("structure")
        let sigma = Float(separation / (2 * Double(featureCount)).squareRoot())
        baseCentroids = (0..<(k * featureCount)).map { _ in sigma * Float(structure.nextGaussian()) }
        shiftDirections = (0..<(k * featureCount)).map { _ in sigma * Float(structure.nextGaussian()) }
        centroids = baseCentroids
        cumulative = [Float](repeating: 0, count: k)
        self.rng = rng.split("samples")
    }

    /// Class priors at time `t` (normalized).
    func priors(at t: Double) -> [Float] {
        var p = basePriors
        for e in events {
            let level = Float(e.level(at: t))
            guard level > 0 else { continue }
            switch e.target {
            case .classPriors:
                let factor = Float(e.parameters.factor ?? 1)
                for c in e.parameters.classes ?? [] where c < classCount { p[c] *= 1 + level * (factor - 1) }
            case .newClasses:
                let count = e.parameters.count ?? 0
                let share = Float(e.parameters.share ?? 0.25) * level
                let current = p.reduce(0, +)
                // The new classes take `share` of the total mass, split evenly.
                for c in (classCount - count)..<classCount {
                    p[c] += share / (1 - min(share, 0.999)) * current / Float(count)
                }
            default: break
            }
        }
        let total = p.reduce(0, +)
        return total > 0 ? p.map { $0 / total } : p.map { _ in 1 / Float(classCount) }
    }

    private mutating func prepareBlock(at t: Double) {
        var amount: Float = 0
        for e in events where e.target == .featureDistribution { amount += Float(e.level(at: t) * (e.parameters.amount ?? 0)) }
        if amount == 0 {
            centroids = baseCentroids
        } else {
            for i in centroids.indices { centroids[i] = baseCentroids[i] + amount * shiftDirections[i] }
        }
        var acc: Float = 0
        for (c, p) in priors(at: t).enumerated() {
            acc += p
            cumulative[c] = acc
        }
    }

    public mutating func generate(start: Double, samplesPerPeriod: Int, count: Int,
                                  features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let f = featureCount, k = classCount
        var rng = self.rng
        var normals = NormalStream()
        let table = NormalTable.values
        var blockStart = 0
        while blockStart < count {
            let n = min(blockSize, count - blockStart)
            prepareBlock(at: start + Double(blockStart) / Double(samplesPerPeriod))
            table.withUnsafeBufferPointer { tb in
            centroids.withUnsafeBufferPointer { cen in
            cumulative.withUnsafeBufferPointer { cum in
                let tbl = tb.baseAddress!
                for i in blockStart..<(blockStart + n) {
                    let u = rng.uniform()
                    var y = k - 1
                    for c in 0..<(k - 1) where u < cum[c] { y = c; break }
                    let x = features + i * f
                    let mu = cen.baseAddress! + y * f
                    for j in 0..<f { x[j] = mu[j] + noiseStd * normals.next(&rng, tbl) }
                    labels[i] = applyLabelNoise(Int32(y), classes: k, noise: labelNoise, rng: &rng)
                }
            }
            }
            }
            blockStart += n
        }
        self.rng = rng
    }
}
