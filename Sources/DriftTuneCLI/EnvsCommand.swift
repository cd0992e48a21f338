import ArgumentParser
import DriftDetection
import Foundation
import PolicyRuntime
import Simulation
import YAMLConfig

/// `drifttune envs`: list, describe and compare the simulated drift environments.
public struct EnvsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "List, describe and compare the simulated drift environments.",
        subcommands: [List.self, Describe.self, Compare.self]
    )

    public init() {}

    /// `drifttune envs list`
    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "One line per environment spec.")
        @OptionGroup var location: EnvironmentOptions
        @Flag(help: "Print a JSON list, one object per environment.")
        var json = false
        public init() {}

        public func run() throws {
            try reportingUserErrors {
                let catalog = try location.catalog()
                guard let dir = catalog.directory else {
                    throw UserError("no environments/ directory found (looked for: \(catalog.searched.joined(separator: ", "))); "
                                    + "run from the repository or pass --environments DIR")
                }
                let specs = try catalog.names().map { try catalog.load($0) }
                if specs.isEmpty { throw UserError("\(dir): no environment specs (*.yaml)") }
                try emit(json ? try SimulationOutput.json(specs.map(EnvironmentJSON.Summary.init)) : EnvironmentDescription.list(specs))
            }
        }
    }

    /// `drifttune envs describe NAME`
    public struct Describe: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Features, drift events, observation and action schema of one environment.")
        @OptionGroup var location: EnvironmentOptions
        @Argument(help: "Environment name, or a path to a spec file (.yaml).")
        var name: String
        @Flag(help: "Print one JSON object.")
        var json = false
        public init() {}

        public func run() throws {
            try reportingUserErrors {
                let spec = try location.catalog().load(name)
                try emit(json ? try SimulationOutput.json(EnvironmentJSON.Detail(spec)) : EnvironmentDescription.describe(spec))
            }
        }
    }

    /// `drifttune envs compare`: the fixed-settings table.
    public struct Compare: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Mean reward per period of fixed (lr, batch, retrain period) settings per domain and drift kind.",
            discussion: "The best setting of each column is starred; the table shows whether one setting wins everywhere.")
        @OptionGroup var location: EnvironmentOptions
        @Option(help: "Environments to compare (default: all).")
        var env: [String] = []
        @Option(help: "Seeds as A..B (inclusive).")
        var seeds = "0..2"
        @Flag(help: "Print one JSON object.")
        var json = false
        public init() {}

        public func run() throws {
            try reportingUserErrors {
                let catalog = try location.catalog()
                let names = env.isEmpty ? catalog.names() : env
                let specs = try names.map { try catalog.load($0) }
                if specs.isEmpty { throw ConfigError.notFound(kind: "environment", name: "*", searched: catalog.searched) }
                let table = try FixedSettingsTable.compute(specs: specs, settings: FixedSettingsTable.grid(),
                                                           seeds: try SeedRange.parse(seeds), components: .standard)
                if json {
                    try emit(try SimulationOutput.json(table))
                } else {
                    try emit(table.markdown())
                    try emit("\nmean reward per period over seeds \(seeds); * best in column. "
                          + (table.noSingleBest ? "No single setting is best everywhere."
                                                : "One setting is best everywhere."))
                    let (s, regret) = table.minimaxRegret
                    let column = table.columns.indices.max {
                        table.scores[table.best[$0]][$0] - table.scores[s][$0] < table.scores[table.best[$1]][$1] - table.scores[s][$1]
                    } ?? 0
                    try emit(String(format: "Best single setting (smallest worst-case shortfall): %@, %.3f below the best in %@.",
                                 table.settingLabels[s], regret, table.columns[column]))
                }
            }
        }
    }
}

/// Human-readable descriptions of specs, reachable from tests.
public enum EnvironmentDescription {
    /// One line per spec: name, generator, metric, periods, description.
    public static func list(_ specs: [EnvironmentSpec]) -> String {
        let width = specs.map(\.name.count).max() ?? 0
        return specs.map { s in
            s.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  \(s.generator.rawValue), \(s.metric.rawValue), \(s.episodeLength) × \(s.periodLength) samples, "
                + "\(s.drift.count) drift events — \(s.description)"
        }.joined(separator: "\n")
    }

