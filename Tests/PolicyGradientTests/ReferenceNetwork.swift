import Foundation
import PolicyGradient

/// A naive Double-precision re-implementation of `PolicyNetwork`'s forward pass and of the PPO
/// loss, used to check the BLAS network and to take finite-difference gradients.
struct ReferenceNetwork {
    let architecture: NetworkArchitecture

    struct Layer { var input: Int, output: Int, offset: Int, activated: Bool }

    /// Same layout as `PolicyNetwork`: actor layers, policy head, critic layers, value head.
    var layers: (actor: [Layer], policy: Layer, critic: [Layer], value: Layer) {
        var offset = 0
        func layer(_ i: Int, _ o: Int, _ act: Bool) -> Layer {
            defer { offset += i * o + o }
            return Layer(input: i, output: o, offset: offset, activated: act)
        }
        let sizes = [architecture.observationSize] + architecture.hiddenSizes
        let actor = (0..<architecture.hiddenSizes.count).map { layer(sizes[$0], sizes[$0 + 1], true) }
        let last = sizes.last!
        let policy = layer(last, architecture.logitCount, false)
        let critic = architecture.sharedTrunk ? [] : (0..<architecture.hiddenSizes.count).map { layer(sizes[$0], sizes[$0 + 1], true) }
        let value = layer(last, 1, false)
        return (actor, policy, critic, value)
    }

    func apply(_ l: Layer, _ x: [Double], _ p: [Double]) -> [Double] {
        (0..<l.output).map { o in
            var s = p[l.offset + l.input * l.output + o]
            for i in 0..<l.input { s += x[i] * p[l.offset + i * l.output + o] }
            guard l.activated else { return s }
            return architecture.activation == .tanh ? Foundation.tanh(s) : max(0, s)
        }
    }

    /// Logits and value for one observation.
    func forward(_ x: [Double], _ p: [Double]) -> (logits: [Double], value: Double) {
        let ls = layers
        var h = x
        for l in ls.actor { h = apply(l, h, p) }
        let logits = apply(ls.policy, h, p)
        var c = x
        if architecture.sharedTrunk { c = h } else { for l in ls.critic { c = apply(l, c, p) } }
        return (logits, apply(ls.value, c, p)[0])
    }

    /// Per-head log-softmax.
    func logSoftmax(_ z: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: z.count)
        var offset = 0
        for n in architecture.actionSizes {
            let seg = z[offset..<(offset + n)]
            let m = seg.max()!
            let lse = m + Foundation.log(seg.reduce(0) { $0 + Foundation.exp($1 - m) })
            for j in 0..<n { out[offset + j] = z[offset + j] - lse }
            offset += n
        }
        return out
    }

    struct Sample {
        var observation: [Double]
        var action: [Int]
        var oldLogProb: Double
        var advantage: Double
        var ret: Double
        var oldValue: Double
    }

    /// The PPO total loss as `PPOLoss` defines it, in Double.
    func loss(_ p: [Double], samples: [Sample], clip: Double?, valueClip: Double?, c1: Double, c2: Double) -> Double {
        var pg = 0.0, vl = 0.0, ent = 0.0
        for s in samples {
            let (z, v) = forward(s.observation, p)
            let lp = logSoftmax(z)
            var logp = 0.0, offset = 0
            for (h, n) in architecture.actionSizes.enumerated() {
                logp += lp[offset + s.action[h]]
                for j in 0..<n { ent -= Foundation.exp(lp[offset + j]) * lp[offset + j] }
                offset += n
            }
            let ratio = Foundation.exp(logp - s.oldLogProb)
            if let eps = clip {
                pg += max(-s.advantage * ratio, -s.advantage * min(max(ratio, 1 - eps), 1 + eps))
            } else {
                pg += -s.advantage * ratio
            }
            let lu = (v - s.ret) * (v - s.ret)
            if let vc = valueClip {
                let vClipped = s.oldValue + min(max(v - s.oldValue, -vc), vc)
                vl += max(lu, (vClipped - s.ret) * (vClipped - s.ret))
            } else {
                vl += lu
            }
        }
        let n = Double(samples.count)
        return pg / n - c2 * ent / n + c1 * 0.5 * vl / n
    }
}
