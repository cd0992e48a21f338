import Foundation
import PolicyRuntime
import PolicyGradient
import Simulation
import YAMLConfig
import Yams

extension Scenario {
    /// Reads and validates a scenario file. Environments are looked up in `environmentsDirectory`,
    /// or else in the first `environments/` beside the scenario file or above it.
    ///
    /// - Throws: `ConfigError` naming file, line, column and field.
    public static func load(file path: String, environmentsDirectory: String? = nil) throws(ConfigError) -> Scenario {
        let text = try ConfigDocument.text(of: path, expected: expectedFile)
        let dir = (path as NSString).deletingLastPathComponent
        let catalog = EnvironmentCatalog(directory: environmentsDirectory,
                                         currentDirectory: dir.isEmpty ? FileManager.default.currentDirectoryPath : dir)
        return try parse(yaml: text, file: path, catalog: catalog)
    }

    /// What a scenario file is, for "file not found" messages.
    public static let expectedFile = "a readable scenario (YAML)"

    /// Parses scenario text (tests; `load` for files).
    public static func parse(yaml: String, file: String, catalog: EnvironmentCatalog) throws(ConfigError) -> Scenario {
        guard let root = try ConfigDocument.root(yaml: yaml, file: file) else {
            throw ConfigError.syntax(file: file, line: 1, column: 1, problem: "empty document")
        }
        var m = try ConfigMap(root, file: file, path: "")
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try m.optionalString("name") ?? base
        let description = try m.optionalString("description") ?? ""
        let trainSeeds = try m.seeds("train_seeds")
        let testSeeds = try m.seeds("test_seeds")
        if let clash = testSeeds.first(where: { Set(trainSeeds).contains($0) }) {
            throw m.error("test_seeds", "seed \(clash) is also a training seed; held-out seeds must be disjoint from train_seeds")
        }
        var training = TrainingBudget(steps: 2000, searchSeedsPerCandidate: 1)
        if var t = try m.optionalMap("training") {
            training.steps = try t.int("steps", in: 1...100_000_000, default: training.steps)
            training.searchSeedsPerCandidate = try t.int("search_seeds_per_candidate", in: 1...1000,
                                                         default: training.searchSeedsPerCandidate)
            try t.finish()
        }
        guard training.searchSeedsPerCandidate <= trainSeeds.count else {
            throw m.error("training", "search_seeds_per_candidate (\(training.searchSeedsPerCandidate)) exceeds the \(trainSeeds.count) training seeds")
        }
        let agent = try readAgent(&m, steps: training.steps)
        if let clash = agent.validationSeeds.first(where: { Set(trainSeeds).contains($0) || Set(testSeeds).contains($0) }),
           let node = m.node("agent") {
            throw try ConfigMap(node, file: file, path: "agent").error(
                "validation_seeds", "seed \(clash) is also a training or held-out seed; validation seeds must be disjoint from both")
        }
        let agentSeeds = try m.int("agent_seeds", in: 1...100, default: 1)
        var methods: [Method] = []
        var outsidePolicies: [String: OutsidePolicy] = [:]
        var policyChecks: [(policy: OutsidePolicy, node: Node, field: String)] = []
        for item in try m.list("methods") {
            let text = try ConfigMap.string(item.node, file: file, field: item.field)
            guard let method = Method(name: text) else {
                throw .outOfRange(file: file, line: item.node.mark?.line ?? 0, column: item.node.mark?.column ?? 0,
                                  field: item.field, value: "'\(text)'", expected: Method.help)
            }
            guard !methods.contains(method) else {
                throw ConfigMap.invalid(item.node, file: file, field: item.field, "method '\(text)' is listed twice")
            }
            if case .policyFile(let path) = method {
                let outside: OutsidePolicy
                do { outside = try OutsidePolicy.load(path, scenarioFile: file) } catch {
                    throw ConfigMap.invalid(item.node, file: file, field: item.field, "\(error)")
                }
                outsidePolicies[path] = outside
                policyChecks.append((outside, item.node, item.field))
            }
            methods.append(method)
        }
        guard !methods.isEmpty else { throw m.error("methods", "expected at least one method") }
        var metrics = Metric.allCases
        if let list = try m.optionalList("metrics") {
            metrics = []
            for item in list {
                let text = try ConfigMap.string(item.node, file: file, field: item.field)
                guard let metric = Metric(rawValue: text) else {
                    throw .outOfRange(file: file, line: item.node.mark?.line ?? 0, column: item.node.mark?.column ?? 0,
                                      field: item.field, value: "'\(text)'",
                                      expected: "one of " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
                }
                metrics.append(metric)
            }
        }
        var statistics = StatisticsSettings.defaults
        if var st = try m.optionalMap("statistics") {
            statistics.resamples = try st.int("bootstrap_resamples", in: 100...1_000_000, default: statistics.resamples)
            statistics.seed = UInt64(try st.int("bootstrap_seed", in: 0...Int(Int32.max), default: Int(statistics.seed)))
            statistics.confidence = try st.double("confidence", in: 0.5...0.999, default: statistics.confidence)
            try st.finish()
        }
        var planner = LookaheadPlanner()
        if var pl = try m.optionalMap("planner") {
            planner.horizon = try pl.int("horizon", in: 1...50, default: planner.horizon)
            planner.radius = try pl.int("radius", in: 0...10, default: planner.radius)
            if let text = try pl.optionalString("continuation") {
                switch text {
                case "hold": planner.continuation = .hold
                case "static-hindsight": planner.continuation = .base
                default: throw pl.error("continuation", "expected hold or static-hindsight, got '\(ConfigError.excerpt(text))'")
                }
            }
            try pl.finish()
        }
        var hindsightRules = StaticHindsight.defaultRules
        if var h = try m.optionalMap("static_hindsight") {
            if let list = try h.optionalList("rules") {
                hindsightRules = []
                for item in list {
                    let text = try ConfigMap.string(item.node, file: file, field: item.field)
                    guard let rule = StaticHindsight.Rule(name: text), !hindsightRules.contains(rule) else {
                        throw .outOfRange(file: file, line: item.node.mark?.line ?? 0, column: item.node.mark?.column ?? 0,
                                          field: item.field, value: "'\(text)'",
                                          expected: "never | periodic:K | adwin | ddm | ks, each once")
                    }
                    hindsightRules.append(rule)
                }
                guard !hindsightRules.isEmpty else { throw h.error("rules", "expected at least one rule") }
            }
            try h.finish()
        }
        var environments: [ScenarioEnvironment] = []
        for item in try m.list("environments") {
            let env = try readEnvironment(item.node, field: item.field, file: file, catalog: catalog)
            if environments.contains(where: { $0.label == env.label }) {
                throw ConfigMap.invalid(item.node, file: file, field: item.field, "environment '\(env.label)' is listed twice")
            }
            environments.append(env)
        }
        guard !environments.isEmpty else { throw m.error("environments", "expected at least one environment") }
        for check in policyChecks {
            for env in environments {
                do { try check.policy.check(against: env.spec, label: env.label) } catch {
                    throw ConfigMap.invalid(check.node, file: file, field: check.field, "\(error)")
                }
            }
        }
        // The trainer ignores a prior of the wrong length; a scenario says so instead.
        let heads = environments[0].spec.actionBins.headSizes.count
        if let prior = agent.settings.config.firstBinPrior, prior.count != heads, let node = m.node("agent") {
            throw try ConfigMap(node, file: file, path: "agent").outOfRange(
                "first_bin_prior", value: "\(prior.map(Double.init))",
                expected: "one value per action head (\(heads): learning rate, batch size, retrain), or null")
        }
        if agentSeeds > 1 && !methods.contains(.agent) {
            throw m.error("agent_seeds", "\(agentSeeds) agent seeds need the agent among the methods")
        }
        try m.finish()
        return Scenario(name: name, description: description, file: file, contentHash: SHA256.hex(of: Array(yaml.utf8)),
                        environments: environments, trainSeeds: trainSeeds, testSeeds: testSeeds, training: training,
                        agent: agent, agentSeeds: agentSeeds, methods: methods, metrics: metrics, statistics: statistics, planner: planner,
                        hindsightRules: hindsightRules, outsidePolicies: outsidePolicies)
    }

    /// The `agent:` block: any `train --config` key (read and validated by PolicyGradient's reader)
    /// and `seed`. The budget is the scenario's `training.steps` (the static search gets the same);
    /// an agent `steps` must agree with it.
    private static func readAgent(_ m: inout ConfigMap, steps: Int) throws(ConfigError) -> AgentSettings {
        var a = AgentSettings.defaults
        a.settings.config.steps = steps
        guard var g = try m.optionalMap("agent") else { return a }
        a.seed = UInt64(try g.int("seed", in: 0...Int(Int32.max), default: Int(a.seed)))
        a.settings = try a.settings.applying(&g)
        a.candidates = try g.int("candidates", in: 1...64, default: 1)
        if g.node("validation_seeds") != nil { a.validationSeeds = try g.seeds("validation_seeds") }
        if a.candidates > 1 && a.validationSeeds.isEmpty {
            throw g.error("candidates", "\(a.candidates) candidates need validation_seeds to choose among them")
        }
        a.staticCandidate = try g.bool("static_candidate", default: false)
        if a.staticCandidate && a.validationSeeds.isEmpty {
            throw g.error("static_candidate", "the static candidate needs validation_seeds to be compared with the agent")
        }
        a.anchorStrength = try g.double("anchor_strength", in: 0...20, default: 0)
        a.shadowLearners = try g.bool("shadow_learners", default: false)
        if a.anchorStrength > 0 {
            let c = a.settings.config
            if !a.staticCandidate {
                throw g.error("anchor_strength", "anchoring the PPO candidates at the static setting needs static_candidate: true")
            }
            if c.normalizeObservations || c.activation != .tanh {
                throw g.error("anchor_strength", "the anchor reads raw observations through tanh units; it needs normalize_observations: false and activation: tanh")
            }
        }
        if a.settings.config.steps != steps {
            throw g.error("steps", "the agent trains for the scenario's training.steps (\(steps)); expected the same value or no agent steps")
        }
        try g.finish()
        return a
    }

    /// Overridable spec values (`updates` takes a word, the others numbers).
    static let overrideKeys = ["batch_size", "compute_budget", "compute_price", "episode_length", "fine_tune_price",
                               "label_delay", "label_noise", "learning_rate", "period_length", "retrain_price",
                               "updates", "warmup_periods", "window"]

    /// Applies one override (a key of `overrideKeys`).
    static func apply(_ key: String, _ v: Double, to spec: inout EnvironmentSpec) {
        switch key {
        case "period_length": spec.periodLength = Int(v)
        case "episode_length": spec.episodeLength = Int(v)
        case "warmup_periods": spec.warmupPeriods = Int(v)
        case "label_delay": spec.labels.delay = Int(v)
        case "label_noise": spec.labels.noise = v
        case "learning_rate": spec.learner.learningRate = v
        case "batch_size": spec.learner.batchSize = Int(v)
        case "window": spec.learner.window = Int(v)
        case "compute_price": spec.costs.computePrice = v
        case "fine_tune_price": spec.costs.fineTunePrice = v
        case "retrain_price": spec.costs.retrainPrice = v
        case "compute_budget": spec.costs.computeBudget = v
        default: break
        }
    }

    static let integerOverrides: Set<String> = ["period_length", "episode_length", "warmup_periods", "label_delay",
                                                "batch_size", "window"]

    private static func readEnvironment(_ node: Node, field: String, file: String,
                                        catalog: EnvironmentCatalog) throws(ConfigError) -> ScenarioEnvironment {
        var e = try ConfigMap(node, file: file, path: field)
        let name = try e.string("name")
        let label = try e.optionalString("label") ?? name
        func loadSpec(_ n: String, at key: String) throws(ConfigError) -> (EnvironmentSpec, String) {
            do {
                let path = try catalog.path(ofName: n)
                let spec = try EnvironmentSpec.load(file: path)
                let bytes = FileManager.default.contents(atPath: path) ?? Data()
                return (spec, SHA256.hex(of: bytes))
            } catch {
                let mark = e.node(key)?.mark ?? e.mark
                throw .invalid(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: e.field(key),
                                   problem: "\(error)")
            }
        }
        var (spec, hash) = try loadSpec(name, at: "name")
        var overrides: [(String, Double)] = []
        var updates: UpdateRegime? = nil
        if let o = try e.optionalMap("overrides") {
            for key in o.keys {
                let n = o.node(key)!
                guard overrideKeys.contains(key) else {
                    let mark = o.keyMark(key)
                    throw .unknownKey(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, key: o.field(key),
                                      allowed: overrideKeys)
                }
                if key == "updates" {
                    let regime = try ConfigMap.enumeration(n, file: file, field: o.field(key), UpdateRegime.self)
                    spec.learner.updates = regime
                    updates = regime
                    continue
                }
                let value: Double
                if integerOverrides.contains(key) {
                    value = Double(try ConfigMap.int(n, file: file, field: o.field(key), in: 0...10_000_000))
                } else {
                    value = try ConfigMap.double(n, file: file, field: o.field(key), in: 0...1e9)
                }
                apply(key, value, to: &spec)
                overrides.append((key, value))
            }
            do { try spec.validate() } catch {
                throw .invalid(file: file, line: o.mark?.line ?? 0, column: o.mark?.column ?? 0, field: o.path,
                                   problem: "rejected by the environment: \(error)")
            }
        }
        // Identity text: the numeric overrides as always (results made before `updates` existed keep
        // their identities), then the update regime when one is given.
        var overrideItems = overrides.map { ($0.0, "\($0.0)=\($0.1)") }
        if let updates { overrideItems.append(("updates", "updates=\(updates.rawValue)")) }
        overrideItems.sort { $0.0 < $1.0 }
        let overrideText = overrideItems.map(\.1).joined(separator: ",")
        var trainSpecs = [spec]
        var trainIdentity = "\(hash)|\(overrideText)"
        if let list = try e.optionalList("train_on") {
            trainSpecs = []
            var ids: [String] = []
            for item in list {
                let n = try ConfigMap.string(item.node, file: file, field: item.field)
                var (s, h) = try loadSpec(n, at: "train_on")
                for (k, v) in overrides { apply(k, v, to: &s) }
                if let updates { s.learner.updates = updates }
                do { try s.validate() } catch {
                    throw .invalid(file: file, line: item.node.mark?.line ?? 0, column: item.node.mark?.column ?? 0,
                                       field: item.field, problem: "with the overrides: \(error)")
                }
                guard s.actions.learningRates.count == spec.actions.learningRates.count,
                      s.actions.batchSizes.count == spec.actions.batchSizes.count else {
                    throw ConfigMap.invalid(item.node, file: file, field: item.field,
                                              "'\(n)' has other action bins than '\(name)'; a policy cannot carry across")
                }
                trainSpecs.append(s)
                ids.append("\(h)|\(overrideText)")
            }
            guard !trainSpecs.isEmpty else { throw e.error("train_on", "expected at least one environment") }
            trainIdentity = ids.joined(separator: "+")
        }
        try e.finish()
        return ScenarioEnvironment(label: label, spec: spec, trainSpecs: trainSpecs, identity: "\(hash)|\(overrideText)",
                                   trainIdentity: trainIdentity)
    }
}
