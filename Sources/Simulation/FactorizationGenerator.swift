import Foundation
import Linalg

/// Click-through stream (the recommendation domain): one-hot user, one-hot item and, optionally, a
/// one-hot weekly context (`day = ⌊t⌋ mod width`); click `~ Bernoulli(sigmoid(bias + b_user + b_item
/// + scale·⟨p_user, q_item⟩ + boosts))`. Items belong to category `item mod categories`.
///
/// Drift: `decision_boundary` with `amount` rotates user preferences toward new random ones
/// (preference shift); with `category` and `boost` it adds a logit to one category (e.g. a
/// weekend effect when recurring every 7); `feature_distribution` promotes `items` random items per
/// occurrence (they take `share` of impressions and gain `boost`); `new_items` brings in the last
/// `count` items with `share` of impressions and no history.
public struct FactorizationGenerator: StreamGenerator {
    public let featureCount: Int
    public var classCount: Int { 2 }
    private let users: Int, items: Int, contextWidth: Int
    private let initialItems: Int, categories: Int
    private let bias: Float, scale: Float
    private let userBias: [Float], itemBias: [Float]
    private let userPrefs: [Float], newUserPrefs: [Float], itemFactors: [Float]
    private let latent: Int
    private let events: [DriftEvent]
    private let structureSeed: RandomSource
    private let labelNoise: Float
    private var rng: RandomSource
    // per-block state
    private var scores: [Float]       // users × items click logits
    private var itemCumulative: [Float]

    public init(spec: EnvironmentSpec, rng: RandomSource) {
        guard case .factorization(let b, let k, let s, let bstd, let cats, let initial) = spec.labelModel else {
            preconditionFailure("factorization generator needs a factorization label model")
        }
        users = spec.features[0].width
        items = spec.features[1].width
        contextWidth = spec.features.count > 2 ? spec.features[2].width : 0
        featureCount = spec.featureCount
        initialItems = initial
        categories = cats
        bias = Float(b)
        scale = Float(s)
        latent = k
        events = spec.drift
        labelNoise = Float(spec.labels.noise)
        var st = rng.split("structure")
        structureSeed = st
        let factorStd = Float(pow(Double(k), -0.25))
        userBias = (0..<users).map { _ in Float(bstd * st.nextGaussian()) }
        itemBias = (0..<items).map { _ in Float(bstd * st.nextGaussian()) }
        userPrefs = (0..<(users * k)).map { _ in factorStd * Float(st.nextGaussian()) }
        newUserPrefs = (0..<(users * k)).map { _ in factorStd * Float(st.nextGaussian()) }
        itemFactors = (0..<(items * k)).map { _ in factorStd * Float(st.nextGaussian()) }
        scores = [Float](repeating: 0, count: users * items)
        itemCumulative = [Float](repeating: 0, count: items)
        self.rng = rng.split("samples")
    }

    private mutating func prepareBlock(at t: Double) {
        var rotation: Float = 0
        var categoryBoost = [Float](repeating: 0, count: categories)
        var exposure = (0..<items).map { $0 < initialItems ? Float(1) / Float(initialItems) : 0 }
        var itemBoost = [Float](repeating: 0, count: items)
        for e in events {
            let level = Float(e.level(at: t))
            guard level > 0 else { continue }
            let p = e.parameters
            switch e.target {
            case .decisionBoundary:
                if let a = p.amount { rotation += level * Float(a) }
                if let c = p.category, let b = p.boost { categoryBoost[c] += level * Float(b) }
            case .newItems:
                let count = p.count ?? 0, share = level * Float(p.share ?? 0.2)
                for i in 0..<initialItems { exposure[i] *= 1 - share }
                for i in (items - count)..<items { exposure[i] += share / Float(count) }
            case .featureDistribution:
                // Promoted items of this occurrence: a stable draw from the structure seed.
                var pick = structureSeed.split(UInt64(e.occurrence(at: t)) &+ RandomSource.stableHash(e.name))
                let n = min(p.items ?? 1, initialItems)
                let share = level * Float(p.share ?? 0.3)
                let total = exposure.reduce(0, +)
                for i in exposure.indices { exposure[i] *= (1 - share) / total }
                for _ in 0..<n {
                    let i = pick.nextInt(below: initialItems)
                    exposure[i] += share / Float(n)
                    itemBoost[i] += level * Float(p.boost ?? 0)
                }
            default: break
            }
        }
        var acc: Float = 0
        let total = exposure.reduce(0, +)
        for i in 0..<items {
            acc += exposure[i] / total
            itemCumulative[i] = acc
        }
        rotation = min(rotation, 1)
        for u in 0..<users {
            for i in 0..<items {
                var dot: Float = 0
                for d in 0..<latent {
                    let pu = (1 - rotation) * userPrefs[u * latent + d] + rotation * newUserPrefs[u * latent + d]
                    dot += pu * itemFactors[i * latent + d]
                }
                scores[u * items + i] = bias + userBias[u] + itemBias[i] + scale * dot
                    + categoryBoost[i % categories] + itemBoost[i]
            }
        }
    }

    public mutating func generate(start: Double, samplesPerPeriod: Int, count: Int,
                                  features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let f = featureCount
        var rng = self.rng
        var blockStart = 0
        while blockStart < count {
            let n = min(blockSize, count - blockStart)
            let t = start + Double(blockStart) / Double(samplesPerPeriod)
            prepareBlock(at: t)
            let day = contextWidth > 0 ? Int(t.rounded(.down)) % contextWidth : 0
            scores.withUnsafeBufferPointer { sc in
            itemCumulative.withUnsafeBufferPointer { cum in
                for i in blockStart..<(blockStart + n) {
                    let x = features + i * f
                    for c in 0..<f { x[c] = 0 }
                    let u = rng.nextInt(below: users)
                    let r = rng.uniform()
                    // Binary search for the item.
                    var lo = 0, hi = items - 1
                    while lo < hi {
                        let mid = (lo + hi) >> 1
                        if r < cum[mid] { hi = mid } else { lo = mid + 1 }
                    }
                    x[u] = 1
                    x[users + lo] = 1
                    if contextWidth > 0 { x[users + items + day] = 1 }
                    let y: Int32 = rng.uniform() < Kernels.sigmoid(sc[u * items + lo]) ? 1 : 0
                    labels[i] = applyLabelNoise(y, classes: 2, noise: labelNoise, rng: &rng)
                }
            }
            }
            blockStart += n
        }
        self.rng = rng
    }
}
