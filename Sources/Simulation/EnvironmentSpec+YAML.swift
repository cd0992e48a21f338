import Foundation
import Learners
import PolicyRuntime
import YAMLConfig
import Yams

extension EnvironmentSpec {
    /// What a spec file is, for "file not found" messages.
    public static let expectedFile = "a readable environment spec (YAML)"

    /// Reads and validates a spec file. Nothing is returned unless every field is valid.
    ///
    /// - Throws: `ConfigError` naming file, line, column and field.
    public static func load(file path: String) throws -> EnvironmentSpec {
        let text = try ConfigDocument.text(of: path, expected: expectedFile)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(yaml: text, file: path, defaultName: name)
    }

    /// Parses a spec from YAML text; `file` is only used in error messages.
    public static func parse(yaml: String, file: String = "<memory>", defaultName: String = "unnamed") throws -> EnvironmentSpec {
        guard let root = try ConfigDocument.root(yaml: yaml, file: file) else {
            throw ConfigError.invalid(file: file, line: 1, column: 1, field: "document", problem: "the file is empty")
        }
        var m = try ConfigMap(root, file: file, path: "")
        let spec = try read(&m, defaultName: defaultName)
        try m.finish()
        try spec.validate()
        return spec
    }

    private static func read(_ m: inout ConfigMap, defaultName: String) throws -> EnvironmentSpec {
        let name = try m.optionalString("name") ?? defaultName
        let description = try m.optionalString("description") ?? ""
        let generator = try m.enumeration("generator", GeneratorKind.self)
        let periodLength = try m.int("period_length", in: 50...100_000)
        let episodeLength = try m.int("episode_length", in: 2...10_000)
        let warmup = try m.int("warmup_periods", in: 1...100, default: 3)

        var lm = try m.map("labels")
        let labels = LabelSpec(delay: try lm.int("delay", in: 0...100_000, default: 0),
                               noise: try lm.double("noise", in: 0...0.5, default: 0))
        try lm.finish()

        let metric = try m.enumeration("metric", MetricKind.self)

        var le = try m.map("learner")
        let learner = LearnerSpec(
            model: try le.string("model"),
            learningRate: try le.double("learning_rate", in: 1e-6...10),
            batchSize: try le.int("batch_size", in: 1...65_536),
            window: try le.int("window", in: 1...1_000_000),
            fineTuneEpochs: try le.int("fine_tune_epochs", in: 1...100, default: 1),
            retrainEpochs: try le.int("retrain_epochs", in: 1...100, default: 3),
            updates: try le.optionalEnumeration("updates", UpdateRegime.self) ?? .online,
            standardize: try le.optionalBool("standardize") ?? false,
            shadowLearners: try le.optionalBool("shadow_learners") ?? false,
            batchShadows: try le.optionalBool("batch_shadows") ?? false,
            experts: try le.optionalBool("experts") ?? false,
            expertDecay: try le.double("expert_decay", in: 0...1, default: LoopSettings.defaultExpertDecay),
            expertTolerance: try le.double("expert_tolerance", in: 0...1, default: LoopSettings.defaultExpertTolerance),
            expertHalfLife: try le.int("expert_half_life", in: 0...LoopSettings.maxExpertHalfLife, default: 0))
        if learner.expertHalfLife > 0 && !learner.experts {
            throw le.error("expert_half_life", "serving sample by sample is a way to serve an expert pool: set experts: true too")
        }
        if learner.batchShadows && !learner.shadowLearners {
            throw le.error("batch_shadows", "batch-size shadows run beside the learning-rate shadows: set shadow_learners: true too")
        }
        if learner.experts && learner.updates != .online {
            throw le.error("experts", "an expert pool learns online: it cannot run with updates: deployed")
        }
        if learner.experts && learner.shadowLearners {
            throw le.error("experts", "an expert pool replaces the shadow learners: set shadow_learners: false")
        }
        guard let kind = LearnerKind(rawValue: learner.model) else {
            throw ConfigError.outOfRange(file: le.file, line: le.node("model")?.mark?.line ?? 0,
                                       column: le.node("model")?.mark?.column ?? 0, field: le.field("model"),
                                       value: "'\(learner.model)'",
                                       expected: "one of " + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if kind.isBinary && generator == .centroids {
            throw le.error("model", "'\(kind.rawValue)' is a binary learner; the centroids generator needs softmax or mlp")
        }
        try le.finish()

        var co = try m.map("costs")
        let costs = CostSpec(
            computePrice: try co.double("compute_price", in: 0...10),
            fineTunePrice: try co.double("fine_tune_price", in: 0...10),
            retrainPrice: try co.double("retrain_price", in: 0...10),
            updateOverhead: try co.double("update_overhead", in: 0...100_000, default: 0),
            divergencePenalty: try co.double("divergence_penalty", in: 0...1000, default: 1),
            computeBudget: try co.double("compute_budget", in: 1e-6...1e9))
        try co.finish()

        var ac = try m.map("actions")
        var lrs = try ac.map("learning_rates")
        let lrMin = try lrs.double("min", in: 1e-7...10)
        let lrMax = try lrs.double("max", in: 1e-7...10)
        let lrBins = try lrs.int("bins", in: 1...32)
        try lrs.finish()
        guard lrMax >= lrMin else { throw lrs.error("max", "must be at least min (\(lrMin))") }
        let learningRates = ActionSpec.logSpacedLearningRates(min: lrMin, max: lrMax, bins: lrBins)
        let batchSizes = try ac.list("batch_sizes").map { try ConfigMap.int($0.0, file: m.file, field: $0.1, in: 1...65_536) }
        let learningRateHead = try ac.optionalEnumeration("learning_rate_head", LearningRateHead.self) ?? .bins
        let batchSizeHead = try ac.optionalEnumeration("batch_size_head", BatchSizeHead.self) ?? .bins
        try ac.finish()
        guard !batchSizes.isEmpty, batchSizes == batchSizes.sorted() else {
            throw ac.error("batch_sizes", "expected a non-empty list of increasing batch sizes")
        }

        var features: [FeatureGroup] = []
        for (node, field) in try m.list("features") {
            var f = try ConfigMap(node, file: m.file, path: field)
            features.append(try readFeature(&f, generator: generator))
            try f.finish()
        }

        var lab = try m.map("label_model")
        let labelModel = try readLabelModel(&lab, generator: generator, features: features)
        try lab.finish()

        var drift: [DriftEvent] = []
        for (node, field) in try m.optionalList("drift") ?? [] {
            var d = try ConfigMap(node, file: m.file, path: field)
            drift.append(try readDrift(&d, generator: generator, features: features, labelModel: labelModel))
            try d.finish()
        }

        return EnvironmentSpec(
            name: name, description: description, generator: generator, periodLength: periodLength,
            episodeLength: episodeLength, warmupPeriods: warmup, labels: labels, metric: metric, learner: learner,
            costs: costs, actions: ActionSpec(learningRates: learningRates, batchSizes: batchSizes, learningRateHead: learningRateHead,
                                                      batchSizeHead: batchSizeHead),
            features: features, labelModel: labelModel, drift: drift, file: m.file)
    }

    private static func readFeature(_ f: inout ConfigMap, generator: GeneratorKind) throws -> FeatureGroup {
        let name = try f.string("name")
        let kinds: [String]
        switch generator {
        case .latentLogistic: kinds = ["numeric", "categorical"]
        case .centroids: kinds = ["embedding"]
        case .factorization: kinds = ["one_hot"]
        }
        let kindNode = try f.requiredNode("kind")
        let kind = try ConfigMap.string(kindNode, file: f.file, field: f.field("kind"))
        guard kinds.contains(kind) else {
            throw ConfigError.outOfRange(file: f.file, line: kindNode.mark?.line ?? 0, column: kindNode.mark?.column ?? 0,
                                       field: f.field("kind"), value: "'\(kind)'",
                                       expected: "one of \(kinds.joined(separator: ", ")) for generator \(generator.rawValue)")
        }
        switch kind {
        case "numeric":
            return FeatureGroup(name: name, distribution: .numeric(
                mean: try f.double("mean", in: -1e6...1e6, default: 0),
                std: try f.double("std", in: 1e-9...1e6, default: 1),
                loading: try f.double("loading", in: -100...100, default: 0)))
        case "categorical":
            let cats = try f.list("categories").map { try ConfigMap.string($0.0, file: f.file, field: $0.1) }
            let probs = try f.list("probabilities").map { try ConfigMap.double($0.0, file: f.file, field: $0.1, in: 0...1) }
            guard cats.count >= 2 else { throw f.error("categories", "expected at least 2 categories") }
            guard probs.count == cats.count else {
                throw f.error("probabilities", "expected \(cats.count) probabilities (one per category), found \(probs.count)")
            }
            guard abs(probs.reduce(0, +) - 1) < 1e-6 else { throw f.error("probabilities", "expected probabilities summing to 1") }
            return FeatureGroup(name: name, distribution: .categorical(categories: cats, probabilities: probs))
        case "embedding":
            return FeatureGroup(name: name, distribution: .embedding(dimension: try f.int("dimension", in: 1...4096)))
        default:
            return FeatureGroup(name: name, distribution: .oneHot(count: try f.int("count", in: 1...100_000)))
        }
    }

    private static func readLabelModel(_ m: inout ConfigMap, generator: GeneratorKind, features: [FeatureGroup]) throws -> LabelModelSpec {
        switch generator {
        case .latentLogistic:
            let bias = try m.double("bias", in: -100...100, default: 0)
            let weights = try m.optionalNumberMap("weights", in: -100...100) ?? [:]
            try checkColumns(weights.keys, m, "weights", features)
            return .logistic(bias: bias, weights: weights)
        case .centroids:
            guard features.count == 1, case .embedding = features[0].distribution else {
                throw m.error("classes", "the centroids generator expects exactly one feature group of kind embedding")
            }
            let classes = try m.int("classes", in: 2...1000)
            return .centroids(classes: classes,
                              initialClasses: try m.int("initial_classes", in: 2...classes, default: classes),
                              separation: try m.double("separation", in: 1e-6...1e6),
                              noise: try m.double("noise", in: 1e-6...1e6),
                              zipf: try m.double("zipf", in: 0...5, default: 0))
        case .factorization:
            guard (2...3).contains(features.count) else {
                throw m.error("bias", "the factorization generator expects 2 or 3 one_hot feature groups: users, items, optional weekly context")
            }
            let itemCount = features[1].width
            let initialNode = m.node("initial_items")
            let model = LabelModelSpec.factorization(bias: try m.double("bias", in: -20...20),
                                  latentDimension: try m.int("latent_dimension", in: 1...256),
                                  interactionScale: try m.double("interaction_scale", in: 0...100),
                                  biasStd: try m.double("bias_std", in: 0...100, default: 0.5),
                                  categories: try m.int("categories", in: 1...1000, default: 1),
                                  initialItems: try m.int("initial_items", in: 1...100_000))
            if case .factorization(_, _, _, _, _, let initial) = model, initial > itemCount {
                throw ConfigError.outOfRange(file: m.file, line: initialNode?.mark?.line ?? 0, column: initialNode?.mark?.column ?? 0,
                                           field: m.field("initial_items"), value: "\(initial)",
                                           expected: "an integer in 1...\(itemCount) (the items group's count)")
            }
            return model
        }
    }

    private static func checkColumns<S: Sequence>(_ names: S, _ m: ConfigMap, _ key: String, _ features: [FeatureGroup]) throws
    where S.Element == String {
        let columns = EnvironmentSpec.columnNames(features)
        for n in names where !columns.contains(n) {
            throw m.error(key, "unknown column '\(n)'; expected one of: \(columns.joined(separator: ", "))")
        }
    }

    /// Target-specific keys per generator.
    static func driftKeys(_ generator: GeneratorKind, _ target: DriftEvent.Target) -> [String]? {
        switch (generator, target) {
        case (.latentLogistic, .decisionBoundary): return ["weights", "bias", "marker"]
        case (.latentLogistic, .featureDistribution): return ["shifts", "feature", "probabilities", "affects_label"]
        case (.latentLogistic, .classPriors): return ["bias"]
        case (.centroids, .featureDistribution): return ["amount"]
        case (.centroids, .classPriors): return ["classes", "factor"]
        case (.centroids, .newClasses): return ["count", "share"]
        case (.factorization, .decisionBoundary): return ["amount", "category", "boost"]
        case (.factorization, .featureDistribution): return ["items", "boost", "share"]
        case (.factorization, .newItems): return ["count", "share"]
        default: return nil
        }
    }

    private static func readDrift(_ d: inout ConfigMap, generator: GeneratorKind, features: [FeatureGroup],
                                  labelModel: LabelModelSpec) throws -> DriftEvent {
        let name = try d.string("name")
        let kind = try d.enumeration("kind", DriftEvent.Kind.self)
        let targetNode = d.node("target")
        let target = try d.enumeration("target", DriftEvent.Target.self)
        guard let keys = driftKeys(generator, target) else {
            let ok = DriftEvent.Target.allCases.filter { driftKeys(generator, $0) != nil }.map(\.rawValue)
            throw ConfigError.outOfRange(file: d.file, line: targetNode?.mark?.line ?? 0, column: targetNode?.mark?.column ?? 0,
                                       field: d.field("target"), value: "'\(target.rawValue)'",
                                       expected: "one of \(ok.joined(separator: ", ")) for generator \(generator.rawValue)")
        }
        let start = try d.double("start", in: 0...1e6)
        let needsDuration = kind != .sudden
        let duration = try d.double("duration", in: 0...1e6, default: needsDuration ? nil : 0)
        let every = kind == .recurring ? try d.double("every", in: 1e-3...1e6) : 0
        if kind == .recurring, duration > every { throw d.error("duration", "expected duration ≤ every (\(every))") }
        let strength = try d.double("strength", in: 0...1, default: 1)
        var p = DriftParameters()
        for key in keys {
            switch key {
            case "weights": p.weights = try d.optionalNumberMap(key, in: -100...100)
            case "bias": p.bias = try d.optionalDouble(key, in: -100...100)
            case "marker": p.marker = try d.optionalString(key)
            case "shifts": p.shifts = try d.optionalNumberMap(key, in: -100...100)
            case "feature": p.feature = try d.optionalString(key)
            case "probabilities":
                p.probabilities = try d.optionalList(key)?.map { try ConfigMap.double($0.0, file: d.file, field: $0.1, in: 0...1) }
            case "affects_label": p.affectsLabel = try d.optionalBool(key)
            case "amount": p.amount = try d.optionalDouble(key, in: 0...100)
            case "classes":
                p.classes = try d.optionalList(key)?.map { try ConfigMap.int($0.0, file: d.file, field: $0.1, in: 0...100_000) }
            case "factor": p.factor = try d.optionalDouble(key, in: 0...1000)
            case "count": p.count = try d.optionalInt(key, in: 1...100_000)
            case "share": p.share = try d.optionalDouble(key, in: 0...1)
            case "items": p.items = try d.optionalInt(key, in: 1...100_000)
            case "boost": p.boost = try d.optionalDouble(key, in: -100...100)
            case "category": p.category = try d.optionalInt(key, in: 0...1000)
            default: break
            }
        }
        try checkDrift(p, target: target, d, features: features, labelModel: labelModel)
        return DriftEvent(name: name, kind: kind, target: target, start: start, duration: duration, every: every,
                          strength: strength, parameters: p)
    }
}

extension EnvironmentSpec {
    /// Column names in feature order: numeric features by name, one-hot columns as `group.category`
    /// (categorical) or `group.index` (one_hot), embeddings as `group.index`.
    public static func columnNames(_ features: [FeatureGroup]) -> [String] {
        features.flatMap { g -> [String] in
            switch g.distribution {
            case .numeric: [g.name]
            case .categorical(let cats, _): cats.map { "\(g.name).\($0)" }
            case .embedding(let d): (0..<d).map { "\(g.name).\($0)" }
            case .oneHot(let n): (0..<n).map { "\(g.name).\($0)" }
            }
        }
    }

    /// Total input columns.
    public var featureCount: Int { features.reduce(0) { $0 + $1.width } }

    /// Classes the learner predicts (binary generators: 2).
    public var classCount: Int {
        if case .centroids(let k, _, _, _, _) = labelModel { return k }
        return 2
    }

    private static func checkDrift(_ p: DriftParameters, target: DriftEvent.Target, _ d: ConfigMap,
                                   features: [FeatureGroup], labelModel: LabelModelSpec) throws {
        if let w = p.weights { try checkColumns(w.keys, d, "weights", features) }
        if let s = p.shifts {
            let numeric = features.compactMap { g -> String? in if case .numeric = g.distribution { return g.name }; return nil }
            for k in s.keys where !numeric.contains(k) {
                throw d.error("shifts", "unknown numeric feature '\(k)'; expected one of: \(numeric.joined(separator: ", "))")
            }
        }
        if let m = p.marker { try checkColumns([m], d, "marker", features) }
        if p.feature != nil || p.probabilities != nil {
            guard let f = p.feature, let g = features.first(where: { $0.name == f }),
                  case .categorical(let cats, _) = g.distribution else {
                throw d.error(p.feature == nil ? "probabilities" : "feature", "expected 'feature' naming a categorical feature together with 'probabilities'")
            }
            guard let probs = p.probabilities, probs.count == cats.count, abs(probs.reduce(0, +) - 1) < 1e-6 else {
                throw d.error("probabilities", "expected \(cats.count) probabilities summing to 1 (one per category of \(f))")
            }
        }
        switch (labelModel, target) {
        case (.centroids(let k, let initial, _, _, _), .newClasses):
            guard let c = p.count else { throw d.error("count", "new_classes needs 'count'") }
            guard c <= k - initial else { throw d.error("count", "expected at most \(k - initial) (classes − initial_classes)") }
        case (.centroids(let k, _, _, _, _), .classPriors):
            guard let cs = p.classes, p.factor != nil else { throw d.error("classes", "class_priors needs 'classes' and 'factor'") }
            if let bad = cs.first(where: { $0 >= k }) { throw d.error("classes", "class \(bad) does not exist; expected 0...\(k - 1)") }
        case (.factorization(_, _, _, _, let cats, let initial), _):
            let items = features[1].width
            if target == .newItems {
                guard let c = p.count else { throw d.error("count", "new_items needs 'count'") }
                guard c <= items - initial else { throw d.error("count", "expected at most \(items - initial) (items − initial_items)") }
            }
            if let c = p.category, c >= cats { throw d.error("category", "expected a category in 0...\(cats - 1)") }
        default: break
        }
    }

    /// Re-checks cross-field constraints (for specs changed in code after loading).
    public func validate() throws {
        func bad(_ field: String, _ problem: String) -> ConfigError {
            .invalid(file: file, line: 0, column: 0, field: field, problem: problem)
        }
        guard periodLength >= 50 else { throw bad("period_length", "expected at least 50") }
        guard episodeLength >= 2 else { throw bad("episode_length", "expected at least 2") }
        guard labels.delay < periodLength else {
            throw bad("labels.delay", "expected a delay below period_length (\(periodLength))")
        }
        guard learner.window >= learner.batchSize else { throw bad("learner.window", "expected at least learner.batch_size") }
        guard !actions.learningRates.isEmpty, !actions.batchSizes.isEmpty else { throw bad("actions", "expected non-empty bins") }
        guard featureCount > 0 else { throw bad("features", "expected at least one feature column") }
        if let problem = loopSettings.expertPoolProblem { throw bad("learner.experts", problem) }
    }
}
