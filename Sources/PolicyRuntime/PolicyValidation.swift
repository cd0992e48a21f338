/// Structural checks on a decoded policy: every shape agrees with its neighbours, every weight
/// and statistic is finite, every bin value makes sense. A document that passes can be evaluated
/// without a bounds check failing.
enum PolicyValidation {
    static func validate(_ d: PolicyDocument, file: String) throws {
        let features = d.observationSchema.features
        guard d.observationSchema.version >= 1 else {
            throw PolicyFileError.invalidValue(file: file, field: "observation_schema.version", reason: "must be at least 1")
        }
        guard !features.isEmpty else {
            throw PolicyFileError.invalidValue(file: file, field: "observation_schema.features", reason: "empty")
        }
        for (i, f) in features.enumerated() where !(f.lower.isFinite && f.upper.isFinite && f.lower <= f.upper) {
            throw PolicyFileError.invalidValue(file: file, field: "observation_schema.features[\(i)]",
                                               reason: "range [\(f.lower), \(f.upper)] is not a finite interval")
        }
        let n = features.count
        let norm = d.normalization
        try expectCount("normalization.mean", norm.mean.count, n, file)
        try expectCount("normalization.variance", norm.variance.count, n, file)
        try finite("normalization.mean", norm.mean, file)
        try finite("normalization.variance", norm.variance, file)
        if let i = norm.variance.firstIndex(where: { $0 < 0 }) {
            throw PolicyFileError.invalidValue(file: file, field: "normalization.variance[\(i)]", reason: "negative")
        }
        guard norm.epsilon.isFinite, norm.epsilon >= 0, norm.clip.isFinite, norm.clip > 0 else {
            throw PolicyFileError.invalidValue(file: file, field: "normalization", reason: "epsilon must be ≥ 0 and clip > 0, both finite")
        }

        let a = d.actions
        guard !a.learningRates.isEmpty, !a.batchSizes.isEmpty, !a.retrainChoices.isEmpty else {
            throw PolicyFileError.invalidValue(file: file, field: "actions", reason: "every head needs at least one bin")
        }
        if let i = a.learningRates.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw PolicyFileError.invalidValue(file: file, field: "actions.learning_rates[\(i)]", reason: "must be a positive finite number")
        }
        if let i = a.batchSizes.firstIndex(where: { $0 < 1 }) {
            throw PolicyFileError.invalidValue(file: file, field: "actions.batch_sizes[\(i)]", reason: "must be at least 1")
        }

        guard ["tanh", "relu"].contains(d.network.activation) else {
            throw PolicyFileError.invalidValue(file: file, field: "network.activation",
                                               reason: "\"\(d.network.activation)\" is not tanh or relu")
        }
        var width = n
        for (i, layer) in d.network.hidden.enumerated() {
            try check(layer, field: "network.hidden[\(i)]", inputs: width, file: file)
            width = layer.outputs
        }
        try check(d.network.heads, field: "network.heads", inputs: width, file: file)
        try expectCount("network.heads.outputs", d.network.heads.outputs, a.headSizes.reduce(0, +), file)

