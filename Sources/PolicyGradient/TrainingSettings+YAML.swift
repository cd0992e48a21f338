import Foundation
import Yams

extension TrainingSettings {
    /// Keys a training YAML file may set (snake_case names of the `PPOConfig` fields and the run
    /// options).
    public static let yamlKeys = [
        "algorithm", "total_timesteps", "learning_rate", "anneal_learning_rate", "num_envs", "num_steps", "gamma",
        "gae_lambda", "num_minibatches", "update_epochs", "normalize_advantages", "clip_coefficient",
        "clip_value_loss", "entropy_coefficient", "value_coefficient", "max_grad_norm", "target_kl", "adam_epsilon",
        "bootstrap_truncation", "normalize_observations", "observation_clip", "hidden_sizes", "activation",
        "shared_trunk", "first_bin_prior", "environment_workers", "checkpoint_interval", "evaluation_episodes", "evaluation_seed_start",
    ]

    /// Reads the YAML file at `path` over these settings (keys it does not mention keep their value).
    public func applying(yamlFile path: String) throws -> TrainingSettings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TrainingConfigError.fileNotFound(path: path)
        }
        return try applying(yaml: text, file: path)
    }

    /// Reads YAML text (a flat mapping, e.g. `learning_rate: 3e-4`) over these settings and validates
    /// the result; `file` only appears in error messages.
    ///
    ///     let s = try TrainingSettings.cartPole().applying(yaml: "num_envs: 8\nhidden_sizes: [32, 32]")
    public func applying(yaml: String, file: String = "<memory>") throws -> TrainingSettings {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            throw TrainingConfigError.syntax(file: file, line: 0, column: 0, problem: "\(e)")
        }
        guard let root else { return self }     // an empty file changes nothing
        guard let mapping = root.mapping else {
            throw TrainingConfigError.wrongType(file: file, line: root.mark?.line ?? 1, key: "document",
                                                expected: "a mapping of hyperparameters", found: Self.describe(root))
        }
        var s = self
        var lines: [String: Int] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            let line = keyNode.mark?.line ?? 0
            lines[key] = line
            let v = YAMLValue(node: value, file: file, line: line, key: key)
            switch key {
            case "algorithm":
                guard let a = PolicyGradientAlgorithm(rawValue: try v.string()) else { throw v.wrong("ppo or reinforce") }
                s.config.algorithm = a
            case "total_timesteps": s.config.totalTimesteps = try v.int()
            case "learning_rate": s.config.learningRate = Float(try v.double())
            case "anneal_learning_rate": s.config.annealLearningRate = try v.bool()
            case "num_envs": s.config.numEnvs = try v.int()
            case "num_steps": s.config.numSteps = try v.int()
            case "gamma": s.config.gamma = try v.double()
            case "gae_lambda": s.config.gaeLambda = try v.double()
            case "num_minibatches": s.config.numMinibatches = try v.int()
            case "update_epochs": s.config.updateEpochs = try v.int()
            case "normalize_advantages": s.config.normalizeAdvantages = try v.bool()
            case "clip_coefficient": s.config.clipCoefficient = Float(try v.double())
            case "clip_value_loss": s.config.clipValueLoss = try v.bool()
            case "entropy_coefficient": s.config.entropyCoefficient = Float(try v.double())
            case "value_coefficient": s.config.valueCoefficient = Float(try v.double())
            case "max_grad_norm": s.config.maxGradNorm = Float(try v.double())
            case "target_kl": s.config.targetKL = v.isNull ? nil : Float(try v.double())
            case "adam_epsilon": s.config.adamEpsilon = Float(try v.double())
            case "bootstrap_truncation": s.config.bootstrapTruncation = try v.bool()
            case "normalize_observations": s.config.normalizeObservations = try v.bool()
            case "observation_clip": s.config.observationClip = Float(try v.double())
            case "hidden_sizes":
                guard let items = value.sequence else { throw v.wrong("a list of layer widths, e.g. [64, 64]") }
                s.config.hiddenSizes = try items.map { try YAMLValue(node: $0, file: file, line: line, key: key).int() }
            case "activation":
                guard let a = Activation(rawValue: try v.string()) else { throw v.wrong("tanh or relu") }
                s.config.activation = a
            case "shared_trunk": s.config.sharedTrunk = try v.bool()
            case "first_bin_prior":
                if v.isNull { s.config.firstBinPrior = nil; break }
                guard let items = value.sequence else { throw v.wrong("a list with one number per action head, e.g. [0, 0, 2]") }
                s.config.firstBinPrior = try items.map { Float(try YAMLValue(node: $0, file: file, line: line, key: key).double()) }
            case "environment_workers": s.config.environmentWorkers = try v.int()
            case "checkpoint_interval": s.checkpointInterval = try v.int()
            case "evaluation_episodes": s.evaluationEpisodes = try v.int()
            case "evaluation_seed_start":
                let n = try v.int()
                guard n >= 0 else { throw v.wrong("a seed ≥ 0") }
                s.evaluationSeedStart = UInt64(n)
            default:
                throw TrainingConfigError.unknownKey(file: file, line: line, key: key, allowed: Self.yamlKeys)
            }
        }
        do {
            try s.validate(file: file)
        } catch TrainingConfigError.invalid(let f, nil, let key, let value, let expected) {
            // Point at the key when the file set it.
            throw TrainingConfigError.invalid(file: f, line: lines[key], key: key, value: value, expected: expected)
        }
        return s
    }

    static func describe(_ n: Node) -> String {
        switch n {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return "'\(s.string)'"
        case .alias: return "an alias"
        }
    }
}

/// One YAML value with where it came from, read as a typed scalar.
private struct YAMLValue {
    let node: Node
    let file: String
    let line: Int
    let key: String

    func wrong(_ expected: String) -> TrainingConfigError {
        .wrongType(file: file, line: line, key: key, expected: expected, found: TrainingSettings.describe(node))
    }
    var isNull: Bool { node.null != nil }
    func string() throws -> String {
        guard let s = node.scalar?.string else { throw wrong("a string") }
        return s
    }
    func int() throws -> Int {
        guard node.scalar != nil, let i = node.int else { throw wrong("an integer") }
        return i
    }
    func double() throws -> Double {
        guard node.scalar != nil, node.bool == nil, let d = node.float else { throw wrong("a number") }
        return d
    }
    func bool() throws -> Bool {
        guard node.scalar != nil, let b = node.bool else { throw wrong("true or false") }
        return b
    }
}
