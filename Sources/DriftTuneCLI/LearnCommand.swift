import ArgumentParser
import DriftDetection
import Foundation
import Learners
import PolicyRegistry
import PolicyRuntime
import ProductionLearner
import SafeFiles
import Simulation

/// `drifttune learn`: the production learner on a real stream, following a policy.
public struct LearnCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Run the production learner prequentially on a CSV stream, following a policy every period.",
        discussion: """
            The learner predicts every sample before it learns from it. Every period the monitor's \
            observation goes to the policy, whose action (learning rate, batch size, retrain) is \
            applied before the next period, through the same loop the simulator runs. --policy takes a \
            policy file, registry:NAME@production (or @canary), general (the shipped general policy for \
            the learner: logistic, or softmax with --classes K > 2 or --model softmax, or fm or mlp with \
            --model; results/general/), leader (an expert pool: one learner per learning rate × batch \
            size of the bins, each learning online at its own setting; every sample goes to the leader of \
            the experts' per-sample correctness decayed to half in --leader-half-life samples (default \
            without --env: the period), the leader being, of the experts within --leader-tolerance of the \
            best, the one with the highest learning rate per sample; with --leader-half-life 0 each period \
            is served whole by the leader of the period metrics decayed by --leader-decay; every \
            expert's compute is counted), or a hand-written rule: \(HandWrittenRule.help). Loop settings, \
            action bins and the default action come from the policy file, else from --env's spec, else \
            from the values below; the options override them. A policy file whose loop runs shadow \
            learners (observation schema v2, or v3 with batch-size shadows) makes learn run them too, and their compute is logged; \
            one whose loop runs an expert pool (schema v4, loop.experts) makes learn run the pool, the policy choosing \
            which expert serves, and logs every expert's metric and compute. \
            With --env and --seed equal to a `drifttune stream` seed, learn reproduces `drifttune \
            simulate` period for period. The stream (a file or standard input) is read a period at a \
            time in constant memory and --log is written as the run goes. Features are standardized \
            online (running mean and variance) unless the policy file's or --env's loop says not to, \
            or --standardize false.
            """)

    @OptionGroup var location: EnvironmentOptions
    @Option(help: "A policy file, registry:NAME@CHANNEL, general, leader, or a rule: \(HandWrittenRule.help).") var policy: String
    @Option(help: "--policy leader: weight of the past in each expert's score, 0 to 1 (score = decay × score + the period's metric).") var leaderDecay: Double?
    @Option(help: "--policy leader: experts within this much decayed mean metric of the best count as tied, and the one with the highest learning rate per sample (lr / batch) serves; 0 to 1, default 0.001 (0: the best score).") var leaderTolerance: Double?
    @Option(help: "--policy leader: serve every sample by the leader of the experts' per-sample correctness, decayed to half in this many samples; 0 serves each period's leader whole. Default: --env's learner.expert_half_life, else the period length.") var leaderHalfLife: Int?
    @Option(help: "The registry file for registry: policies.") var registry = "policies.sqlite"
    @Option(help: "Take loop settings, action bins, default action and metric from this environment's spec.") var env: String?
    @Option(help: "CSV stream with a header (- for standard input).") var data: String = "-"
    @Option(help: "Label column (class indices 0, 1, …).") var label: String
    @Option(help: "Learner: logistic, softmax, mlp or fm.") var model: String?
    @Option(help: "Samples per period (one decision per period; 1 to 1,000,000).") var period: Int?
    @Option(help: "Periods used to train the initial model before the stream is scored (0 to 10,000).") var warmup: Int?
    @Option(help: "Default learning rate (nearest bin when the bins come from a policy or --env; more than 0, at most 10).") var lr: Float?
    @Option(help: "Default batch size (nearest bin when the bins come from a policy or --env; 1 to 100,000, at most the period).") var batch: Int?
    @Option(help: "Task metric: accuracy, macro_f1 or auc.") var metric: String?
    @Option(help: "Write one JSON line per period here (a regular file is replaced when the run ends; a FIFO or device is written as the run goes).") var log: String?
    @Flag(help: "Add each period's predicted class probabilities (period × classes, row-major) to its --log line, for monitor parity checks.") var logProbabilities = false
    @Flag(help: "Skip malformed rows (each reported by line) instead of refusing the stream.") var skipBadRows = false
    @Option(help: "Standardize features online (running mean and variance): true or false. Default: the policy file's or --env's loop setting, else true.") var standardize: Bool?
    @Option(help: "Classes in the stream (labels 0 to K-1; 2 to 10000). Default: the largest label before the first scored period + 1; binary learners: 2.") var classes: Int?
    @Option(help: "Text feature columns (decided on the first data row): refuse (name the column and stop) or onehot.") var categorical = "refuse"
    @Option(help: "With --categorical onehot: slots per text column, the last shared by every value beyond the first K-1 (2 to 1000).") var maxCategories = 32
    @Option(help: "Seed for initialization and retraining shuffles.") var seed: UInt64 = 0
    @Flag(help: "Print the summary as JSON.") var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let spec = try env.map { try location.catalog().load($0) }
            var setup = try LearnSetup.make(policy: policy, registry: registry, spec: spec, model: model, period: period,
                                            warmup: warmup, lr: lr, batch: batch, metric: metric, seed: seed, standardize: standardize,
                                            classes: classes, leaderDecay: leaderDecay, leaderTolerance: leaderTolerance,
                                            leaderHalfLife: leaderHalfLife)
            if let classes {
                guard (2...LabelledCSV.maxClassCount).contains(classes) else {
                    throw UserError("--classes \(classes): expected 2 to \(LabelledCSV.maxClassCount)")
                }
                setup.run.classCount = classes
            }
            if logProbabilities {
                guard log != nil else { throw UserError("--log-probabilities: needs --log") }
                setup.run.recordProbabilities = true
            }
            let encoding: CategoricalColumns
            switch categorical {
            case "refuse": encoding = .refuse
            case "onehot":
                guard (2...CategoricalColumns.maxCategoriesLimit).contains(maxCategories) else {
                    throw UserError("--max-categories \(maxCategories): expected 2 to \(CategoricalColumns.maxCategoriesLimit)")
                }
                encoding = .oneHot(maxCategories: maxCategories)
            default: throw UserError("--categorical \(inputExcerpt(categorical, limit: 40)): expected refuse or onehot")
            }
            let input = data == "-" ? "<stdin>" : data
            // Rows are read a period at a time; skipped rows are reported as they are met.
            var stream = try CSVStream(path: data, labelColumn: label, skipBadRows: skipBadRows, categorical: encoding) { line, reason in
                warn("drifttune: skipped \(input):\(line): \(reason)\n")
            }
            defer { stream.close() }
            // A regular log file is written as the run goes to a temporary file, which replaces the
            // log when the run ends (a failed run leaves the previous one); a FIFO or device is
            // written through line by line.
            let logFile = try log.map { try OutputFile(path: $0) }
            defer { logFile?.discard() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // The next period is parsed on a second thread while this one runs.
            var rows = PrefetchingRows(stream, readAhead: setup.run.settings.periodLength)
            defer { _ = rows.finish() }  // no read in flight when the stream closes
            let summary = try setup.execute(&rows) { entry in
                try logFile?.write(try encoder.encode(entry) + Data("\n".utf8))
            }
            try logFile?.commit()
            if json {
                try emit(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                try emit(LearnSetup.describe(summary))
            }
        }
    }
}