        if let loop = d.loop {
            typealias L = PolicyLimits
            try inRange("loop.period_length", loop.periodLength, 1...L.maxPeriodLength, file)
            try inRange("loop.window", loop.window, 1...L.maxWindow, file)
            try inRange("loop.label_delay", loop.labelDelay, 0...L.maxPeriodLength, file)
            try inRange("loop.fine_tune_epochs", loop.fineTuneEpochs, 0...L.maxEpochs, file)
            try inRange("loop.retrain_epochs", loop.retrainEpochs, 0...L.maxEpochs, file)
            try inRange("loop.episode_length", loop.episodeLength, 1...L.maxEpisodeLength, file)
            try inRange("loop.warmup_periods", loop.warmupPeriods, 0...L.maxWarmupPeriods, file)
            guard loop.computeBudget.isFinite, loop.computeBudget > 0, loop.computeBudget <= L.maxCompute else {
                throw PolicyFileError.invalidValue(file: file, field: "loop.compute_budget", reason: "must be in (0, \(L.maxCompute)]")
            }
            guard loop.updateOverhead.isFinite, loop.updateOverhead >= 0, loop.updateOverhead <= L.maxCompute else {
                throw PolicyFileError.invalidValue(file: file, field: "loop.update_overhead", reason: "must be in [0, \(L.maxCompute)]")
            }
            if let metric = loop.metric, !["accuracy", "macro_f1", "auc"].contains(metric) {
                throw PolicyFileError.invalidValue(file: file, field: "loop.metric",
                                                   reason: "\"\(metric.prefix(40))\" is not accuracy, macro_f1 or auc")
            }
        }
        if a.learningRateHead == .steps && d.observationSchema.index(of: "log_lr") == nil {
            throw PolicyFileError.invalidValue(file: file, field: "actions.learning_rate_head",
                                               reason: "steps move from the observation's log_lr, which this schema does not have")
        }
        if a.batchSizeHead == .steps && d.observationSchema.index(of: "log2_batch") == nil {
            throw PolicyFileError.invalidValue(file: file, field: "actions.batch_size_head",
                                               reason: "steps move from the observation's log2_batch, which this schema does not have")
        }
        let fb = d.fallback
        for (head, (bin, size)) in zip(["learning_rate_bin", "batch_size_bin"], zip([fb.learningRateBin, fb.batchSizeBin], [a.learningRates.count, a.batchSizes.count]))
        where !(0..<size).contains(bin) {
            throw PolicyFileError.invalidValue(file: file, field: "fallback.\(head)", reason: "bin \(bin) is outside 0..<\(size)")
        }
        guard a.retrainChoices.contains(fb.retrain) else {
            throw PolicyFileError.invalidValue(file: file, field: "fallback.retrain",
                                               reason: "\"\(fb.retrain.rawValue)\" is not one of actions.retrain_choices")
        }
    }

    private static func check(_ layer: PolicyDocument.Layer, field: String, inputs: Int, file: String) throws {
        try expectCount("\(field).inputs", layer.inputs, inputs, file)
        try inRange("\(field).outputs", layer.outputs, 1...PolicyLimits.maxLayerWidth, file)
        let (weights, overflow) = layer.inputs.multipliedReportingOverflow(by: layer.outputs)
        guard !overflow, weights <= PolicyLimits.maxLayerWeights else {
            throw PolicyFileError.invalidValue(file: file, field: "\(field)",
                                               reason: "inputs × outputs exceeds \(PolicyLimits.maxLayerWeights) weights")
        }
        try expectCount("\(field).weights", layer.weights.count, weights, file)
        try expectCount("\(field).bias", layer.bias.count, layer.outputs, file)
        try finite("\(field).weights", layer.weights, file)
        try finite("\(field).bias", layer.bias, file)
    }

    private static func inRange(_ field: String, _ value: Int, _ range: ClosedRange<Int>, _ file: String) throws {
        guard range.contains(value) else {
            throw PolicyFileError.invalidValue(file: file, field: field,
                                               reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    private static func expectCount(_ field: String, _ found: Int, _ expected: Int, _ file: String) throws {
        guard found == expected else { throw PolicyFileError.shape(file: file, field: field, expected: expected, found: found) }
    }

    private static func finite<T: BinaryFloatingPoint>(_ field: String, _ values: [T], _ file: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw PolicyFileError.nonFinite(file: file, field: field, index: i) }
    }
}

/// The largest values a policy file (and `drifttune learn`'s flags) may hold, checked before
/// anything is allocated or looped over. docs/policy-format.md lists them.
public enum PolicyLimits {
    /// Samples per period (`loop.period_length`, `learn --period`); also the largest `loop.label_delay`.
    public static let maxPeriodLength = 1_000_000
    /// Samples kept for a full retrain (`loop.window`).
    public static let maxWindow = 4_000_000
    /// Passes over the data per fine-tune or retrain (`loop.fine_tune_epochs`, `loop.retrain_epochs`).
    public static let maxEpochs = 1_000
    /// Periods per episode (`loop.episode_length`).
    public static let maxEpisodeLength = 1_000_000
    /// Warm-up periods (`loop.warmup_periods`, `learn --warmup`).
    public static let maxWarmupPeriods = 10_000
    /// `loop.compute_budget` and `loop.update_overhead`.
    public static let maxCompute = 1e9
    /// Outputs of one layer (`network.hidden[i].outputs`, `network.heads.outputs`).
    public static let maxLayerWidth = 65_536
    /// Weights of one layer (inputs × outputs, computed with an overflow check).
    public static let maxLayerWeights = 16_777_216
}
