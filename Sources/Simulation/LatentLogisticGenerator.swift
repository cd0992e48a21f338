import Foundation
import Linalg

/// Tabular stream (the network-diagnosis domain): numeric columns `mean + loading·h + std·ε`
/// driven by one latent factor `h ~ N(0,1)` per sample (line health), categorical columns one-hot,
/// label `y ~ Bernoulli(sigmoid(bias + w·x))`.
///
/// Drift: `decision_boundary` replaces some weights and the bias (a gradual one may mark its
/// samples with a category, e.g. the new firmware); `feature_distribution` shifts numeric means (in
/// standard deviations, before or after labelling) or moves a categorical mix; `class_priors`
/// moves the bias.
public struct LatentLogisticGenerator: StreamGenerator {
    public let featureCount: Int
    public var classCount: Int { 2 }

    struct Numeric { var column: Int; var mean: Float; var std: Float; var loading: Float }
    struct Categorical { var offset: Int; var base: [Float]; var current: [Float] }
    struct Event {
        var event: DriftEvent
        var deltaWeights: [Float]      // featureCount; change of label weights at full effect
        var deltaBias: Float
        var markerGroup: Int           // index into categoricals, or -1
        var markerCategory: Int
        var preShift: [Float]          // per numeric: mean shift before labelling at full effect
        var postShift: [Float]         // per numeric: after labelling (measurement interference)
        var mixGroup: Int              // categorical whose mix moves, or -1
        var mixTarget: [Float]
    }

    private var numerics: [Numeric] = []
    private var categoricals: [Categorical] = []
    private let baseWeights: [Float]
    private let baseBias: Float
    private var events: [Event] = []
    private let noise: Float
    private var rng: RandomSource
    // per-block state
    private var weights: [Float]
    private var preShift: [Float]
    private var postShift: [Float]

    public init(spec: EnvironmentSpec, rng: RandomSource) {
        self.rng = rng.split("samples")
        noise = Float(spec.labels.noise)
        let columns = EnvironmentSpec.columnNames(spec.features)
        featureCount = columns.count
        var offset = 0
        var numericIndex: [String: Int] = [:]
        var categoricalIndex: [String: Int] = [:]
        for g in spec.features {
            switch g.distribution {
            case .numeric(let m, let s, let l):
                numericIndex[g.name] = numerics.count
                numerics.append(Numeric(column: offset, mean: Float(m), std: Float(s), loading: Float(l)))
            case .categorical(_, let p):
                categoricalIndex[g.name] = categoricals.count
                categoricals.append(Categorical(offset: offset, base: p.map(Float.init), current: p.map(Float.init)))
            default: break
            }
            offset += g.width
        }
        guard case .logistic(let bias, let w) = spec.labelModel else { preconditionFailure("latent_logistic needs a logistic label model") }
        var bw = [Float](repeating: 0, count: featureCount)
        for (k, v) in w { if let c = columns.firstIndex(of: k) { bw[c] = Float(v) } }
        baseWeights = bw
        baseBias = Float(bias)
        weights = bw
        preShift = [Float](repeating: 0, count: numerics.count)
        postShift = preShift
        for e in spec.drift {
            let p = e.parameters
            var dw = [Float](repeating: 0, count: featureCount)
            for (k, v) in p.weights ?? [:] { if let c = columns.firstIndex(of: k) { dw[c] = Float(v) - bw[c] } }
            var markerGroup = -1, markerCategory = 0
            if let m = p.marker, let dot = m.firstIndex(of: "."), let gi = categoricalIndex[String(m[..<dot])],
               let c = columns.firstIndex(of: m) {
                markerGroup = gi
                markerCategory = c - categoricals[gi].offset
            }
            var pre = [Float](repeating: 0, count: numerics.count), post = pre
            for (k, v) in p.shifts ?? [:] {
                guard let i = numericIndex[k] else { continue }
                if p.affectsLabel ?? true { pre[i] = Float(v) * numerics[i].std } else { post[i] = Float(v) * numerics[i].std }
            }
            let mixGroup = p.feature.flatMap { categoricalIndex[$0] } ?? -1
            events.append(Event(event: e, deltaWeights: dw, deltaBias: p.bias.map { Float($0) - Float(bias) } ?? 0,
                                markerGroup: markerGroup, markerCategory: markerCategory, preShift: pre, postShift: post,
                                mixGroup: mixGroup, mixTarget: (p.probabilities ?? []).map(Float.init)))
        }
    }

