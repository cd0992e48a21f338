import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation
import Testing
@testable import Experiments

/// The move the evidence rule makes from the shadow gains: toward a shadow ahead by more than τ;
/// nil where both are (either move is the rule's).
private func ruleMove(up: Float, down: Float, threshold: Float) -> Int? {
    switch (up > threshold, down > threshold) {
    case (true, true): return nil
    case (true, false): return 2
    case (false, true): return 0
    case (false, false): return 1
    }
}

/// A network anchored at the evidence rule, exported as a policy file and read back, steps toward
/// a shadow that beat the live learner by more than τ and stays otherwise: at every current bin,
/// for gains on both sides of τ, on observations whose other features are drawn across their
/// ranges. Most of the network keeps its random initialization.
@Test func evidenceAnchoredNetworkFollowsTheShadowsFromTheStart() throws {
    var spec = try loadTiny().environments[0].spec
    spec.learner.shadowLearners = true
    spec.actions.learningRateHead = .steps
    let bins = spec.actionBins
    let schema = ObservationSchema.v2
    let up = try #require(schema.index(of: "shadow_gain_lr_up")), down = try #require(schema.index(of: "shadow_gain_lr_down"))
    let logLR = try #require(schema.index(of: "log_lr"))
    let tau = EvidenceAnchor.defaultThreshold
    let gains: [Float] = [-1, -0.2, -0.01, 0, tau - 0.0015, tau + 0.0015, 0.01, 0.3, 1]
    for hidden in [[64, 64], [8], [16, 16, 16]] {
        var tuned = try anchoredPolicy(spec: spec, hidden: hidden, file: "evidence.policy") { random, network in
            try EvidenceAnchor.anchored(parameters: random, network: network, actions: bins, strength: 8)
        }
        var draws = RandomSource(seed: 5)
        var checked = 0
        for current in 0..<bins.learningRates.count {
            for gUp in gains {
                for gDown in gains {
                    guard let move = ruleMove(up: gUp, down: gDown, threshold: tau) else { continue }
                    var x = schema.features.map { $0.lower + draws.nextFloat() * ($0.upper - $0.lower) }
                    x[logLR] = Float(log(Double(bins.learningRates[current]) / Double(bins.learningRates[0]))
                                     / log(Double(bins.learningRates.last!) / Double(bins.learningRates[0])))
                    x[up] = gUp
                    x[down] = gDown
                    let expected = min(max(current + move - 1, 0), bins.learningRates.count - 1)
                    #expect(tuned.decide(x).learningRateBin == expected, "hidden \(hidden) bin \(current) up \(gUp) down \(gDown)")
                    checked += 1
                }
            }
        }
        #expect(checked == 6 * (81 - 16))
    }
}

/// The anchor refuses what it cannot read: a head of bins, observation schema v1, a ReLU network.
@Test func evidenceAnchorRefusesNetworksItCannotAnchor() throws {
    var spec = try loadTiny().environments[0].spec
    spec.actions.learningRateHead = .steps
    func attempt(_ observations: Int, _ activation: Activation, _ actions: ActionBins) -> Bool {
        anchorAccepts(observations: observations, activation, actions, hidden: [8, 8]) {
            try EvidenceAnchor.anchored(parameters: $0, network: $1, actions: $2, strength: 8)
        }
    }
    var binsHead = spec.actionBins
    binsHead.learningRateHead = .bins
    #expect(attempt(ObservationSchema.v2.count, .tanh, spec.actionBins))
    #expect(!attempt(ObservationSchema.v2.count, .tanh, binsHead))
    #expect(!attempt(ObservationSchema.v1.count, .tanh, spec.actionBins))
    #expect(!attempt(ObservationSchema.v2.count, .relu, spec.actionBins))
}

