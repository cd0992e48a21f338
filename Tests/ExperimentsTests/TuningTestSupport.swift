import Experiments
import Foundation
import Learners
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation
import Testing

/// `name` from the repository's environments, shortened to `periods` periods of `periodLength` samples.
func smallTuningEnvironment(_ name: String = "network-diagnosis", periods: Int = 6, periodLength: Int = 200) throws -> TuningEnvironment {
    var spec = try EnvironmentCatalog(directory: environmentsDirectory).load(name)
    spec.episodeLength = periods
    spec.periodLength = periodLength
    return try TuningEnvironment(spec: spec, components: .standard)
}

/// A randomly initialized tanh network for `spec`'s loop and bins with `anchor` written into it,
/// exported as a policy file and read back; checks that most of it keeps its initialization.
func anchoredPolicy(spec: EnvironmentSpec, hidden: [Int], file: String,
                    anchor: ([Float], PolicyNetwork) throws -> [Float]) throws -> TunedPolicy {
    let schema = spec.loopSettings.observationSchema, bins = spec.actionBins
    var rng = RandomSource(seed: UInt64(hidden.count * 100 + hidden[0]))
    let network = PolicyNetwork(architecture: NetworkArchitecture(observationSize: schema.count, actionSizes: bins.headSizes,
                                                                   hiddenSizes: hidden, activation: .tanh), rng: &rng)
    let random = network.parameterVector
    let anchored = try anchor(random, network)
    #expect(zip(anchored, random).filter { $0 != $1 }.count < random.count / 3, "most of the network keeps its initialization")
    let document = try PolicyExport.document(architecture: network.architecture, parameters: anchored, normalizer: nil,
                                             spec: spec, provenance: .init(environment: spec.name))
    return TunedPolicy(document: try PolicyFile.decode(try PolicyFile.encode(document), file: file))
}

/// Whether `anchor` accepts a fresh network with `observations` inputs, `activation`, `hidden`
/// layers and the heads of `actions`.
func anchorAccepts(observations: Int, _ activation: Activation, _ actions: ActionBins, hidden: [Int],
                   _ anchor: ([Float], PolicyNetwork, ActionBins) throws -> [Float]) -> Bool {
    var rng = RandomSource(seed: 1)
    let network = PolicyNetwork(architecture: NetworkArchitecture(observationSize: observations, actionSizes: actions.headSizes,
                                                                   hiddenSizes: hidden, activation: activation), rng: &rng)
    return (try? anchor(network.parameterVector, network, actions)) != nil
}
