import ArgumentParser
import Experiments
import Foundation
import PolicyGradient
import PolicyRuntime
import ProductionLearner
import SafeFiles
import Simulation
import YAMLConfig

/// `drifttune family`: randomized environment families and the general policies trained on them.
public struct FamilyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "family",
        abstract: "Sample, train on, export and evaluate randomized environment families (environments/families/).",
        discussion: """
            A family file gives ranges for the values a spec fixes (features and their scales, classes, \
            label noise and delay, update regime, drift kind, strength and timing) and draws one spec \
            per episode from the episode's seed. Its subfamilies (by drift kind) are split into train \
            and held_out: `train` draws only from the first, `evaluate` by default only from the second.
            """,
        subcommands: [FamilySampleCommand.self, FamilyTrainCommand.self, FamilyExportCommand.self, FamilyEvaluateCommand.self])

    public init() {}
}

/// Which learner the family's specs run: the file's `model`, or `--model`.
struct FamilyModelOption: ParsableArguments {
    @Option(help: "Learner model instead of the family file's (e.g. fm or mlp on the binary family): the general policy of another learner.")
    var model: String?

    /// The family file with `--model` applied.
    func load(_ file: String) throws -> (family: EnvironmentFamily, environment: String) {
        let f = try EnvironmentFamily.load(file: file)
        guard let model, model != f.model else { return (f, "family:\(f.name)") }
        do {
            return (try f.with(model: model), "family:\(f.name)/model=\(model)")
        } catch let e as ConfigError {
            throw UserError("--model \(inputExcerpt(model, limit: 40)): \(e)")
        }
    }
}

/// Which subfamilies a command draws from.
struct SubfamilyOptions: ParsableArguments {
    @Option(help: "Comma-separated subfamilies to draw from (default: the family's held_out for sample and evaluate, train for train).")
    var subfamilies: String?
    @Option(help: "Draw only this update regime, online or deployed (one of the family's); every other draw stays the same.")
    var updates: String?

    /// `family` drawing only the `--updates` regime (unchanged without it). The regime is still
    /// drawn from the seed's stream, so every other value of a seed's spec is the same as without it.
    func restrictingUpdates(_ family: EnvironmentFamily) throws -> EnvironmentFamily {
        guard let updates else { return family }
        guard let regime = UpdateRegime(rawValue: updates), family.stream.updates.contains(regime) else {
            throw UserError("--updates \(inputExcerpt(updates, limit: 40)): expected one of the family's regimes: \(family.stream.updates.map(\.rawValue).joined(separator: ", "))")
        }
        var f = family
        f.stream.updates = [regime]
        return f
    }

    func resolve(_ family: EnvironmentFamily, default def: [String]) throws -> [String] {
        guard let subfamilies else { return def }
        let names = subfamilies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for n in names where !family.subfamilyNames.contains(n) {
            throw UserError("--subfamilies: no subfamily '\(inputExcerpt(n, limit: 40))' in \(family.file); expected one of \(family.subfamilyNames.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw UserError("--subfamilies: expected at least one name") }
        return names
    }
}

/// `drifttune family sample`: the spec an episode seed draws.
public struct FamilySampleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Print the spec drawn for each seed (the same seed always gives the same spec).")

    @Argument(help: "Family file (YAML).") var family: String
    @Option(help: "Seeds: A..B or one seed.") var seeds = "0"
    @OptionGroup var select: SubfamilyOptions

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let f = try select.restrictingUpdates(try EnvironmentFamily.load(file: family))
            let subs = try select.resolve(f, default: f.heldOut)
            for seed in try SeedRange.parse(seeds) {
                try emit("seed \(seed): " + FamilySampleCommand.describe(try f.spec(seed: seed, subfamilies: subs)))
            }
        }
    }

    /// One line per spec: what was drawn.
    static func describe(_ s: EnvironmentSpec) -> String {
        var parts = ["\(s.name) model \(s.learner.model) updates \(s.learner.updates.rawValue) standardize \(s.learner.standardize)",
                     "\(s.featureCount) features, \(s.classCount) classes, label noise \(String(format: "%.3f", s.labels.noise)), delay \(s.labels.delay)"]
        switch s.labelModel {
        case .logistic:
            let scales = s.features.compactMap { g -> Double? in
                if case .numeric(_, let std, let loading) = g.distribution { return (std * std + loading * loading).squareRoot() }
                return nil
            }
            if let lo = scales.min(), let hi = scales.max() { parts.append(String(format: "column scales %.3g…%.3g", lo, hi)) }
        case .centroids(let k, let initial, let sep, let noise, let zipf):
            parts.append(String(format: "%d classes (%d at first), separation %.3g, noise %.3g, zipf %.2f", k, initial, sep, noise, zipf))
        case .factorization: break
        }
        let events = s.drift.map { e in
            String(format: "%@ %@ start %.0f duration %.1f%@ strength %.2f", e.kind.rawValue, e.target.rawValue, e.start, e.duration,
                   e.kind == .recurring ? String(format: " every %.0f", e.every) : "", e.strength)
        }
        parts.append("drift: " + (events.isEmpty ? "none" : events.joined(separator: "; ")))
        return parts.joined(separator: " | ")
    }
}