/// Ranges of `learn`'s flags beyond those a policy file shares (`PolicyLimits`).
public enum LearnLimits {
    public static let maxLearningRate: Float = 10
    public static let maxBatchSize = 100_000
}

/// Resolves `learn`'s options into a run and a policy (reachable from tests and the registry's replay).
public struct LearnSetup {
    public var run: ProductionRun
    /// The policy `execute` follows (`LeaderRule` for `--policy leader`, whose run's loop has `experts`).
    public var policy: any TuningPolicy

    /// The bins of `--policy leader` without a policy file or `--env`: the shipped specs' and general
    /// policies' learning rates (6, log-spaced from 0.003 to 1) and batch sizes.
    public static let leaderBins = ActionBins(
        learningRates: ActionSpec.logSpacedLearningRates(min: 0.003, max: 1, bins: 6).map(Float.init),
        batchSizes: [8, 32, 128, 512])

    /// Runs the stream: the run's loop (one learner, or an expert pool) following `policy`.
    public func execute<Source: RowSource>(_ source: inout Source, log: (PeriodLog) throws -> Void = { _ in }) throws -> RunSummary {
        try run.run(&source, policy: policy, log: log)
    }

    public static func make(policy name: String, registry: String, spec: EnvironmentSpec? = nil, model: String? = nil,
                            period: Int? = nil, warmup: Int? = nil, lr: Float? = nil, batch: Int? = nil, metric: String? = nil,
                            seed: UInt64 = 0, standardize: Bool? = nil, classes: Int? = nil,
                            generalDirectory: String? = nil, leaderDecay: Double? = nil,
                            leaderTolerance: Double? = nil, leaderHalfLife: Int? = nil) throws -> LearnSetup {
        if name != "leader" {
            if leaderDecay != nil { throw UserError("--leader-decay: only with --policy leader") }
            if leaderTolerance != nil { throw UserError("--leader-tolerance: only with --policy leader") }
            if leaderHalfLife != nil { throw UserError("--leader-half-life: only with --policy leader") }
        }
        if name == "leader" {
            let decay = leaderDecay ?? LoopSettings.defaultExpertDecay
            guard decay.isFinite, (0...1).contains(decay) else {
                throw UserError("--leader-decay \(decay): expected 0 to 1")
            }
            let tolerance = leaderTolerance ?? LoopSettings.defaultExpertTolerance
            guard tolerance.isFinite, (0...1).contains(tolerance) else {
                throw UserError("--leader-tolerance \(tolerance): expected 0 to 1")
            }
            var run = try makeRun(policy: nil, spec: spec, model: model, period: period, warmup: warmup, lr: lr, batch: batch,
                                  metric: metric, seed: seed, standardize: standardize)
            if spec == nil {
                run.actions = leaderBins
                run.defaultAction = TuningAction(learningRateBin: leaderBins.nearestLearningRateBin(Double(lr ?? 0.05)),
                                                 batchSizeBin: leaderBins.nearestBatchSizeBin(batch ?? 32))
            }
            guard run.settings.updates == .online else {
                throw UserError("--policy leader: the experts learn online, and --env's loop deploys updates instead (learner.updates: deployed)")
            }
            if let largest = run.actions.batchSizes.last, largest > run.settings.periodLength {
                throw UserError("--policy leader: the largest batch size of the bins (\(largest)) is larger than the period (\(run.settings.periodLength) samples)")
            }
            run.settings.experts = true
            run.settings.expertDecay = decay
            run.settings.expertTolerance = tolerance
            // Without --env, a new loop: serve sample by sample with a period's memory. An --env spec says for itself.
            let halfLife = leaderHalfLife ?? spec.map { $0.learner.expertHalfLife } ?? run.settings.periodLength
            guard (0...LoopSettings.maxExpertHalfLife).contains(halfLife) else {
                throw UserError("--leader-half-life \(halfLife): expected 0 to \(LoopSettings.maxExpertHalfLife) samples")
            }
            run.settings.expertHalfLife = halfLife
            if let problem = run.settings.expertPoolProblem { throw UserError("--policy leader: \(problem)") }
            return LearnSetup(run: run, policy: LeaderRule())
        }
        if name == GeneralPolicy.name {
            let file = try GeneralPolicy.path(model: try GeneralPolicy.model(explicit: model, classes: classes), directory: generalDirectory)
            return try make(policy: file, registry: registry, spec: spec, model: model, period: period, warmup: warmup, lr: lr,
                            batch: batch, metric: metric, seed: seed, standardize: standardize)
        }
        if name == "oracle" {
            throw UserError("--policy oracle: the oracle is told the drift schedule, which only `drifttune simulate` knows")
        }
        if name.hasPrefix("periodic:") && HandWrittenRule.periodicInterval(name) == nil {
            throw UserError("--policy \(inputExcerpt(name)): expected periodic:K with K a whole number of periods, 1 to 1000000")
        }
        var loaded: TunedPolicy?
        let policy: any TuningPolicy
        if let rule = HandWrittenRule.parse(name) {
            policy = rule
        } else if name.hasPrefix("registry:") {
            let p = try Registry(path: registry).policy(reference: String(name.dropFirst("registry:".count)))
            try p.requireOwnLoopSchema(file: name)
            loaded = p
            policy = p
        } else {
            guard FileManager.default.fileExists(atPath: name) else {
                throw UserError("--policy \(name): expected a policy file, registry:NAME@CHANNEL, general, leader or a rule (\(HandWrittenRule.help))")
            }
            let p = try TunedPolicy.loadForOwnLoop(name)
            loaded = p
            policy = p
        }
        return LearnSetup(run: try makeRun(policy: loaded, spec: spec, model: model, period: period, warmup: warmup, lr: lr,
                                           batch: batch, metric: metric, seed: seed, standardize: standardize), policy: policy)
    }

