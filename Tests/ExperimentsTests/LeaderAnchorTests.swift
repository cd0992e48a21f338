import DriftDetection
import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import ProductionLearner
import Simulation
import Testing
@testable import Experiments

/// A network anchored at the leader rule, exported as a policy file and read back, serves the
/// leader's expert without retraining from the start: for the leader at every learning-rate × batch
/// bin, on observations whose other features are drawn across their ranges. Most of the network
/// keeps its random initialization.
@Test func leaderAnchoredNetworkServesTheLeaderFromTheStart() throws {
    var spec = try loadTiny().environments[0].spec
    spec.learner.experts = true
    let bins = spec.actionBins
    let schema = ObservationSchema.v4
    #expect(spec.loopSettings.observationSchema == schema)
    let lrAt = try #require(schema.index(of: "leader_log_lr")), batchAt = try #require(schema.index(of: "leader_log2_batch"))
    let context = PolicyContext(schema: schema, actions: bins, defaultAction: spec.defaultAction, nextPeriod: 1, episodeLength: 50)
    for hidden in [[64, 64], [16], [32, 32, 32]] {
        var tuned = try anchoredPolicy(spec: spec, hidden: hidden, file: "leader.policy") { random, network in
            try LeaderAnchor.anchored(parameters: random, network: network, actions: bins, strength: 8)
        }
        var draws = RandomSource(seed: 9)
        var checked = 0
        for l in bins.learningRates.indices {
            for b in bins.batchSizes.indices {
                for _ in 0..<20 {
                    var x = schema.features.map { $0.lower + draws.nextFloat() * ($0.upper - $0.lower) }
                    x[lrAt] = ControlState.scaledLogLearningRate(bins.learningRates[l], range: bins.learningRateRange)
                    x[batchAt] = ControlState.scaledLogBatchSize(bins.batchSizes[b], range: bins.batchSizeRange)
                    let expected = LeaderRule().decide(x, context: context)
                    #expect(expected.learningRateBin == l && expected.batchSizeBin == b)
                    #expect(tuned.decide(x) == expected, "hidden \(hidden) leader at lr bin \(l), batch bin \(b)")
                    checked += 1
                }
            }
        }
        #expect(checked == 20 * bins.learningRates.count * bins.batchSizes.count)
    }
}

/// The anchor refuses what it cannot read: steps heads, observation schema v2, a ReLU network.
@Test func leaderAnchorRefusesNetworksItCannotAnchor() throws {
    let spec = try loadTiny().environments[0].spec
    func attempt(_ observations: Int, _ activation: Activation, _ actions: ActionBins) -> Bool {
        anchorAccepts(observations: observations, activation, actions, hidden: [16, 16]) {
            try LeaderAnchor.anchored(parameters: $0, network: $1, actions: $2, strength: 8)
        }
    }
    var steps = spec.actionBins
    steps.learningRateHead = .steps
    #expect(attempt(ObservationSchema.v4.count, .tanh, spec.actionBins))
    #expect(!attempt(ObservationSchema.v4.count, .tanh, steps))
    #expect(!attempt(ObservationSchema.v2.count, .tanh, spec.actionBins))
    #expect(!attempt(ObservationSchema.v4.count, .relu, spec.actionBins))
}
