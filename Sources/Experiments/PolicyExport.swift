import Foundation
import Linalg
import PolicyGradient
import PolicyRuntime
import Simulation

/// Turns a trained policy into the versioned policy file a production learner loads
/// (`docs/policy-format.md`): the actor trunk and heads, the frozen observation statistics, the
/// environment's action bins and learner loop, and where it came from.
///
///     let doc = try PolicyExport.document(checkpoint: c, spec: spec, provenance: p)
///     try PolicyFile.write(doc, to: "network.policy")
public enum PolicyExport {
    /// The policy file content for a training checkpoint of an environment with `spec`.
    public static func document(checkpoint: TrainingCheckpoint, spec: EnvironmentSpec,
                                provenance: PolicyDocument.Provenance) throws -> PolicyDocument {
        try document(trainer: checkpoint.trainer, spec: spec, provenance: provenance)
    }

    /// The policy file content for a trainer state of an environment with `spec`.
    public static func document(trainer c: PPOCheckpoint, spec: EnvironmentSpec,
                                provenance: PolicyDocument.Provenance) throws -> PolicyDocument {
        try document(architecture: c.architecture, parameters: c.parameters,
                     normalizer: c.config.normalizeObservations ? c.normalizer : nil, spec: spec, provenance: provenance)
    }

    /// The policy file content for a network (`architecture`, `parameters`) trained on an
    /// environment with `spec`; `normalizer` is nil when observations were not normalized.
    public static func document(architecture: NetworkArchitecture, parameters p: [Float], normalizer: ObservationNormalizer?,
                                spec: EnvironmentSpec, provenance: PolicyDocument.Provenance) throws -> PolicyDocument {
        let schema = spec.loopSettings.observationSchema
        let actions = spec.actionBins
        guard architecture.observationSize == schema.count, architecture.actionSizes == actions.headSizes else {
            throw CheckpointError.mismatch(what: "policy shape for \(spec.name)",
                                           expected: "\(schema.count) observations, heads \(actions.headSizes)",
                                           found: "\(architecture.observationSize) observations, heads \(architecture.actionSizes)")
        }
        var rng = RandomSource(seed: 0)
        let network = PolicyNetwork(architecture: architecture, rng: &rng)
        let actor = network.actorParameters(p)
        func layer(_ l: DenseParameters) -> PolicyDocument.Layer {
            PolicyDocument.Layer(inputs: l.inputs, outputs: l.outputs, weights: l.weights, bias: l.bias)
        }
        let n = schema.count
        let normalization = normalizer.map {
            PolicyDocument.Normalization(mean: $0.mean, variance: $0.variance, epsilon: $0.epsilon, clip: $0.clip)
        }
            // Identity: x·1 + (−0) = x, and no clipping within Float's range.
            ?? PolicyDocument.Normalization(mean: [Double](repeating: 0, count: n), variance: [Double](repeating: 1, count: n),
                                            epsilon: 0, clip: .greatestFiniteMagnitude)
        return PolicyDocument(
            observationSchema: schema, normalization: normalization, actions: actions,
            network: .init(activation: architecture.activation.rawValue, hidden: actor.hidden.map(layer), heads: layer(actor.heads)),
            fallback: spec.defaultAction, provenance: provenance, loop: spec.loopSettings)
    }
}
