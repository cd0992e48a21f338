import Foundation
import Linalg
import PolicyGradient
import Testing

/// Which term of the PPO objective a gradient check isolates.
enum LossTerm: String, CaseIterable, Sendable {
    case clippedSurrogate, valueLoss, clippedValueLoss, entropy, unclippedSurrogate
}

/// Runs the analytic (BLAS network + PPOLoss) and numeric (Double reference, central differences)
/// gradients of one loss term and returns the worst relative error over sampled parameters.
func gradientCheck(_ term: LossTerm, architecture: NetworkArchitecture, seed: UInt64) -> (maxRelativeError: Double, checked: Int) {
    var rng = RandomSource(seed: seed)
    let net = PolicyNetwork(architecture: architecture, rng: &rng)
    net.parameterVector = (0..<net.parameterCount).map { _ in Float(rng.nextGaussian() * 0.5) }
    let reference = ReferenceNetwork(architecture: architecture)
    let params = net.parameterVector.map(Double.init)
    let batch = 12, d = architecture.observationSize
    let observations = (0..<(batch * d)).map { _ in Float(rng.nextGaussian()) }

    var samples: [ReferenceNetwork.Sample] = []
    for b in 0..<batch {
        let x = (0..<d).map { Double(observations[b * d + $0]) }
        let (z, v) = reference.forward(x, params)
        let lp = reference.logSoftmax(z)
        let action = architecture.actionSizes.map { rng.nextInt(below: $0) }
        var logp = 0.0, offset = 0
        for (h, n) in architecture.actionSizes.enumerated() { logp += lp[offset + action[h]]; offset += n }
        // Old log-probs off by up to ±0.6 so some ratios fall outside [0.8, 1.2] and get clipped.
        let usesAdvantage = term == .clippedSurrogate || term == .unclippedSurrogate
        samples.append(.init(
            observation: x, action: action, oldLogProb: logp + (rng.nextDouble() - 0.5) * 1.2,
            advantage: usesAdvantage ? rng.nextGaussian() : 0, ret: v + rng.nextGaussian(),
            oldValue: v + (rng.nextDouble() - 0.5) * 0.8))
    }
    let clip: Double? = term == .unclippedSurrogate ? nil : 0.2
    let valueClip: Double? = term == .clippedValueLoss ? 0.2 : nil
    let c1: Double = term == .valueLoss || term == .clippedValueLoss ? 1 : 0
    let c2: Double = term == .entropy ? 1 : 0

    let loss = PPOLoss(clipCoefficient: clip.map(Float.init), valueClip: valueClip.map(Float.init),
                       entropyCoefficient: Float(c2), valueCoefficient: Float(c1), actionSizes: architecture.actionSizes)
    net.forward(observations, batch: batch)
    let actions = samples.flatMap { $0.action.map(Int32.init) }
    var dLogits = [Float](repeating: 0, count: batch * architecture.logitCount)
    var dValues = [Float](repeating: 0, count: batch)
    let terms = loss.evaluate(
        batch: batch, logProbs: net.logProbs.baseAddress!, probabilities: net.probabilities.baseAddress!,
        values: net.values.baseAddress!, actions: actions, oldLogProbs: samples.map { Float($0.oldLogProb) },
        advantages: samples.map { Float($0.advantage) }, returns: samples.map { Float($0.ret) },
        oldValues: samples.map { Float($0.oldValue) }, dLogits: &dLogits, dValues: &dValues)
    let referenceLoss = reference.loss(params, samples: samples, clip: clip, valueClip: valueClip, c1: c1, c2: c2)
    precondition(abs(terms.total - referenceLoss) < 1e-3 * max(1, abs(referenceLoss)), "loss values disagree")
    if term == .clippedSurrogate { precondition(terms.clipFraction > 0, "no sample was clipped") }
    net.backward(dLogits: dLogits, dValues: dValues)
    let analytic = net.gradientVector.map(Double.init)

    let scale = analytic.map(abs).max()!
    var worst = 0.0, checked = 0
    let h = 1e-6
    // Every parameter of a tiny net; those whose gradient is ~0 (e.g. the other trunk) are compared
    // against the gradient scale instead of their own size.
    for i in 0..<params.count {
        var plus = params, minus = params
        plus[i] += h
        minus[i] -= h
        let numeric = (reference.loss(plus, samples: samples, clip: clip, valueClip: valueClip, c1: c1, c2: c2)
            - reference.loss(minus, samples: samples, clip: clip, valueClip: valueClip, c1: c1, c2: c2)) / (2 * h)
        let denominator = max(abs(numeric), abs(analytic[i]), 1e-2 * scale)
        worst = max(worst, abs(numeric - analytic[i]) / denominator)
        checked += 1
    }
    return (worst, checked)
}

@Test(arguments: LossTerm.allCases)
func gradientMatchesFiniteDifferences(term: LossTerm) {
    let architectures = [
        NetworkArchitecture(observationSize: 4, actionSizes: [3, 2], hiddenSizes: [6, 5]),
        NetworkArchitecture(observationSize: 3, actionSizes: [2, 3], hiddenSizes: [5], activation: .relu, sharedTrunk: true),
    ]
    for (k, architecture) in architectures.enumerated() {
        let result = gradientCheck(term, architecture: architecture, seed: 100 + UInt64(k))
        print("gradient check \(term.rawValue) arch \(k): max relative error \(result.maxRelativeError) over \(result.checked) parameters")
        #expect(result.maxRelativeError < 1e-3, "\(term) on architecture \(k)")
    }
}

@Test func lossTermsAreLoggedLikeCleanRL() {
    // Ratio 1 everywhere: no clipping, KL 0; uniform two-way policy: entropy log 2.
    let loss = PPOLoss(clipCoefficient: 0.2, valueClip: nil, entropyCoefficient: 0.01, valueCoefficient: 0.5, actionSizes: [2])
    let lp = [Float](repeating: Float(-Foundation.log(2.0)), count: 4)
    let p = [Float](repeating: 0.5, count: 4)
    var dz = [Float](repeating: 0, count: 4), dv = [Float](repeating: 0, count: 2)
    let terms = loss.evaluate(
        batch: 2, logProbs: lp, probabilities: p, values: [1, 2], actions: [0, 1],
        oldLogProbs: [lp[0], lp[0]], advantages: [1, -1], returns: [2, 2], oldValues: [1, 2],
        dLogits: &dz, dValues: &dv)
    #expect(terms.clipFraction == 0)
    #expect(abs(terms.approxKL) < 1e-7)
    #expect(abs(terms.entropy - Foundation.log(2.0)) < 1e-6)
    #expect(abs(terms.policyLoss) < 1e-7)
    #expect(abs(terms.valueLoss - 0.25) < 1e-7)
}