/// `drifttune family train`: PPO across the family's training subfamilies.
public struct FamilyTrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the agent across a family: every episode draws its spec from the training subfamilies.",
        discussion: """
            Same trainer, outputs, progress, Ctrl-C and --resume as `drifttune train`; the defaults are \
            `drifttune train`'s for the base spec's episode length, then --config, then flags. The final \
            greedy evaluation runs on held-out seeds of the training subfamilies; `family evaluate` \
            scores the held-out subfamilies.
            """)

    @Argument(help: "Family file (YAML).") var family: String
    @OptionGroup var select: SubfamilyOptions
    @Option(help: "Training budget in environment steps.") var steps: Int?
    @Option(help: "Run seed.") var seed: UInt64 = 1
    @Option(help: "Output directory (default: runs/family-NAME-seedS).") var out: String?
    @Option(help: "YAML file of hyperparameters (the keys of `drifttune train --config`).") var config: String?
    @Option(help: "Threads that step environments (default: all cores). Results do not depend on it.") var jobs: Int?
    @Flag(help: "Run shadow learners at the neighbouring learning rates; the agent reads observation schema v2 and pays their compute.")
    var shadowLearners = false
    @Flag(help: "The shadow learners also run at the neighbouring batch sizes (needs --shadow-learners); the agent reads observation schema v3 and pays their compute.")
    var batchShadows = false
    @Flag(help: "The agent's learning-rate head steps one bin down, stays or steps up from the current rate, instead of naming a bin.")
    var lrSteps = false
    @Flag(help: "The agent's batch-size head steps one bin down, stays or steps up from the current batch size, instead of naming a bin.")
    var batchSteps = false
    @Option(help: ArgumentHelp("Start PPO at the rule that steps toward a shadow learner that beat the live one (strength α in (0, 20]); needs --lr-steps, --shadow-learners and a --config with normalize_observations: false. With --batch-steps and --batch-shadows the batch-size head follows the same rule.", valueName: "α"))
    var evidenceAnchor: Float?
    @Option(help: "The anchor's threshold: how far (in ln K of period log-loss) a shadow must be ahead before the rule moves.")
    var evidenceThreshold: Float = EvidenceAnchor.defaultThreshold
    @Flag(help: "Run an expert pool (one learner per learning rate × batch size; the action chooses which serves); the agent reads observation schema v4 and pays every expert's compute. Needs --updates online.")
    var experts = false
    @Option(help: "With --experts: experts within this much of the best decayed mean metric count as tied, and the fastest (lr / batch) leads (0 to 1; default 0.001; 0: the best score). A value other than the default is recorded in the run, and `family export` writes it.")
    var expertTolerance: Double?
    @Option(help: "With --experts: serve every sample by the leader of the experts' per-sample correctness, decayed to half in this many samples (0: each period's chosen expert serves it whole; the default). A value above 0 is recorded in the run, and `family export` writes it.")
    var expertHalfLife: Int?
    @Option(help: ArgumentHelp("Start PPO at the rule that serves the pool's leader (strength α in (0, 20]); needs --experts and a --config with normalize_observations: false.", valueName: "α"))
    var leaderAnchor: Float?
    @OptionGroup var learner: FamilyModelOption
    @Flag(help: "Continue the run saved in --out from its last checkpoint.") var resume = false
    @Flag(help: "End by printing one JSON object.") var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            var (f, name) = try learner.load(family)
            f = try select.restrictingUpdates(f)
            if let updates = select.updates {
                guard updates == UpdateRegime.online.rawValue else {
                    throw UserError("--updates \(inputExcerpt(updates, limit: 40)): a general policy's production loop is online (`family export`); train it on online or on both regimes")
                }
                name += FamilyExportCommand.onlineSuffix
            }
            f.base.learner.shadowLearners = shadowLearners
            if batchShadows {
                guard shadowLearners else { throw UserError("--batch-shadows runs beside the learning-rate shadows: give --shadow-learners too") }
                f.base.learner.batchShadows = true
            }
            if lrSteps {
                f.base.actions.learningRateHead = .steps
                name += FamilyExportCommand.stepsSuffix
            }
            if batchSteps {
                f.base.actions.batchSizeHead = .steps
                name += FamilyExportCommand.batchStepsSuffix
            }
            if evidenceAnchor == nil, evidenceThreshold != EvidenceAnchor.defaultThreshold {
                throw UserError("--evidence-threshold sets the threshold of --evidence-anchor; give both or neither")
            }
            if evidenceAnchor != nil {
                guard lrSteps, shadowLearners else { throw UserError("--evidence-anchor needs --lr-steps and --shadow-learners") }
                name += FamilyExportCommand.evidenceAnchorSuffix
            }
            if experts {
                guard select.updates == UpdateRegime.online.rawValue else {
                    throw UserError("--experts: an expert pool learns online; give --updates online")
                }
                guard !shadowLearners else { throw UserError("--experts replaces the shadow learners; drop --shadow-learners") }
                f.base.learner.experts = true
                name += FamilyExportCommand.expertsSuffix
                if let expertTolerance {
                    guard expertTolerance.isFinite, (0...1).contains(expertTolerance) else {
                        throw UserError("--expert-tolerance \(expertTolerance): expected 0 to 1")
                    }
                    f.base.learner.expertTolerance = expertTolerance
                    if expertTolerance != LoopSettings.defaultExpertTolerance {
                        name += FamilyExportCommand.toleranceSuffixPrefix + "\(expertTolerance)"
                    }
                }
                if let expertHalfLife {
                    guard (0...LoopSettings.maxExpertHalfLife).contains(expertHalfLife) else {
                        throw UserError("--expert-half-life \(expertHalfLife): expected 0 to \(LoopSettings.maxExpertHalfLife) samples")
                    }
                    f.base.learner.expertHalfLife = expertHalfLife
                    if expertHalfLife > 0 { name += FamilyExportCommand.halfLifeSuffixPrefix + "\(expertHalfLife)" }
                }
            } else if expertTolerance != nil {
                throw UserError("--expert-tolerance: only with --experts")
            } else if expertHalfLife != nil {
                throw UserError("--expert-half-life: only with --experts")
            }
            if leaderAnchor != nil {
                guard experts, !lrSteps, !batchSteps else { throw UserError("--leader-anchor needs --experts and bins heads (no --lr-steps or --batch-steps)") }
                name += FamilyExportCommand.leaderAnchorSuffix
            }
            let subs = try select.resolve(f, default: f.train)
            let prototype = try FamilyEnvironmentAdapter(family: f, subfamilies: subs, components: .standard)
            let factory: (Int) -> FamilyEnvironmentAdapter = { _ in prototype }
            let directory = URL(fileURLWithPath: out ?? "runs/family-\(f.name)-seed\(seed)")
            let run: TrainingRun<FamilyEnvironmentAdapter>
            if resume {
                guard config == nil else { throw UserError("--resume continues with the checkpoint's hyperparameters; drop --config") }
                run = try TrainingRun(resumingIn: directory, environment: name, environmentFactory: factory)
            } else {
                var s = TrainingSettings.tuning(episodeLength: f.base.episodeLength, workers: ProcessInfo.processInfo.activeProcessorCount)
                if let config {
                    try InputConfinement.requireYAMLMappingFile(config, what: "training settings (YAML)")
                    s = try s.applying(yamlFile: config)
                }
                if let steps { s.config.steps = steps }
                if let jobs { s.config.environmentWorkers = jobs }
                try s.validate()
                if evidenceAnchor != nil || leaderAnchor != nil, s.config.normalizeObservations || s.config.activation != .tanh {
                    throw UserError("\(evidenceAnchor != nil ? "--evidence-anchor" : "--leader-anchor"): the anchor reads raw observations through tanh units; give a --config with normalize_observations: false and activation: tanh")
                }
                run = try TrainingRun(environment: name, settings: s, seed: seed, directory: directory, environmentFactory: factory)
                if let evidenceAnchor {
                    do {
                        run.trainer.network.parameterVector = try EvidenceAnchor.anchored(
                            parameters: run.trainer.network.parameterVector, network: run.trainer.network,
                            actions: f.base.actionBins, strength: evidenceAnchor, threshold: evidenceThreshold)
                    } catch let e as SweepError {
                        throw UserError("--evidence-anchor: \(e)")
                    }
                }
                if let leaderAnchor {
                    do {
                        run.trainer.network.parameterVector = try LeaderAnchor.anchored(
                            parameters: run.trainer.network.parameterVector, network: run.trainer.network,
                            actions: f.base.actionBins, strength: leaderAnchor)
                    } catch let e as SweepError {
                        throw UserError("--leader-anchor: \(e)")
                    }
                }
            }
            let (evaluation, summary) = try run.runToBudget(directory: directory)
            if json {
                try emit(try SnakeCaseJSON.string(summary))
            } else {
                try emit(String(format: "%@ (%@) seed %llu: %d steps in %.1f s; greedy evaluation on %d seeds of the training subfamilies: mean reward %.3f ± %.3f (std)",
                                name, subs.joined(separator: ","), seed, summary.envSteps, summary.wallSeconds, evaluation.returns.count,
                                evaluation.meanReturn, evaluation.stdReturn))
                try emit("curve: \(run.curveURL.path)\ncheckpoint: \(run.checkpointURL.path)")
            }
        }
    }
}

