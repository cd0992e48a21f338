/// The content of a policy file (format version 1): everything a production learner needs to turn
/// an observation into a decision, and where the policy came from. Field by field in
/// `docs/policy-format.md`; JSON keys are the snake_case names given there.
public struct PolicyDocument: Codable, Sendable, Equatable {
    /// The observation the policy reads: names, order, ranges and the schema version.
    public var observationSchema: ObservationSpec
    /// Frozen running statistics applied before the network: `clip((x − mean) / sqrt(variance + epsilon), ±clip)`.
    public var normalization: Normalization
    /// The concrete values behind each head's bins.
    public var actions: ActionBins
    /// The actor network: hidden layers, then one linear layer with every head's logits.
    public var network: Network
    /// The decision taken when an observation cannot be trusted (missing, NaN, out of range).
    public var fallback: BinChoice
    public var provenance: Provenance
    /// How the learner was run in training (period, window, epochs, prices), so that a production
    /// loop can reproduce the conditions the observations were scaled for. Optional.
    public var loop: LoopDefaults?

    public init(observationSchema: ObservationSpec, normalization: Normalization, actions: ActionBins,
                network: Network, fallback: BinChoice, provenance: Provenance, loop: LoopDefaults? = nil) {
        self.observationSchema = observationSchema
        self.normalization = normalization
        self.actions = actions
        self.network = network
        self.fallback = fallback
        self.provenance = provenance
        self.loop = loop
    }

    enum CodingKeys: String, CodingKey {
        case observationSchema = "observation_schema", normalization, actions, network, fallback, provenance, loop
    }

    /// The training environment's learner loop, recorded for the production learner.
    public struct LoopDefaults: Codable, Sendable, Equatable {
        /// Learner model: `logistic`, `softmax`, `mlp` or `fm`.
        public var model: String
        public var periodLength: Int
        public var window: Int
        public var labelDelay: Int
        public var fineTuneEpochs: Int
        public var retrainEpochs: Int
        public var updateOverhead: Double
        public var computeBudget: Double
        public var episodeLength: Int
        public var warmupPeriods: Int

        public init(model: String, periodLength: Int, window: Int, labelDelay: Int, fineTuneEpochs: Int, retrainEpochs: Int,
                    updateOverhead: Double, computeBudget: Double, episodeLength: Int, warmupPeriods: Int) {
            self.model = model
            self.periodLength = periodLength
            self.window = window
            self.labelDelay = labelDelay
            self.fineTuneEpochs = fineTuneEpochs
            self.retrainEpochs = retrainEpochs
            self.updateOverhead = updateOverhead
            self.computeBudget = computeBudget
            self.episodeLength = episodeLength
            self.warmupPeriods = warmupPeriods
        }

        enum CodingKeys: String, CodingKey {
            case model, periodLength = "period_length", window, labelDelay = "label_delay", fineTuneEpochs = "fine_tune_epochs"
            case retrainEpochs = "retrain_epochs", updateOverhead = "update_overhead", computeBudget = "compute_budget"
            case episodeLength = "episode_length", warmupPeriods = "warmup_periods"
        }
    }

    public struct ObservationSpec: Codable, Sendable, Equatable {
        public var version: Int
        public var features: [Feature]
        public init(version: Int, features: [Feature]) {
            self.version = version
            self.features = features
        }
    }

    /// One observation feature with the inclusive range its value must lie in.
    public struct Feature: Codable, Sendable, Equatable {
        public var name: String
        public var lower: Float
        public var upper: Float
        public init(name: String, lower: Float, upper: Float) {
            self.name = name
            self.lower = lower
            self.upper = upper
        }
    }

    public struct Normalization: Codable, Sendable, Equatable {
        public var mean: [Double]
        public var variance: [Double]
        public var epsilon: Double
        public var clip: Float
        public init(mean: [Double], variance: [Double], epsilon: Double, clip: Float) {
            self.mean = mean
            self.variance = variance
            self.epsilon = epsilon
            self.clip = clip
        }
    }

