/// The content of a policy file (format version 2): everything a production learner needs to turn
/// an observation into a decision, and where the policy came from. Field by field in
/// `docs/policy-format.md`; JSON keys are the snake_case names given there.
public struct PolicyDocument: Codable, Sendable, Equatable {
    /// The observation the policy reads: names, order, ranges and the schema version.
    public var observationSchema: ObservationSchema
    /// Frozen running statistics applied before the network: `clip((x − mean) / sqrt(variance + epsilon), ±clip)`.
    public var normalization: Normalization
    /// The concrete values behind each head's bins.
    public var actions: ActionBins
    /// The actor network: hidden layers, then one linear layer with every head's logits.
    public var network: Network
    /// The action taken when an observation cannot be trusted (missing, NaN, out of range).
    public var fallback: TuningAction
    public var provenance: Provenance
    /// How the learner was run in training (period, window, epochs, prices), so that a production
    /// loop can reproduce the conditions the observations were scaled for. Optional.
    public var loop: LoopSettings?

    public init(observationSchema: ObservationSchema, normalization: Normalization, actions: ActionBins,
                network: Network, fallback: TuningAction, provenance: Provenance, loop: LoopSettings? = nil) {
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