/// `drifttune family export`: a family run's checkpoint → the general policy file.
public struct FamilyExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a family run to a policy file with the family's production loop.",
        discussion: """
            The file's loop, bins and fallback are the family's production spec: the base spec's period, \
            warm-up, window, epochs and bins, the family's model and standardization, no label delay and \
            online updates (the loop `drifttune learn` runs on a stream whose label is in the same row).
            """)

    @Argument(help: "A checkpoint.json written by `drifttune family train`, or its run directory.") var checkpoint: String
    @Option(help: "The family file the run was trained on.") var family: String
    @Option(help: "Output policy file.") var out: String
    @OptionGroup var learner: FamilyModelOption
    @Flag(help: "Print one JSON object (file, environment, SHA-256).") var json = false

    /// What `family train --updates online` appends to the run's environment name (before the heads').
    static let onlineSuffix = "/updates=online"
    /// What `family train --lr-steps` appends to the run's environment name.
    static let stepsSuffix = "/lr=steps"
    /// What `family train --batch-steps` appends after it.
    static let batchStepsSuffix = "/batch=steps"
    /// What `family train --evidence-anchor` appends after `stepsSuffix`: the run started at the
    /// evidence rule (`EvidenceAnchor`); its policy file is like any other steps policy.
    static let evidenceAnchorSuffix = "/anchor=evidence"
    /// Recorded by `family train --experts`: the agent chose among an expert pool's experts.
    static let expertsSuffix = "/experts"
    /// Recorded after `expertsSuffix` by `family train --expert-tolerance T` when T is not the
    /// default: `/tolerance=T`, which export writes to the file's loop.
    static let toleranceSuffixPrefix = "/tolerance="
    /// Recorded after the tolerance by `family train --expert-half-life N` when N > 0:
    /// `/half-life=N`, which export writes to the file's loop.
    static let halfLifeSuffixPrefix = "/half-life="
    /// Recorded by `family train --leader-anchor`: PPO started at the pool's leader rule (`LeaderAnchor`).
    static let leaderAnchorSuffix = "/anchor=leader"

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let (f, name) = try learner.load(family)
            let saved = try TrainingCheckpoint.read(fileOrRunDirectory: checkpoint)
            // A run records --updates online, --lr-steps, --batch-steps, --evidence-anchor, --experts (with
            // --expert-tolerance and --expert-half-life) and --leader-anchor in its environment name, in that order; the exported
            // loop is online in any case.
            let sameFamily = saved.environment.hasPrefix(name)
            var rest = Substring(saved.environment).dropFirst(sameFamily ? name.count : 0)
            var recorded: Set<String> = []
            var tolerance = LoopSettings.defaultExpertTolerance
            var halfLife = 0
            for suffix in [Self.onlineSuffix, Self.stepsSuffix, Self.batchStepsSuffix, Self.evidenceAnchorSuffix,
                           Self.expertsSuffix, Self.toleranceSuffixPrefix, Self.halfLifeSuffixPrefix,
                           Self.leaderAnchorSuffix] where rest.hasPrefix(suffix) {
                recorded.insert(suffix)
                rest = rest.dropFirst(suffix.count)
                if suffix == Self.toleranceSuffixPrefix {
                    let value = rest.prefix { $0 != "/" }
                    guard let t = Double(value), t.isFinite, (0...1).contains(t) else {
                        throw UserError("\(checkpoint): its run records an expert tolerance of '\(value)', expected 0 to 1")
                    }
                    tolerance = t
                    rest = rest.dropFirst(value.count)
                }
                if suffix == Self.halfLifeSuffixPrefix {
                    let value = rest.prefix { $0 != "/" }
                    guard let n = Int(value), (1...LoopSettings.maxExpertHalfLife).contains(n) else {
                        throw UserError("\(checkpoint): its run records an expert half-life of '\(value)', expected 1 to \(LoopSettings.maxExpertHalfLife) samples")
                    }
                    halfLife = n
                    rest = rest.dropFirst(value.count)
                }
            }
            guard sameFamily, rest.isEmpty else {
                throw UserError("\(checkpoint): trained on \(saved.environment), not \(name) (give export the family and --model the run was trained with)")
            }
            var spec = f.productionSpec
            if recorded.contains(Self.stepsSuffix) { spec.actions.learningRateHead = .steps }
            if recorded.contains(Self.batchStepsSuffix) { spec.actions.batchSizeHead = .steps }
            // A run with shadow learners reads schema v2, with batch-size shadows v3, with an expert pool v4:
            // its network's input says which.
            let version = EnvironmentSpec.schemaVersion(forInputs: saved.trainer.architecture.observationSize)
            if version == 4, spec.learner.updates != .online {
                throw UserError("\(checkpoint): an expert-pool policy runs online; the family's production loop deploys updates")
            }
            spec = spec.withLoop(forSchema: version)
            if version == 4 {
                spec.learner.expertTolerance = tolerance
                spec.learner.expertHalfLife = halfLife
            }
            let provenance = PolicyDocument.Provenance(
                environment: saved.environment, scenario: f.file, algorithm: saved.settings.config.algorithm.rawValue,
                seeds: [saved.trainer.seed], gitCommit: Manifest.gitCommit(), toolVersion: DriftTuneVersion.current)
            let document = try PolicyExport.document(checkpoint: saved, spec: spec, provenance: provenance)
            try PolicyFile.write(document, to: out)
            let digest = SHA256.hex(of: try PolicyFile.encode(document))
            if json {
                try emit(try SimulationOutput.json(ExportJSON(file: out, environment: name, sha256: digest,
                                                           evaluationMeanReward: nil, evaluationStdReward: nil, evaluationEpisodes: nil)))
            } else {
                try emit("wrote \(out): general policy of family \(f.name) (\(f.model)), sha256 \(digest.prefix(16))…")
            }
        }
    }
}