/// With both heads of steps and the batch-size shadows (schema v3), each head follows its own
/// shadows from the start: the learning rate toward a better rate shadow, the batch size toward a
/// better batch shadow, independently, at every pair of current bins.
@Test func evidenceAnchorStepsBothHeadsOnTheirOwnEvidence() throws {
    var spec = try loadTiny().environments[0].spec
    spec.learner.shadowLearners = true
    spec.learner.batchShadows = true
    spec.actions.learningRateHead = .steps
    spec.actions.batchSizeHead = .steps
    let bins = spec.actionBins
    let schema = ObservationSchema.v3
    let idx = { (name: String) in try #require(schema.index(of: name)) }
    let (lrUp, lrDown, bUp, bDown) = (try idx("shadow_gain_lr_up"), try idx("shadow_gain_lr_down"),
                                      try idx("shadow_gain_batch_up"), try idx("shadow_gain_batch_down"))
    let (logLR, logBatch) = (try idx("log_lr"), try idx("log2_batch"))
    let tau = EvidenceAnchor.defaultThreshold
    let gains: [Float] = [-0.3, 0, tau + 0.0015, 0.2]
    var rng = RandomSource(seed: 17)
    let network = PolicyNetwork(architecture: NetworkArchitecture(observationSize: schema.count, actionSizes: bins.headSizes,
                                                                   hiddenSizes: [64, 64], activation: .tanh), rng: &rng)
    let anchored = try EvidenceAnchor.anchored(parameters: network.parameterVector, network: network, actions: bins, strength: 8)
    let document = try PolicyExport.document(architecture: network.architecture, parameters: anchored, normalizer: nil,
                                             spec: spec, provenance: .init(environment: spec.name))
    #expect(document.loop?.batchShadows == true && document.observationSchema == .v3)
    var tuned = TunedPolicy(document: try PolicyFile.decode(try PolicyFile.encode(document), file: "evidence.policy"))
    func scaled(_ v: Double, _ lo: Double, _ hi: Double) -> Float { Float(log(v / lo) / log(hi / lo)) }
    var draws = RandomSource(seed: 9)
    var checked = 0
    for rate in bins.learningRates.indices {
        for batch in bins.batchSizes.indices {
            for (gUp, gDown) in [(gains[2], gains[0]), (gains[0], gains[3]), (gains[1], gains[1]), (gains[0], gains[0])] {
                for (hUp, hDown) in [(gains[3], gains[1]), (gains[1], gains[2]), (gains[1], gains[0])] {
                    var x = schema.features.map { $0.lower + draws.nextFloat() * ($0.upper - $0.lower) }
                    x[logLR] = scaled(Double(bins.learningRates[rate]), Double(bins.learningRates[0]), Double(bins.learningRates.last!))
                    x[logBatch] = scaled(Double(bins.batchSizes[batch]), Double(bins.batchSizes[0]), Double(bins.batchSizes.last!))
                    (x[lrUp], x[lrDown], x[bUp], x[bDown]) = (gUp, gDown, hUp, hDown)
                    let a = tuned.decide(x)
                    let lrMove = ruleMove(up: gUp, down: gDown, threshold: tau)!, batchMove = ruleMove(up: hUp, down: hDown, threshold: tau)!
                    #expect(a.learningRateBin == min(max(rate + lrMove - 1, 0), bins.learningRates.count - 1))
                    #expect(a.batchSizeBin == min(max(batch + batchMove - 1, 0), bins.batchSizes.count - 1),
                            "rate \(rate) batch \(batch) batch gains up \(hUp) down \(hDown)")
                    checked += 1
                }
            }
        }
    }
    #expect(checked == bins.learningRates.count * bins.batchSizes.count * 12)
}

/// A batch-size head of steps needs the batch-size shadows' evidence: schema v2 is refused.
@Test func evidenceAnchorRefusesBatchStepsWithoutBatchShadows() throws {
    var spec = try loadTiny().environments[0].spec
    spec.actions.learningRateHead = .steps
    spec.actions.batchSizeHead = .steps
    let bins = spec.actionBins
    var rng = RandomSource(seed: 1)
    for (observations, accepted) in [(ObservationSchema.v2.count, false), (ObservationSchema.v3.count, true)] {
        let network = PolicyNetwork(architecture: NetworkArchitecture(observationSize: observations, actionSizes: bins.headSizes,
                                                                       hiddenSizes: [8, 8], activation: .tanh), rng: &rng)
        let result = try? EvidenceAnchor.anchored(parameters: network.parameterVector, network: network, actions: bins, strength: 8)
        #expect((result != nil) == accepted)
    }
}
