import Foundation

/// The quantities one minibatch update logs, named as in the PPO paper and CleanRL.
public struct PPOLossTerms: Sendable, Equatable {
    /// Clipped surrogate loss `−E[min(r·A, clip(r, 1±ε)·A)]` (plain `−E[r·A]` without clipping).
    public var policyLoss: Double = 0
    /// `½·E[(V − R)²]`, clipped around the old values when enabled.
    public var valueLoss: Double = 0
    /// Mean policy entropy (summed over action factors).
    public var entropy: Double = 0
    /// `E[(r − 1) − log r]`, the low-variance KL estimator.
    public var approxKL: Double = 0
    /// Fraction of samples whose ratio left `[1 − ε, 1 + ε]`.
    public var clipFraction: Double = 0
    /// `policyLoss − c₂·entropy + c₁·valueLoss`.
    public var total: Double = 0
}

/// The PPO objective on one minibatch, with its gradient w.r.t. the network outputs.
///
/// Inputs are the network's `logProbs`, `probabilities` and `values` after a forward pass over the
/// minibatch, plus the rollout's actions, old log-probabilities, advantages, returns and old values.
/// Writes `∂total/∂logits` and `∂total/∂values` for `PolicyNetwork.backward`.
public struct PPOLoss: Sendable {
    /// Surrogate clipping ε; nil disables ratio clipping (REINFORCE).
    public var clipCoefficient: Float?
    /// Value clipping range around the old values; nil for the plain squared error.
    public var valueClip: Float?
    public var entropyCoefficient: Float
    public var valueCoefficient: Float
    public var actionSizes: [Int]

    public init(clipCoefficient: Float?, valueClip: Float?, entropyCoefficient: Float, valueCoefficient: Float, actionSizes: [Int]) {
        self.clipCoefficient = clipCoefficient
        self.valueClip = valueClip
        self.entropyCoefficient = entropyCoefficient
        self.valueCoefficient = valueCoefficient
        self.actionSizes = actionSizes
    }

    /// - Parameters:
    ///   - actions: `batch × actionSizes.count` chosen indices.
    ///   - dLogits: receives `batch × logitCount` gradients; `dValues` receives `batch`.
    public func evaluate(
        batch: Int, logProbs: UnsafePointer<Float>, probabilities: UnsafePointer<Float>, values: UnsafePointer<Float>,
        actions: UnsafePointer<Int32>, oldLogProbs: UnsafePointer<Float>, advantages: UnsafePointer<Float>,
        returns: UnsafePointer<Float>, oldValues: UnsafePointer<Float>,
        dLogits: UnsafeMutablePointer<Float>, dValues: UnsafeMutablePointer<Float>
    ) -> PPOLossTerms {
        let heads = actionSizes.count
        let width = actionSizes.reduce(0, +)
        let invB = 1 / Float(batch)
        let c2 = entropyCoefficient, c1 = valueCoefficient
        var pgSum = 0.0, vSum = 0.0, hSum = 0.0, klSum = 0.0, clipped = 0
        for b in 0..<batch {
            let lp = logProbs + b * width, p = probabilities + b * width, dz = dLogits + b * width
            let a = actions + b * heads
            // Joint log-probability of the factored action.
            var logp: Float = 0
            var offset = 0
            for h in 0..<heads {
                logp += lp[offset + Int(a[h])]
                offset += actionSizes[h]
            }
            let logRatio = logp - oldLogProbs[b]
            let ratio = expf(logRatio)
            let adv = advantages[b]
            klSum += Double((ratio - 1) - logRatio)
            var dLogp: Float
            if let eps = clipCoefficient {
                if abs(ratio - 1) > eps { clipped += 1 }
                let pg1 = -adv * ratio
                let pg2 = -adv * min(max(ratio, 1 - eps), 1 + eps)
                pgSum += Double(max(pg1, pg2))
                // The clipped branch is constant in θ; the unclipped one has ∂/∂log π = −A·r.
                dLogp = pg1 >= pg2 ? -adv * ratio : 0
            } else {
                pgSum += Double(-adv * ratio)
                dLogp = -adv * ratio
            }
            dLogp *= invB
            // ∂log π_h(a)/∂z_j = 1[j = a] − p_j; ∂H_h/∂z_j = −p_j (log p_j + H_h); loss has −c₂·H.
            offset = 0
            for h in 0..<heads {
                let n = actionSizes[h]
                var entropy: Float = 0
                for j in 0..<n { entropy -= p[offset + j] * lp[offset + j] }
                hSum += Double(entropy)
                let entScale = c2 * invB
                for j in 0..<n {
                    let pj = p[offset + j]
                    dz[offset + j] = -dLogp * pj + entScale * pj * (lp[offset + j] + entropy)
                }
                dz[offset + Int(a[h])] += dLogp
                offset += n
            }
            // Value loss.
            let v = values[b], ret = returns[b]
            let lossUnclipped = (v - ret) * (v - ret)
            if let vc = valueClip {
                let old = oldValues[b]
                let diff = v - old
                let vClipped = old + min(max(diff, -vc), vc)
                let lossClipped = (vClipped - ret) * (vClipped - ret)
                if lossUnclipped >= lossClipped {
                    vSum += Double(lossUnclipped)
                    dValues[b] = c1 * invB * (v - ret)
                } else {
                    vSum += Double(lossClipped)
                    dValues[b] = abs(diff) < vc ? c1 * invB * (vClipped - ret) : 0
                }
            } else {
                vSum += Double(lossUnclipped)
                dValues[b] = c1 * invB * (v - ret)
            }
        }
        let n = Double(batch)
        var terms = PPOLossTerms()
        terms.policyLoss = pgSum / n
        terms.valueLoss = 0.5 * vSum / n
        terms.entropy = hSum / n
        terms.approxKL = klSum / n
        terms.clipFraction = Double(clipped) / n
        terms.total = terms.policyLoss - Double(c2) * terms.entropy + Double(c1) * terms.valueLoss
        return terms
    }
}