    public mutating func generate(start: Double, samplesPerPeriod: Int, count: Int,
                                  features: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let f = featureCount
        var rng = self.rng
        var normals = NormalStream()
        // Gradual events decide per sample; at most a few, kept in a small fixed list.
        let gradual = events.indices.filter { events[$0].event.kind == .gradual }
        let table = NormalTable.values
        let nums = numerics
        let catOffsets = categoricals.map(\.offset)
        let catWidths = categoricals.map { $0.base.count }
        var blockStart = 0
        while blockStart < count {
            let n = min(blockSize, count - blockStart)
            let t = start + Double(blockStart) / Double(samplesPerPeriod)
            let bias = prepareBlock(at: t)
            // Cumulative category probabilities of this block, flattened.
            let cumulative: [Float] = categoricals.flatMap { c -> [Float] in
                var acc: Float = 0
                return c.current.map { acc += $0; return acc }
            }
            var gradualProgress: [Float] = gradual.map { Float(events[$0].event.progress(at: t)) }
            if gradualProgress.allSatisfy({ $0 == 0 }) { gradualProgress = [] }
            let pre = preShift, post = postShift
            let anyPost = post.contains { $0 != 0 }
            table.withUnsafeBufferPointer { tb in
            weights.withUnsafeBufferPointer { w in
            nums.withUnsafeBufferPointer { num in
            cumulative.withUnsafeBufferPointer { cum in
            pre.withUnsafeBufferPointer { pre in
            post.withUnsafeBufferPointer { post in
            catOffsets.withUnsafeBufferPointer { catOffsets in
            catWidths.withUnsafeBufferPointer { catWidths in
            gradualProgress.withUnsafeBufferPointer { gradualProgress in
                let tbl = tb.baseAddress!
                for i in blockStart..<(blockStart + n) {
                    let x = features + i * f
                    // Numeric columns are all written below; only the one-hot groups need clearing.
                    for g in 0..<catOffsets.count { (x + catOffsets[g]).update(repeating: 0, count: catWidths[g]) }
                    let h = normals.next(&rng, tbl)
                    for j in 0..<num.count {
                        x[num[j].column] = num[j].mean + pre[j] + num[j].loading * h + num[j].std * normals.next(&rng, tbl)
                    }
                    var base = 0
                    for g in 0..<catOffsets.count {
                        let u = rng.uniform(), width = catWidths[g]
                        var chosen = width - 1
                        for k in 0..<(width - 1) where u < cum[base + k] { chosen = k; break }
                        x[catOffsets[g] + chosen] = 1
                        base += width
                    }
                    var logit = bias
                    for c in 0..<f { logit += w[c] * x[c] }
                    for gi in 0..<gradualProgress.count where rng.uniform() < gradualProgress[gi] {
                        logit += applyGradual(gradual[gi], x)
                    }
                    let y: Int32 = rng.uniform() < Kernels.sigmoid(logit) ? 1 : 0
                    if anyPost { for j in 0..<num.count { x[num[j].column] += post[j] } }
                    labels[i] = applyLabelNoise(y, classes: 2, noise: noise, rng: &rng)
                }
            }
            }
            }
            }
            }
            }
            }
            }
            }
            blockStart += n
        }
        self.rng = rng
    }

    /// Puts one sample on the new concept of gradual event `index`: marks it, shifts it, and
    /// returns the change of its logit (post-label shifts are applied after the logit is taken).
    /// Reads the event through pointers: copying it per sample would retain its arrays.
    private func applyGradual(_ index: Int, _ x: UnsafeMutablePointer<Float>) -> Float {
        events.withUnsafeBufferPointer { all in
            let e = all.baseAddress! + index
            let s = Float(e.pointee.event.strength)
            if e.pointee.markerGroup >= 0 {
                let offset = categoricals[e.pointee.markerGroup].offset
                (x + offset).update(repeating: 0, count: categoricals[e.pointee.markerGroup].base.count)
                x[offset + e.pointee.markerCategory] = 1
            }
            return numerics.withUnsafeBufferPointer { num in
                e.pointee.preShift.withUnsafeBufferPointer { pre in
                e.pointee.postShift.withUnsafeBufferPointer { post in
                e.pointee.deltaWeights.withUnsafeBufferPointer { dw in
                    for j in 0..<num.count where pre[j] != 0 { x[num[j].column] += s * pre[j] }
                    var d = s * e.pointee.deltaBias
                    for c in 0..<featureCount { d += s * dw[c] * x[c] }
                    for j in 0..<num.count where post[j] != 0 { x[num[j].column] += s * post[j] }
                    return d
                }
                }
                }
            }
        }
    }

    /// Sets weights, shifts and categorical mixes for non-gradual events at time `t`.
    private mutating func prepareBlock(at t: Double) -> Float {
        weights = baseWeights
        var bias = baseBias
        for j in preShift.indices { preShift[j] = 0; postShift[j] = 0 }
        for g in categoricals.indices { categoricals[g].current = categoricals[g].base }
        for e in events {
            let level = Float(e.event.level(at: t))
            // Gradual events move categorical mixes smoothly; their concept change is per sample.
            if e.mixGroup >= 0, level > 0 {
                var cur = categoricals[e.mixGroup].current
                for k in cur.indices { cur[k] += level * (e.mixTarget[k] - cur[k]) }
                categoricals[e.mixGroup].current = cur
            }
            guard e.event.kind != .gradual, level > 0 else { continue }
            bias += level * e.deltaBias
            for c in weights.indices { weights[c] += level * e.deltaWeights[c] }
            for j in preShift.indices {
                preShift[j] += level * e.preShift[j]
                postShift[j] += level * e.postShift[j]
            }
        }
        return bias
    }
}
