import Foundation

/// A loaded, validated policy that turns observations into concrete decisions. This is what a
/// production learner links: it depends on nothing but the standard library and Foundation.
///
///     var policy = try TunedPolicy.load("network.policy", expectingSchema: 1)
///     let a = policy.decide(observation)    // bins of policy.document.actions, and a.retrain
///
/// Guardrails: an observation of the wrong length, or with a NaN, infinite or out-of-range value,
/// never reaches the network; the policy answers with the file's fallback decision and counts it
/// in `fallbackCounts`.
public struct TunedPolicy: TuningPolicy {
    public let document: PolicyDocument
    public var name: String { "policy" }
    /// Why the last decision was the fallback, or nil when the network decided.
    public private(set) var lastFallback: FallbackReason?
    /// Decisions made so far, fallbacks included.
    public private(set) var decisionCount = 0
    /// How often each guardrail fired.
    public private(set) var fallbackCounts: [FallbackReason: Int] = [:]

    private let scale: [Float]
    private let shift: [Float]
    private let tolerance: Float = 1e-4
    private var rng: SplitMix64
    /// The network's layers (hidden, then heads) with weights widened to `Double` once.
    private let layers: [WideLayer]
    private let relu: Bool
    private let headSizes: [Int]
    /// Where the observation reports the learning rate the last period ran (`steps` head only).
    private let logLRIndex: Int?
    private let log2BatchIndex: Int?

    /// Wraps a validated document. `seed` drives sampled decisions only.
    public init(document: PolicyDocument, seed: UInt64 = 0) {
        self.document = document
        let norm = document.normalization
        // Same arithmetic as the trainer's normalizer, so inputs match it bit for bit.
        let inverseStd = norm.variance.map { 1 / ($0 + norm.epsilon).squareRoot() }
        scale = inverseStd.map { Float($0) }
        shift = zip(norm.mean, inverseStd).map { mean, s in Float(-mean * s) }
        rng = SplitMix64(seed: seed)
        layers = (document.network.hidden + [document.network.heads]).map(WideLayer.init)
        relu = document.network.activation == "relu"
        headSizes = document.actions.headSizes
        logLRIndex = document.observationSchema.index(of: "log_lr")
        log2BatchIndex = document.observationSchema.index(of: "log2_batch")
    }

    /// Reads, verifies and validates the file at `path`. With `expectingSchema`, refuses a policy
    /// whose observation schema version differs from the one the caller produces; with
    /// `expectingFeatures`, also refuses different feature names or order.
    public static func load(_ path: String, expectingSchema version: Int? = nil, expectingFeatures names: [String]? = nil,
                            seed: UInt64 = 0) throws -> TunedPolicy {
        let document = try PolicyFile.read(path)
        let schema = document.observationSchema
        if let version, schema.version != version {
            throw PolicyFileError.schemaVersionMismatch(file: path, policy: schema.version, expected: version)
        }
        if let names {
            for i in 0..<max(names.count, schema.features.count) {
                let policyName = i < schema.features.count ? schema.features[i].name : "(none)"
                let expected = i < names.count ? names[i] : "(none)"
                if policyName != expected {
                    throw PolicyFileError.schemaFeatureMismatch(file: path, index: i, policy: policyName, expected: expected)
                }
            }
        }
        return TunedPolicy(document: document, seed: seed)
    }

    /// Reads a policy for a loop built from the file's own loop settings (`drifttune learn`): its
    /// observation schema must be the one that loop produces (v2 with shadow learners, else v1).
    public static func loadForOwnLoop(_ path: String, seed: UInt64 = 0) throws -> TunedPolicy {
        let policy = try load(path, seed: seed)
        try policy.requireOwnLoopSchema(file: path)
        return policy
    }

    /// Refuses a policy whose observation schema is not the one its own loop produces (v2 with
    /// shadow learners, v1 without or when the file has no loop).
    public func requireOwnLoopSchema(file: String) throws {
        let expected = document.loop?.observationSchema ?? .v1
        let schema = document.observationSchema
        if schema.version != expected.version {
            throw PolicyFileError.schemaVersionMismatch(file: file, policy: schema.version, expected: expected.version)
        }
        for i in 0..<max(expected.count, schema.count) where (i < schema.count ? schema.features[i].name : "(none)") != (i < expected.count ? expected.features[i].name : "(none)") {
            throw PolicyFileError.schemaFeatureMismatch(file: file, index: i, policy: i < schema.count ? schema.features[i].name : "(none)",
                                                        expected: i < expected.count ? expected.features[i].name : "(none)")
        }
    }

    /// Observation features in the order `decide` expects them.
    public var featureNames: [String] { document.observationSchema.features.map(\.name) }