/// `drifttune family evaluate`: policies against the rules and the best static setting in hindsight.
public struct FamilyEvaluateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score policy files, the hand-written rules and the best static setting in hindsight on a family's held-out subfamilies.",
        discussion: """
            One episode per seed, each seed with its own drawn spec, every method on the same seeds. \
            The first --policy is the reference of the paired column. static-hindsight is the best of \
            every learning rate × batch size without retraining and every learning rate with \
            periodic:10, adwin or ddm at the default batch size, chosen on these very seeds; \
            static-per-environment picks that grid's best setting on each seed separately (what \
            choosing a static setting per environment is worth).
            """)

    @Argument(help: "Family file (YAML).") var family: String
    @Option(name: .customLong("policy"), help: "NAME=FILE of a policy to score (repeatable).") var policies: [String] = []
    @Option(help: "Seeds: A..B or one seed.") var seeds = "0..39"
    @OptionGroup var select: SubfamilyOptions
    @Option(help: "Threads (default: all cores). Results do not depend on it.") var jobs: Int?
    @Option(help: "Also write the Markdown table here.") var out: String?
    @Option(help: "Also write every static setting of the hindsight grid, with its per-seed rewards, here (JSON rows).")
    var gridOut: String?
    @Flag(help: "Print the rows as JSON.") var json = false
    @Flag(help: "Also score the expert pool serving its leader (`learn --policy leader`'s rule, decay 0.9, every expert's compute charged); needs --updates online.")
    var leader = false
    @OptionGroup var learner: FamilyModelOption

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let f = try select.restrictingUpdates(try learner.load(family).0)
            let subs = try select.resolve(f, default: f.heldOut)
            var methods: [(String, AnyPolicy)] = []
            var schemas: [String: Int] = [:]
            var pools: [String: LoopSettings] = [:]
            for p in policies {
                let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw UserError("--policy \(inputExcerpt(p, limit: 60)): expected NAME=FILE") }
                let loaded = try TunedPolicy.loadForOwnLoop(parts[1])
                schemas[parts[0]] = loaded.document.observationSchema.version
                if let loop = loaded.document.loop, loop.experts { pools[parts[0]] = loop }
                let a = loaded.document.actions, b = f.base.actionBins
                guard a.learningRates == b.learningRates, a.batchSizes == b.batchSizes, a.retrainChoices == b.retrainChoices else {
                    throw UserError("--policy \(parts[1]): its action bins (learning rates \(a.learningRates), batch sizes \(a.batchSizes)) differ from the family's (\(b.learningRates), \(b.batchSizes))")
                }
                methods.append((parts[0], AnyPolicy(loaded)))
            }
            if leader {
                methods.append(("leader (expert pool)", AnyPolicy(LeaderRule())))
                schemas["leader (expert pool)"] = 4
            }
            methods += FamilyEvaluation.rules()
            let evaluation = try FamilyEvaluation(family: f, subfamilies: subs, seeds: try SeedRange.parse(seeds))
            if !evaluation.canRunExpertPool, let pooled = schemas.first(where: { $0.value == 4 }) {
                throw UserError("\(pooled.key): an expert pool learns online, and some drawn environments deploy updates; give --updates online")
            }
            var grid: [FamilyEvaluation.Row] = []
            let rows = evaluation.run(methods: methods, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                      schemas: schemas, pools: pools, progress: { name in warn("drifttune: \(name) done\n") },
                                      gridRow: { grid.append($0) })
            let table = FamilyEvaluation.markdown(rows)
            if let out { try OutputFile.write(Data((table + "\n").utf8), to: out) }
            if let gridOut { try OutputFile.write(Data((try SnakeCaseJSON.string(grid) + "\n").utf8), to: gridOut) }
            if json {
                try emit(try SnakeCaseJSON.string(rows))
            } else {
                try emit("family \(f.name), subfamilies \(subs.joined(separator: ",")), seeds \(seeds)\n" + table)
            }
        }
    }
}
