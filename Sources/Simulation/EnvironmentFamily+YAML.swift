import Foundation
import Learners
import PolicyRuntime
import YAMLConfig
import Yams

extension EnvironmentFamily {
    /// What a family file is, for "file not found" messages.
    public static let expectedFile = "a readable environment family (YAML)"

    /// Reads and validates a family file and its base spec. Nothing is returned unless every
    /// field is valid and a spec drawn from every subfamily passes `EnvironmentSpec.validate()`.
    ///
    /// - Throws: `ConfigError` naming file, line, column and field (the spec reader's errors).
    public static func load(file path: String) throws -> EnvironmentFamily {
        guard FileManager.default.fileExists(atPath: path) else { throw ConfigError.fileNotFound(path: path, expected: expectedFile) }
        try InputConfinement.requireYAMLMappingFile(path, what: "an environment family (YAML)")
        let text = try ConfigDocument.text(of: path, expected: expectedFile)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, defaultName: name) { base in
            try EnvironmentSpec.load(file: base.hasPrefix("/") ? base : (folder as NSString).appendingPathComponent(base))
        }
    }

    /// Parses a family from YAML text; `loadBase` reads the `base:` spec (a path, relative to the
    /// family file). `file` is only used in error messages.
    public static func parse(yaml: String, file: String = "<memory>", defaultName: String = "unnamed",
                             loadBase: (String) throws -> EnvironmentSpec) throws -> EnvironmentFamily {
        guard let root = try ConfigDocument.root(yaml: yaml, file: file) else {
            throw ConfigError.invalid(file: file, line: 1, column: 1, field: "document", problem: "the file is empty")
        }
        var m = try ConfigMap(root, file: file, path: "")
        let family = try read(&m, defaultName: defaultName, loadBase: loadBase)
        try m.finish()
        try family.checkDrawnSpecs()
        return family
    }

    private static func read(_ m: inout ConfigMap, defaultName: String,
                             loadBase: (String) throws -> EnvironmentSpec) throws -> EnvironmentFamily {
        let name = try m.optionalString("name") ?? defaultName
        let baseName = try m.string("base")
        let base: EnvironmentSpec
        do {
            base = try loadBase(baseName)
        } catch let e as ConfigError {
            // The base spec's own error names its file; say which family pointed there.
            throw m.error("base", "cannot use base spec '\(ConfigError.excerpt(baseName))': \(e)")
        }
        let model = try m.string("model")
        guard let kind = LearnerKind(rawValue: model) else {
            throw m.outOfRange("model", value: "'\(ConfigError.excerpt(model))'",
                               expected: "one of " + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if base.generator == .factorization {
            throw m.error("base", "families draw latent_logistic (binary) or centroids (multiclass) streams; '\(ConfigError.excerpt(baseName))' uses the factorization generator")
        }
        if let problem = EnvironmentFamily.modelProblem(kind, generator: base.generator) { throw m.error("model", problem) }
        let standardize = try m.bool("standardize", default: true)

        var s = try m.map("stream")
        let stream = StreamRanges(
            features: try s.range("features", in: 1...4096, integer: true),
            log10Scale: try s.range("log10_scale", in: -6...6),
            offset: try base.generator == .latentLogistic ? s.range("offset", in: -100...100) : FamilyRange(min: 0, max: 0),
            labelNoise: try s.range("label_noise", in: 0...0.5),
            labelDelay: try s.range("label_delay", in: 0...Double(base.periodLength - 1), integer: true),
            updates: try s.choices("updates", UpdateRegime.self))
        try s.finish()

        var c = try m.map("concept")
        let concept: ConceptRanges
        switch base.generator {
        case .centroids:
            concept = .centroids(classes: try c.range("classes", in: 3...1000, integer: true),
                                 separation: try c.range("separation", in: 1e-3...1e3),
                                 noise: try c.range("noise", in: 1e-3...1e3),
                                 zipf: try c.range("zipf", in: 0...5))
        default:
            concept = .logistic(loading: try c.range("loading", in: -0.99...0.99),
                                signal: try c.range("signal", in: 0...50),
                                bias: try c.range("bias", in: -20...20))
        }
        try c.finish()

        var d = try m.map("drift")
        let targetsNode = d.node("targets")
        var drift = DriftRanges(
            events: try d.range("events", in: 0...20, integer: true),
            start: try d.range("start", in: 0...Double(base.episodeLength), integer: true),
            duration: try d.range("duration", in: 0...1e4),
            every: try d.range("every", in: 1...1e4, integer: true),
            onLength: try d.range("on_length", in: 1...1e4, integer: true),
            strength: try d.range("strength", in: 0...1),
            targets: try d.choices("targets", DriftEvent.Target.self))
        let allowedTargets: [DriftEvent.Target] = base.generator == .centroids
            ? [.featureDistribution, .classPriors, .newClasses] : [.decisionBoundary, .featureDistribution, .classPriors]
        if let bad = drift.targets.first(where: { !allowedTargets.contains($0) }) {
            throw ConfigError.outOfRange(file: d.file, line: targetsNode?.mark?.line ?? 0, column: targetsNode?.mark?.column ?? 0,
                                         field: d.field("targets"), value: "'\(bad.rawValue)'",
                                         expected: "targets among \(allowedTargets.map(\.rawValue).joined(separator: ", ")) for generator \(base.generator.rawValue)")
        }
        if drift.onLength.max > drift.every.min {
            throw d.error("on_length", "expected on_length's max (\(drift.onLength.max)) at most every's min (\(drift.every.min)): a recurring event is on for at most its cycle")
        }
        // Target parameters: required when the target can be drawn, refused otherwise.
        func parameter(_ key: String, _ target: DriftEvent.Target, generator: EnvironmentSpec.GeneratorKind,
                       in range: ClosedRange<Double>, integer: Bool = false) throws -> FamilyRange? {
            guard base.generator == generator, drift.targets.contains(target) else { return nil }
            return try d.range(key, in: range, integer: integer)
        }
        drift.shift = try parameter("shift", .featureDistribution, generator: .latentLogistic, in: 0...100)
        drift.biasChange = try parameter("bias_change", .classPriors, generator: .latentLogistic, in: 0...100)
        drift.amount = try parameter("amount", .featureDistribution, generator: .centroids, in: 0...100)
        drift.factor = try parameter("factor", .classPriors, generator: .centroids, in: 0...1000)
        drift.newClasses = try parameter("new_classes", .newClasses, generator: .centroids, in: 1...1000, integer: true)
        drift.newClassShare = try parameter("new_class_share", .newClasses, generator: .centroids, in: 0...0.95)
        try d.finish()

        var f = try m.map("families")
        var subfamilies: [Subfamily] = []
        for key in f.keys {
            let kinds = try f.choices(key, DriftEvent.Kind.self)
            subfamilies.append(Subfamily(name: key, kinds: kinds))
        }
        try f.finish()
        guard !subfamilies.isEmpty else { throw m.error("families", "expected at least one subfamily (name: [drift kinds])") }
        let names = subfamilies.map(\.name)
        let train = try m.names("train", among: names)
        let heldOut = try m.names("held_out", among: names)
        if let both = train.first(where: heldOut.contains) {
            throw m.error("held_out", "subfamily '\(both)' is also in train; a held-out subfamily must not be trained on")
        }
        return EnvironmentFamily(name: name, file: m.file, base: base, model: model, standardize: standardize, stream: stream,
                                 concept: concept, drift: drift, subfamilies: subfamilies, train: train, heldOut: heldOut)
    }

    /// Draws a few specs of every subfamily and validates them, so a family whose ranges can make
    /// an invalid spec (e.g. a label delay beyond the period) is refused when it is read.
    func checkDrawnSpecs() throws {
        for sub in subfamilyNames {
            for seed in 0..<UInt64(8) {
                do {
                    _ = try spec(seed: seed, subfamilies: [sub])
                } catch let e as ConfigError {
                    throw ConfigError.invalid(file: file, line: 0, column: 0, field: "families.\(sub)",
                                              problem: "a spec drawn with seed \(seed) is invalid: \(e)")
                }
            }
        }
    }
}

extension ConfigMap {
    /// A `FamilyRange`: a number (a single value), or `{min, max}` with optional `scale: log`
    /// (`scale: linear` is the default). Both ends must lie in `allowed`, min ≤ max, integers for
    /// integer ranges, and a log range must be positive.
    mutating func range(_ key: String, in allowed: ClosedRange<Double>, integer: Bool = false) throws(ConfigError) -> FamilyRange {
        let node = try requiredNode(key)
        let what = integer ? "an integer" : "a number"
        func value(_ n: Node, _ field: String) throws(ConfigError) -> Double {
            if integer { return Double(try ConfigMap.int(n, file: file, field: field, in: Int(allowed.lowerBound)...Int(allowed.upperBound))) }
            return try ConfigMap.double(n, file: file, field: field, in: allowed)
        }
        if node.scalar != nil {
            let v = try value(node, field(key))
            return FamilyRange(min: v, max: v)
        }
        guard node.mapping != nil else {
            throw ConfigMap.typeError(node, file: file, field: field(key), "\(what) or {min: …, max: …}")
        }
        var r = try ConfigMap(node, file: file, path: field(key))
        let minNode = try r.requiredNode("min"), maxNode = try r.requiredNode("max")
        let lo = try value(minNode, r.field("min")), hi = try value(maxNode, r.field("max"))
        let scale = try r.optionalString("scale") ?? "linear"
        try r.finish()
        guard scale == "linear" || scale == "log" else {
            throw r.outOfRange("scale", value: "'\(ConfigError.excerpt(scale))'", expected: "linear or log")
        }
        guard hi >= lo else { throw r.error("max", "must be at least min (\(lo))") }
        if scale == "log" && lo <= 0 { throw r.error("min", "a log-scale range must be positive") }
        return FamilyRange(min: lo, max: hi, logScale: scale == "log")
    }

    /// A non-empty list of distinct enumeration values.
    mutating func choices<E: RawRepresentable & CaseIterable & Equatable>(_ key: String, _ type: E.Type) throws(ConfigError) -> [E]
    where E.RawValue == String {
        var out: [E] = []
        for (n, f) in try list(key) {
            let e = try ConfigMap.enumeration(n, file: file, field: f, type)
            if out.contains(e) { throw ConfigMap.invalid(n, file: file, field: f, "'\(e.rawValue)' is listed twice") }
            out.append(e)
        }
        guard !out.isEmpty else { throw error(key, "expected a non-empty list") }
        return out
    }

    /// A non-empty list of names, each one of `names`.
    mutating func names(_ key: String, among names: [String]) throws(ConfigError) -> [String] {
        var out: [String] = []
        for (n, f) in try list(key) {
            let s = try ConfigMap.string(n, file: file, field: f)
            guard names.contains(s) else {
                throw ConfigError.outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: f,
                                             value: "'\(ConfigError.excerpt(s))'", expected: "a subfamily: \(names.joined(separator: ", "))")
            }
            if out.contains(s) { throw ConfigMap.invalid(n, file: file, field: f, "'\(s)' is listed twice") }
            out.append(s)
        }
        guard !out.isEmpty else { throw error(key, "expected a non-empty list of subfamilies") }
        return out
    }
}

