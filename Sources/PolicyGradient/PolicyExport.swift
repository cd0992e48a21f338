import DriftDetection
import Foundation
import Linalg
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
        let schema = ObservationSchema.v1
        let actions = ActionSchema(spec: spec)
        guard architecture.observationSize == schema.count, architecture.actionSizes == actions.headSizes else {
            throw CheckpointError.mismatch(what: "policy shape for \(spec.name)",
                                           expected: "\(schema.count) observations, heads \(actions.headSizes)",
                                           found: "\(architecture.observationSize) observations, heads \(architecture.actionSizes)")
        }
        var rng = RandomSource(seed: 0)
        let network = PolicyNetwork(architecture: architecture, rng: &rng)
        network.parameterVector = p
        func layer(_ l: DenseLayer) -> PolicyDocument.Layer {
            PolicyDocument.Layer(inputs: l.input, outputs: l.output,
                                 weights: Array(p[l.weightOffset..<(l.weightOffset + l.input * l.output)]),
                                 bias: Array(p[l.biasOffset..<(l.biasOffset + l.output)]))
        }
        let n = schema.count
        let normalization = normalizer.map {
            PolicyDocument.Normalization(mean: $0.mean, variance: $0.variance, epsilon: $0.epsilon, clip: $0.clip)
        }
            // Identity: x·1 + (−0) = x, and no clipping within Float's range.
            ?? PolicyDocument.Normalization(mean: [Double](repeating: 0, count: n), variance: [Double](repeating: 1, count: n),
                                            epsilon: 0, clip: .greatestFiniteMagnitude)
        return PolicyDocument(
            observationSchema: .init(version: schema.version,
                                     features: schema.features.map { .init(name: $0.name, lower: $0.lower, upper: $0.upper) }),
            normalization: normalization,
            actions: .init(learningRates: actions.learningRates, batchSizes: actions.batchSizes,
                           retrainChoices: actions.retrainChoices.map { RetrainDecision(rawValue: $0.rawValue)! }),
            network: .init(activation: architecture.activation.rawValue, hidden: network.actorLayers.map(layer),
                           heads: layer(network.policyHead)),
            fallback: .init(learningRateBin: actions.nearestLearningRateBin(spec.learner.learningRate),
                            batchSizeBin: actions.nearestBatchSizeBin(spec.learner.batchSize), retrainBin: 0),
            provenance: provenance,
            loop: .init(model: spec.learner.model, periodLength: spec.periodLength, window: spec.learner.window,
                        labelDelay: spec.labels.delay, fineTuneEpochs: spec.learner.fineTuneEpochs,
                        retrainEpochs: spec.learner.retrainEpochs, updateOverhead: spec.costs.updateOverhead,
                        computeBudget: spec.costs.computeBudget, episodeLength: spec.episodeLength,
                        warmupPeriods: spec.warmupPeriods))
    }
}
