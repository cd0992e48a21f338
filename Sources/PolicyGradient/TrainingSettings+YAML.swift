import Foundation
import YAMLConfig
import Yams

extension TrainingSettings {
    /// What a training settings file is, for "file not found" messages.
    public static let expectedFile = "a training configuration (YAML)"

    /// Keys a training YAML file (and a scenario's `agent:` block) may set: snake_case names of the
    /// `PPOConfig` fields and the run options.
    public static let yamlKeys = [
        "algorithm", "steps", "learning_rate", "anneal_learning_rate", "num_envs", "num_steps", "gamma",
        "gae_lambda", "num_minibatches", "update_epochs", "normalize_advantages", "clip_coefficient",
        "clip_value_loss", "entropy_coefficient", "value_coefficient", "max_grad_norm", "target_kl", "adam_epsilon",
        "bootstrap_truncation", "normalize_observations", "observation_clip", "hidden_sizes", "activation",
        "shared_trunk", "first_bin_prior", "environment_workers", "checkpoint_interval", "evaluation_episodes",
        "evaluation_seed_start",
    ]

    /// Reads the YAML file at `path` over these settings (keys it does not mention keep their value).
    public func applying(yamlFile path: String) throws(ConfigError) -> TrainingSettings {
        try applying(yaml: try ConfigDocument.text(of: path, expected: Self.expectedFile), file: path)
    }

    /// Reads YAML text (a flat mapping, e.g. `learning_rate: 3e-4`) over these settings and validates
    /// the result; `file` only appears in error messages.
    ///
    ///     let s = try TrainingSettings.cartPole().applying(yaml: "num_envs: 8\nhidden_sizes: [32, 32]")
    public func applying(yaml: String, file: String = "<memory>") throws(ConfigError) -> TrainingSettings {
        guard let root = try ConfigDocument.root(yaml: yaml, file: file) else { return self }    // an empty file changes nothing
        var m = try ConfigMap(root, file: file, path: "")
        let s = try applying(&m)
        try m.finish()
        return s
    }

    /// Reads the `yamlKeys` that `m` sets over these settings and validates the result, pointing a
    /// rejected value at its key. Other keys are left to the caller's `m.finish()` (a scenario's
    /// `agent:` block adds `seed`).
    public func applying(_ m: inout ConfigMap) throws(ConfigError) -> TrainingSettings {
        let anyInt = Int.min...Int.max
        let anyNumber = -Double.infinity...Double.infinity
        var s = self
        var c = s.config
        if let v = try m.optionalEnumeration("algorithm", PolicyGradientAlgorithm.self) { c.algorithm = v }
        if let v = try m.optionalInt("steps", in: anyInt) { c.steps = v }
        if let v = try m.optionalDouble("learning_rate", in: anyNumber) { c.learningRate = Float(v) }
        if let v = try m.optionalBool("anneal_learning_rate") { c.annealLearningRate = v }
        if let v = try m.optionalInt("num_envs", in: anyInt) { c.numEnvs = v }
        if let v = try m.optionalInt("num_steps", in: anyInt) { c.numSteps = v }
        if let v = try m.optionalDouble("gamma", in: anyNumber) { c.gamma = v }
        if let v = try m.optionalDouble("gae_lambda", in: anyNumber) { c.gaeLambda = v }
        if let v = try m.optionalInt("num_minibatches", in: anyInt) { c.numMinibatches = v }
        if let v = try m.optionalInt("update_epochs", in: anyInt) { c.updateEpochs = v }
        if let v = try m.optionalBool("normalize_advantages") { c.normalizeAdvantages = v }
        if let v = try m.optionalDouble("clip_coefficient", in: anyNumber) { c.clipCoefficient = Float(v) }
        if let v = try m.optionalBool("clip_value_loss") { c.clipValueLoss = v }
        if let v = try m.optionalDouble("entropy_coefficient", in: anyNumber) { c.entropyCoefficient = Float(v) }
        if let v = try m.optionalDouble("value_coefficient", in: anyNumber) { c.valueCoefficient = Float(v) }
        if let v = try m.optionalDouble("max_grad_norm", in: anyNumber) { c.maxGradNorm = Float(v) }
        if let n = m.optionalNode("target_kl") {
            c.targetKL = n.null != nil ? nil : Float(try ConfigMap.double(n, file: m.file, field: m.field("target_kl"), in: anyNumber))
        }
        if let v = try m.optionalDouble("adam_epsilon", in: anyNumber) { c.adamEpsilon = Float(v) }
        if let v = try m.optionalBool("bootstrap_truncation") { c.bootstrapTruncation = v }
        if let v = try m.optionalBool("normalize_observations") { c.normalizeObservations = v }
        if let v = try m.optionalDouble("observation_clip", in: anyNumber) { c.observationClip = Float(v) }
        if let list = try m.optionalList("hidden_sizes") {
            var widths: [Int] = []
            for item in list { widths.append(try ConfigMap.int(item.node, file: m.file, field: item.field, in: anyInt)) }
            c.hiddenSizes = widths
        }
        if let v = try m.optionalEnumeration("activation", Activation.self) { c.activation = v }
        if let v = try m.optionalBool("shared_trunk") { c.sharedTrunk = v }
        if let n = m.optionalNode("first_bin_prior") {
            if n.null != nil {
                c.firstBinPrior = nil
            } else {
                var prior: [Float] = []
                for item in try ConfigMap.list(n, file: m.file, field: m.field("first_bin_prior")) {
                    prior.append(Float(try ConfigMap.double(item.node, file: m.file, field: item.field, in: anyNumber)))
                }
                c.firstBinPrior = prior
            }
        }
        if let v = try m.optionalInt("environment_workers", in: anyInt) { c.environmentWorkers = v }
        s.config = c
        if let v = try m.optionalInt("checkpoint_interval", in: anyInt) { s.checkpointInterval = v }
        if let v = try m.optionalInt("evaluation_episodes", in: anyInt) { s.evaluationEpisodes = v }
        if let v = try m.optionalInt("evaluation_seed_start", in: 0...Int.max) { s.evaluationSeedStart = UInt64(v) }
        do throws(ConfigError) {
            try s.validate(file: m.file)
        } catch {
            guard case .outOfRange(_, 0, _, let key, let value, let expected) = error else { throw error }
            // Point at the value when this mapping set it, else at the mapping's path.
            if m.node(key) != nil { throw m.outOfRange(key, value: value, expected: expected) }
            throw .outOfRange(file: m.file, line: 0, column: 0, field: m.field(key), value: value, expected: expected)
        }
        return s
    }
}
