import Foundation
@testable import PolicyRuntime

/// A random but valid policy shaped like the agent's default: 18 observations, two tanh layers of
/// 16 (small, to keep fixtures small), heads of 5 learning rates, 4 batch sizes, 3 retrain choices.
/// With `learningRateHead: .steps` the first head has 3 outputs (down, stay, up).
func samplePolicy(seed: UInt64 = 1, hidden: [Int] = [16, 16], activation: String = "tanh",
                  learningRateHead: LearningRateHead = .bins, batchSizeHead: BatchSizeHead = .bins) -> PolicyDocument {
    var rng = SplitMix64(seed: seed)
    func uniform(_ scale: Double) -> Float { Float((rng.nextUnit() * 2 - 1) * scale) }
    let names = ["metric", "metric_change", "gap_to_best", "loss", "loss_trend", "adwin_change", "ddm_state",
                 "page_hinkley", "max_psi", "ks_scores", "confidence", "entropy", "label_rate",
                 "periods_since_retrain", "log_lr", "log2_batch", "compute_used", "episode_progress"]
    let signed: Set = ["metric_change", "loss_trend"]
    let features = names.map { ObservationSchema.Feature(name: $0, lower: signed.contains($0) ? -1 : 0, upper: 1) }
    let n = features.count
    var layers: [PolicyDocument.Layer] = []
    var width = n
    for h in hidden {
        layers.append(.init(inputs: width, outputs: h, weights: (0..<(width * h)).map { _ in uniform(0.6) },
                            bias: (0..<h).map { _ in uniform(0.1) }))
        width = h
    }
    let actions = ActionBins(learningRates: [0.001, 0.003, 0.01, 0.03, 0.1], batchSizes: [8, 32, 128, 512],
                              retrainChoices: RetrainDecision.allCases, learningRateHead: learningRateHead,
                              batchSizeHead: batchSizeHead)
    let outputs = actions.headSizes.reduce(0, +)
    let heads = PolicyDocument.Layer(inputs: width, outputs: outputs, weights: (0..<(width * outputs)).map { _ in uniform(1) },
                                     bias: (0..<outputs).map { _ in uniform(0.2) })
    return PolicyDocument(
        observationSchema: .init(version: 1, features: features),
        normalization: .init(mean: (0..<n).map { _ in Double(uniform(0.3)) }, variance: (0..<n).map { _ in 0.01 + Double(abs(uniform(0.2))) },
                             epsilon: 1e-8, clip: 10),
        actions: actions,
        network: .init(activation: activation, hidden: layers, heads: heads),
        fallback: .init(learningRateBin: 2, batchSizeBin: 1),
        provenance: .init(environment: "network-diagnosis", scenario: "test", algorithm: "ppo", seeds: [1, 2],
                          gitCommit: "0000000", toolVersion: "0.1.0", evaluationMeanReward: 0.8, evaluationStdReward: 0.01,
                          evaluationEpisodes: 10))
}

/// Valid observations: every feature uniform in its range.
func sampleObservations(_ count: Int, for document: PolicyDocument, seed: UInt64 = 2) -> [[Float]] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        document.observationSchema.features.map { f in f.lower + Float(rng.nextUnit()) * (f.upper - f.lower) }
    }
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
}

func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
}

/// An independent forward pass (plain loops, no shared code) for the greedy decision: the index of
/// the largest logit of every head (for a `steps` learning-rate head, the move).
func referenceBins(_ doc: PolicyDocument, _ x: [Float]) -> [Int] {
    let n = doc.normalization
    var h: [Double] = x.indices.map { j in
        let r = 1 / (n.variance[j] + n.epsilon).squareRoot()
        let s = Float(r), t = Float(-n.mean[j] * r)
        return Double(min(max(x[j] * s + t, -n.clip), n.clip))
    }
    func affine(_ layer: PolicyDocument.Layer, _ h: [Double]) -> [Double] {
        (0..<layer.outputs).map { o in
            (0..<layer.inputs).reduce(Double(layer.bias[o])) { $0 + h[$1] * Double(layer.weights[$1 * layer.outputs + o]) }
        }
    }
    for layer in doc.network.hidden { h = affine(layer, h).map(tanh) }
    h = affine(doc.network.heads, h)
    var bins: [Int] = []
    var offset = 0
    for size in doc.actions.headSizes {
        let head = h[offset..<(offset + size)]
        bins.append(head.firstIndex(of: head.max()!)! - offset)
        offset += size
    }
    return bins
}