    /// The run: loop settings, bins and default action from the policy file, else the spec, else
    /// defaults (logistic, 1,000-sample periods, window 4 periods, one warm-up period, lr 0.05,
    /// batch 32, features standardized); the options override them.
    static func makeRun(policy: TunedPolicy?, spec: EnvironmentSpec? = nil, model: String? = nil, period: Int? = nil,
                        warmup: Int? = nil, lr: Float? = nil, batch: Int? = nil, metric: String? = nil,
                        seed: UInt64, standardize: Bool? = nil) throws -> ProductionRun {
        if let lr, !(lr.isFinite && lr > 0 && lr <= LearnLimits.maxLearningRate) {
            throw UserError("--lr \(lr): expected a learning rate in (0, \(LearnLimits.maxLearningRate)]")
        }
        if let batch, !(1...LearnLimits.maxBatchSize).contains(batch) {
            throw UserError("--batch \(batch): expected 1 to \(LearnLimits.maxBatchSize)")
        }
        var loop = policy?.document.loop ?? spec?.loopSettings
            ?? LoopSettings(model: "logistic", periodLength: 1000, window: 4000, computeBudget: 100, episodeLength: 100,
                            warmupPeriods: 1, standardize: true)
        if let standardize { loop.standardize = standardize }
        if let model { loop.model = model }
        guard let kind = LearnerKind(rawValue: loop.model) else {
            throw UserError("--model \(loop.model): expected one of \(LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let period {
            guard (1...PolicyLimits.maxPeriodLength).contains(period) else {
                throw UserError("--period \(period): expected 1 to \(PolicyLimits.maxPeriodLength) samples")
            }
            if policy?.document.loop == nil && spec == nil { loop.window = 4 * period }
            loop.periodLength = period
        }
        if let warmup {
            guard (0...PolicyLimits.maxWarmupPeriods).contains(warmup) else {
                throw UserError("--warmup \(warmup): expected 0 to \(PolicyLimits.maxWarmupPeriods) periods")
            }
            loop.warmupPeriods = warmup
        }
        if let batch, batch > loop.periodLength {
            throw UserError("--batch \(batch): larger than the period (\(loop.periodLength) samples), so the learner would never update")
        }
        var actions: ActionBins
        var defaultAction: TuningAction
        if let bins = policy?.document.actions ?? spec?.actionBins {
            actions = bins
            defaultAction = policy?.document.fallback ?? spec?.defaultAction ?? TuningAction(learningRateBin: 0, batchSizeBin: 0)
            defaultAction.retrain = .none
            defaultAction.learnOnline = true
            if let lr { defaultAction.learningRateBin = bins.nearestLearningRateBin(Double(lr)) }
            if let batch { defaultAction.batchSizeBin = bins.nearestBatchSizeBin(batch) }
        } else {
            actions = ActionBins(learningRates: [lr ?? 0.05], batchSizes: [batch ?? 32])
            defaultAction = TuningAction(learningRateBin: 0, batchSizeBin: 0)
        }
        // The metric the policy was trained with (its loop's), else the spec's, else the model's default.
        let metricName = metric ?? loop.metric ?? spec?.metric.rawValue ?? (kind == .fm ? "auc" : "accuracy")
        guard let taskMetric = TaskMetric(rawValue: metricName) else {
            throw UserError("--metric \(metricName): expected accuracy, macro_f1 or auc")
        }
        return ProductionRun(model: kind, metric: taskMetric, settings: loop, actions: actions, defaultAction: defaultAction,
                             seed: seed)
    }

    /// The human-readable summary.
    public static func describe(_ s: RunSummary) -> String {
        var lines = [
            "controller \(s.controller), model \(s.model), \(s.samples) samples, \(s.periods) periods",
            String(format: "mean %@ %.4f, full retrains %d, fine-tunes %d, compute %.2f units", s.metric, s.meanMetric, s.retrains, s.fineTunes, s.compute),
        ]
        if s.skippedRows > 0 { lines.append("skipped \(s.skippedRows) malformed rows (listed above)") }
        if !s.fallbacks.isEmpty { lines.append("guardrail fallbacks: \(s.fallbacks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))") }
        if let stop = s.stoppedEarly { lines.append("stopped early: \(stop)") }
        return lines.joined(separator: "\n")
    }
}