    /// The action for one observation (in schema order), in bins of `document.actions` (a `steps`
    /// head moves from the learning rate the observation's `log_lr` reports). Greedy
    /// (most probable bin per head) unless `sample` is true, in which case each head's bin is drawn
    /// from its distribution.
    public mutating func decide(_ observation: [Float], sample: Bool = false) -> TuningAction {
        decisionCount += 1
        if let reason = problem(with: observation) {
            fallbackCounts[reason, default: 0] += 1
            lastFallback = reason
            return document.fallback
        }
        lastFallback = nil
        let logits = self.logits(normalized(observation))
        var bins = [0, 0, 0]
        var offset = 0
        for (h, size) in headSizes.enumerated() {
            bins[h] = sample ? draw(from: Array(logits[offset..<(offset + size)])) : Self.argmax(logits, offset, size)
            offset += size
        }
        // Validation guarantees a `steps` policy's schema has log_lr.
        let current = logLRIndex.map { document.actions.learningRateBin(logLRFeature: observation[$0]) } ?? 0
        // Validation guarantees a batch `steps` policy's schema has log2_batch.
        let currentBatch = log2BatchIndex.map { document.actions.batchSizeBin(log2BatchFeature: observation[$0]) } ?? 0
        return document.actions.action(bins: bins, currentLearningRateBin: current, currentBatchSizeBin: currentBatch)
    }

    /// The decision protocol: greedy. The context's bins must be this policy's (the simulator and
    /// the production learner run a loaded policy with `document.actions`).
    public mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        decide(observation)
    }

    /// The action for an observation given by feature name; a missing name is a fallback.
    public mutating func decide(named values: [String: Double], sample: Bool = false) -> TuningAction {
        var observation: [Float] = []
        for name in featureNames {
            guard let v = values[name] else {
                decisionCount += 1
                fallbackCounts[.missingValue, default: 0] += 1
                lastFallback = .missingValue
                return document.fallback
            }
            observation.append(Float(v))
        }
        return decide(observation, sample: sample)
    }

    /// Every head's logits for an observation already known to be valid (in `Double`).
    public func logits(forValid observation: [Float]) -> [Double] { logits(normalized(observation)) }

    private func problem(with observation: [Float]) -> FallbackReason? {
        let features = document.observationSchema.features
        guard observation.count == features.count else { return .wrongLength }
        for (x, f) in zip(observation, features) {
            guard x.isFinite else { return .nonFinite }
            if x < f.lower - tolerance || x > f.upper + tolerance { return .outOfRange }
        }
        return nil
    }

    private func normalized(_ x: [Float]) -> [Float] {
        let c = document.normalization.clip
        return (0..<x.count).map { j in min(max(x[j] * scale[j] + shift[j], -c), c) }
    }

    private func logits(_ input: [Float]) -> [Double] {
        var x = input.map(Double.init)
        for (l, layer) in layers.enumerated() {
            x = layer.apply(x)
            if l < layers.count - 1 {
                for j in x.indices { x[j] = relu ? max(x[j], 0) : tanh(x[j]) }
            }
        }
        return x
    }

    /// Index of the largest of `values[offset..<offset+count]`, relative to `offset`; the first of equal maxima.
    private static func argmax(_ values: [Double], _ offset: Int, _ count: Int) -> Int {
        var best = 0
        for i in 1..<count where values[offset + i] > values[offset + best] { best = i }
        return best
    }

    private mutating func draw(from logits: [Double]) -> Int {
        let top = logits.max() ?? 0
        let weights = logits.map { exp($0 - top) }
        var u = rng.nextUnit() * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.count - 1
    }
}

/// Why an observation was not trusted.
public enum FallbackReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case wrongLength = "wrong_length"
    case missingValue = "missing_value"
    case nonFinite = "non_finite"
    case outOfRange = "out_of_range"
    public var description: String { rawValue }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the sampler's tiny seeded generator.
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// A dense layer with `Double` weights: y = b + Σᵢ xᵢ·W[i, :], summed in input order (the order the
/// reference loader and the fixtures use).
private struct WideLayer: Sendable {
    let inputs: Int
    let outputs: Int
    let weights: [Double]
    let bias: [Double]

    init(_ layer: PolicyDocument.Layer) {
        inputs = layer.inputs
        outputs = layer.outputs
        weights = layer.weights.map(Double.init)
        bias = layer.bias.map(Double.init)
        precondition(inputs >= 0 && outputs >= 0 && weights.count == inputs * outputs && bias.count == outputs,
                     "policy layer shape: validate the document first (PolicyFile.read / decode)")
    }

    func apply(_ x: [Double]) -> [Double] {
        precondition(x.count == inputs, "policy layer input: \(x.count) values for \(inputs) inputs")
        var y = bias
        let n = outputs
        y.withUnsafeMutableBufferPointer { py in
            weights.withUnsafeBufferPointer { pw in
                x.withUnsafeBufferPointer { px in
                    for i in 0..<inputs where px[i] != 0 {
                        let xi = px[i], row = pw.baseAddress! + i * n
                        for o in 0..<n { py[o] += xi * row[o] }
                    }
                }
            }
        }
        return y
    }
}