    /// Everything a user needs to know about one environment.
    public static func describe(_ s: EnvironmentSpec) -> String {
        var out: [String] = []
        out.append("\(s.name): \(s.description)")
        out.append("  file: \(s.file)")
        out.append("  generator \(s.generator.rawValue); metric \(s.metric.rawValue); \(s.featureCount) input columns, \(s.classCount) classes")
        out.append("  episode: \(s.episodeLength) periods of \(s.periodLength) samples after \(s.warmupPeriods) warm-up periods")
        out.append("  labels: delay \(s.labels.delay) samples, noise \(s.labels.noise)")
        let l = s.learner
        out.append("  learner: \(l.model), lr \(l.learningRate), batch \(l.batchSize), window \(l.window), "
                   + "fine-tune \(l.fineTuneEpochs) epoch(s), retrain \(l.retrainEpochs) epoch(s)")
        let c = s.costs
        out.append("  prices: compute \(c.computePrice)/unit, fine-tune \(c.fineTunePrice), retrain \(c.retrainPrice), "
                   + "update overhead \(c.updateOverhead), divergence penalty \(c.divergencePenalty), budget \(c.computeBudget) units")
        out.append("")
        out.append("features:")
        for f in s.features { out.append("  \(f.name): \(describe(f.distribution))") }
        out.append("")
        out.append("label model: \(describe(s.labelModel))")
        out.append("")
        out.append("drift events:")
        for e in s.drift { out.append("  " + describe(e)) }
        out.append("")
        let schema = s.loopSettings.observationSchema
        out.append("observation schema v\(schema.version) (\(schema.count) features):")
        let w = schema.features.map(\.name.count).max() ?? 0
        for (i, f) in schema.features.enumerated() {
            out.append(String(format: "  %2d ", i) + f.name.padding(toLength: w, withPad: " ", startingAt: 0)
                       + "  [\(format(f.lower)), \(format(f.upper))]  \(f.meaning)")
        }
        out.append("")
        let a = s.actionBins
        out.append("action schema (factored, \(a.headSizes.map(String.init).joined(separator: " × ")) choices):")
        out.append("  learning rate (per minibatch update): " + a.learningRates.map { String(format: "%.3g", $0) }.joined(separator: ", ")
                   + (a.learningRateHead == .steps ? " (the agent's head: one bin down, stay, one bin up)" : ""))
        out.append("  batch size: " + a.batchSizes.map(String.init).joined(separator: ", ")
                   + (a.batchSizeHead == .steps ? " (the agent's head: one bin down, stay, one bin up)" : ""))
        out.append("  retrain: " + a.retrainChoices.map(\.rawValue).joined(separator: ", "))
        return out.joined(separator: "\n")
    }

    static func format(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : "\(x)" }

    static func describe(_ d: FeatureGroup.Distribution) -> String {
        switch d {
        case .numeric(let mean, let std, let loading): "numeric, mean \(mean), std \(std), latent loading \(loading)"
        case .categorical(let c, let p): "categorical (one-hot) " + zip(c, p).map { "\($0)=\($1)" }.joined(separator: " ")
        case .embedding(let dim): "embedding, \(dim) dimensions"
        case .oneHot(let n): "one-hot over \(n) ids"
        }
    }

    static func describe(_ m: LabelModelSpec) -> String {
        switch m {
        case .logistic(let bias, let weights):
            "logistic, bias \(bias), weights " + weights.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        case .centroids(let classes, let initial, let separation, let noise, let zipf):
            "\(classes) intent centroids (\(initial) at first), separation \(separation), noise \(noise), Zipf priors \(zipf)"
        case .factorization(let bias, let k, let scale, let biasStd, let categories, let initial):
            "CTR logit bias \(bias) + user/item biases (std \(biasStd)) + \(scale)·⟨p_user, q_item⟩ (k=\(k)), "
                + "\(categories) item categories, \(initial) items at first"
        }
    }

    static func describe(_ e: DriftEvent) -> String {
        var when = "from period \(e.start)"
        switch e.kind {
        case .sudden: break
        case .gradual, .incremental: when += " over \(e.duration) periods"
        case .recurring: when += ", \(e.duration) periods every \(e.every)"
        }
        let p = e.parameters
        var params: [String] = []
        if let v = p.weights { params.append("weights " + v.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        if let v = p.bias { params.append("bias \(v)") }
        if let v = p.marker { params.append("marker \(v)") }
        if let v = p.shifts { params.append("shifts " + v.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)σ" }.joined(separator: " ")) }
        if let v = p.feature { params.append("feature \(v)") }
        if let v = p.probabilities { params.append("probabilities \(v)") }
        if let v = p.affectsLabel { params.append(v ? "affects label" : "after labelling") }
        if let v = p.amount { params.append("amount \(v)") }
        if let v = p.classes { params.append("classes \(v)") }
        if let v = p.factor { params.append("factor \(v)") }
        if let v = p.count { params.append("count \(v)") }
        if let v = p.share { params.append("share \(v)") }
        if let v = p.items { params.append("items \(v)") }
        if let v = p.boost { params.append("boost \(v)") }
        if let v = p.category { params.append("category \(v)") }
        return "\(e.name): \(e.kind.rawValue) \(e.target.rawValue) \(when), strength \(e.strength)"
            + (params.isEmpty ? "" : "; " + params.joined(separator: ", "))
    }
}