extension EnvironmentFamily {
    /// Why learner `kind` cannot learn the streams of `generator`, or nil when it can.
    public static func modelProblem(_ kind: LearnerKind, generator: EnvironmentSpec.GeneratorKind) -> String? {
        switch generator {
        case .latentLogistic:
            kind.isBinary || kind == .mlp ? nil
                : "'\(kind.rawValue)' is not a binary learner; the base spec's latent_logistic generator makes binary labels"
        case .centroids:
            !kind.isBinary ? nil : "'\(kind.rawValue)' is a binary learner; the base spec's centroids generator needs softmax or mlp"
        case .factorization:
            "families draw latent_logistic (binary) or centroids (multiclass) streams, not factorization"
        }
    }

    /// The family with every drawn spec (and the production spec) running learner `model`
    /// (`drifttune family train|export|evaluate --model`): the general policy of another learner.
    /// - Throws: a message naming the model when it cannot learn the family's streams.
    public func with(model: String) throws -> EnvironmentFamily {
        guard let kind = LearnerKind(rawValue: model) else {
            throw ConfigError.invalid(file: file, line: 0, column: 0, field: "model",
                                      problem: "unknown learner '\(ConfigError.excerpt(model))'; expected one of "
                                          + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let problem = Self.modelProblem(kind, generator: base.generator) {
            throw ConfigError.invalid(file: file, line: 0, column: 0, field: "model", problem: problem)
        }
        var f = self
        f.model = model
        return f
    }
}