    public struct ActionBins: Codable, Sendable, Equatable {
        /// Learning rates (per minibatch update), one per bin of the first head.
        public var learningRates: [Float]
        /// Batch sizes, one per bin of the second head.
        public var batchSizes: [Int]
        /// Retrain choices, one per bin of the third head.
        public var retrainChoices: [RetrainDecision]
        public init(learningRates: [Float], batchSizes: [Int], retrainChoices: [RetrainDecision]) {
            self.learningRates = learningRates
            self.batchSizes = batchSizes
            self.retrainChoices = retrainChoices
        }
        enum CodingKeys: String, CodingKey {
            case learningRates = "learning_rates", batchSizes = "batch_sizes", retrainChoices = "retrain_choices"
        }
        /// Bins per head: learning rate, batch size, retrain.
        public var headSizes: [Int] { [learningRates.count, batchSizes.count, retrainChoices.count] }
    }

    public struct Network: Codable, Sendable, Equatable {
        /// Nonlinearity after every hidden layer: `tanh` or `relu`.
        public var activation: String
        public var hidden: [Layer]
        /// The logits of all heads side by side, in head order.
        public var heads: Layer
        public init(activation: String, hidden: [Layer], heads: Layer) {
            self.activation = activation
            self.hidden = hidden
            self.heads = heads
        }
    }

    /// `y = x·W + b` with `W` stored row-major as `inputs × outputs`.
    public struct Layer: Codable, Sendable, Equatable {
        public var inputs: Int
        public var outputs: Int
        public var weights: [Float]
        public var bias: [Float]
        public init(inputs: Int, outputs: Int, weights: [Float], bias: [Float]) {
            self.inputs = inputs
            self.outputs = outputs
            self.weights = weights
            self.bias = bias
        }
    }

    /// One bin per head.
    public struct BinChoice: Codable, Sendable, Equatable {
        public var learningRateBin: Int
        public var batchSizeBin: Int
        public var retrainBin: Int
        public init(learningRateBin: Int, batchSizeBin: Int, retrainBin: Int) {
            self.learningRateBin = learningRateBin
            self.batchSizeBin = batchSizeBin
            self.retrainBin = retrainBin
        }
        enum CodingKeys: String, CodingKey {
            case learningRateBin = "learning_rate_bin", batchSizeBin = "batch_size_bin", retrainBin = "retrain_bin"
        }
        var bins: [Int] { [learningRateBin, batchSizeBin, retrainBin] }
    }

    /// Where the policy came from, for reviewers and registries. Free-form strings may be empty.
    public struct Provenance: Codable, Sendable, Equatable {
        public var environment: String
        public var scenario: String
        public var algorithm: String
        public var seeds: [UInt64]
        public var gitCommit: String
        public var toolVersion: String
        /// Mean and standard deviation of episode reward over the evaluation episodes.
        public var evaluationMeanReward: Double?
        public var evaluationStdReward: Double?
        public var evaluationEpisodes: Int?

        public init(environment: String, scenario: String = "", algorithm: String = "", seeds: [UInt64] = [],
                    gitCommit: String = "", toolVersion: String = "", evaluationMeanReward: Double? = nil,
                    evaluationStdReward: Double? = nil, evaluationEpisodes: Int? = nil) {
            self.environment = environment
            self.scenario = scenario
            self.algorithm = algorithm
            self.seeds = seeds
            self.gitCommit = gitCommit
            self.toolVersion = toolVersion
            self.evaluationMeanReward = evaluationMeanReward
            self.evaluationStdReward = evaluationStdReward
            self.evaluationEpisodes = evaluationEpisodes
        }
        enum CodingKeys: String, CodingKey {
            case environment, scenario, algorithm, seeds
            case gitCommit = "git_commit", toolVersion = "tool_version"
            case evaluationMeanReward = "evaluation_mean_reward", evaluationStdReward = "evaluation_std_reward"
            case evaluationEpisodes = "evaluation_episodes"
        }
    }
}

/// What to do with the learner's parameters before the next period.
public enum RetrainDecision: String, Codable, Sendable, Equatable, CaseIterable {
    case none
    /// A few passes over the recent window from the current parameters.
    case fineTune = "fine_tune"
    /// Fresh initialization, then passes over the recent window.
    case fullRetrain = "full_retrain"
}
