import DriftDetection
import Foundation
import Linalg
import PolicyRuntime

extension Benchmarks {
    /// `decide` latency of the production runtime (median and p99, microseconds) for a policy of
    /// the agent's default shape on the v1 observation (18 → 64 → 64 → 6+4+3 logits, tanh),
    /// one call per observation, guardrails included.
    public func decideLatency(observations count: Int = 2_000) -> [String: Any] {
        var rng = RandomSource(seed: 5)
        let features = ObservationSchema.current.features
        let heads = [6, 4, 3]
        func layer(_ inputs: Int, _ outputs: Int) -> PolicyDocument.Layer {
            let scale = 1 / Float(inputs).squareRoot()
            return .init(inputs: inputs, outputs: outputs,
                         weights: (0..<(inputs * outputs)).map { _ in Float(rng.nextGaussian()) * scale },
                         bias: [Float](repeating: 0, count: outputs))
        }
        let document = PolicyDocument(
            observationSchema: .current,
            normalization: .init(mean: [Double](repeating: 0.3, count: features.count),
                                 variance: [Double](repeating: 0.1, count: features.count), epsilon: 1e-8, clip: 10),
            actions: .init(learningRates: [0.003, 0.01, 0.03, 0.1, 0.3, 1], batchSizes: [8, 32, 128, 512],
                           retrainChoices: RetrainDecision.allCases),
            network: .init(activation: "tanh", hidden: [layer(features.count, 64), layer(64, 64)], heads: layer(64, heads.reduce(0, +))),
            fallback: .init(learningRateBin: 2, batchSizeBin: 1), provenance: .init(environment: "bench"))
        let observations = (0..<count).map { _ in features.map { $0.lower + rng.nextFloat() * ($0.upper - $0.lower) } }
        let latency = DecisionLatency.measure(TunedPolicy(document: document), observations: observations, rounds: 5)
        return ["network": "18-64-64-(6+4+3), tanh", "calls": latency.calls,
                "median_us": (latency.medianMicroseconds * 100).rounded() / 100,
                "p99_us": (latency.p99Microseconds * 100).rounded() / 100]
    }
}
