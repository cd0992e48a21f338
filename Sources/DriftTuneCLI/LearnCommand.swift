import ArgumentParser
import DriftDetection
import Foundation
import Learners
import PolicyRegistry
import PolicyRuntime
import ProductionLearner

/// `drifttune learn`: the production learner on a real stream, following a policy.
public struct LearnCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Run the production learner prequentially on a CSV stream, following a policy every period.",
        discussion: """
            The learner predicts every sample before it learns from it. Every period the monitor's \
            observation goes to the policy, whose decision (learning rate, batch size, retrain) is \
            applied before the next period. --policy takes a policy file, registry:NAME@production \
            (or @canary), or a hand-written rule: none, periodic:K, adwin, ddm. Settings default to \
            those recorded in the policy file, else to the values below.
            """)

    @Option(help: "A policy file, registry:NAME@CHANNEL, none, periodic:K, adwin or ddm.") var policy: String
    @Option(help: "The registry file for registry: policies.") var registry = "policies.sqlite"
    @Option(help: "CSV stream with a header (- for standard input).") var data: String = "-"
    @Option(help: "Label column (class indices 0, 1, …).") var label: String
    @Option(help: "Learner: logistic, softmax, mlp or fm.") var model: String?
    @Option(help: "Samples per period (one decision per period; 1 to 1,000,000).") var period: Int?
    @Option(help: "Periods used to train the initial model before the stream is scored (0 to 10,000).") var warmup: Int?
    @Option(help: "Default learning rate (hand-written rules, and the first period; more than 0, at most 10).") var lr: Float?
    @Option(help: "Default batch size (1 to 100,000, and at most the period).") var batch: Int?
    @Option(help: "Task metric: accuracy, macro_f1 or auc.") var metric: String?
    @Option(help: "Write one JSON line per period here (a regular file is replaced when the run ends; a FIFO or device is written as the run goes).") var log: String?
    @Flag(help: "Skip malformed rows (each reported by line) instead of refusing the stream.") var skipBadRows = false
    @Option(help: "Seed for initialization and retraining shuffles.") var seed: UInt64 = 0
    @Flag(help: "Print the summary as JSON.") var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let setup = try LearnSetup.make(policy: policy, registry: registry, model: model, period: period, warmup: warmup,
                                            lr: lr, batch: batch, metric: metric, seed: seed)
            let stream = try LabelledCSV.read(path: data, labelColumn: label, skipBadRows: skipBadRows)
            try LearnLimits.checkSizes(setup.run, stream: stream)
            for (line, reason) in stream.skipped {
                warn("drifttune: skipped \(data == "-" ? "<stdin>" : data):\(line): \(reason)\n")
            }
            // A regular log file is replaced when the run ends (a failed run leaves the previous one);
            // a FIFO or device is written through line by line.
            let logFile = try log.map { try OutputFile(path: $0) }
            defer { logFile?.discard() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let summary = try setup.run.run(stream, controller: setup.controller) { entry in
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
    /// The most floats a buffer sized by the stream may hold (window or period × features,
    /// classes × features): 2^28 (1 GiB), products computed with overflow checks.
    public static let maxCells = 1 << 28

    /// Refuses a run whose buffers (the retrain window, one period, the per-class weights) would
    /// exceed `maxCells` for this stream's feature and class counts, before anything is allocated.
    public static func checkSizes(_ run: ProductionRun, stream: LabelledCSV) throws {
        let f = max(stream.featureCount, 1)
        for (what, count) in [("the window (\(run.settings.window) samples)", run.settings.window),
                              ("a period (\(run.settings.periodLength) samples)", run.settings.periodLength),
                              ("the classes (\(stream.classCount))", stream.classCount)] {
            let (cells, overflow) = count.multipliedReportingOverflow(by: f)
            guard !overflow, cells <= maxCells else {
                throw UserError("\(what) × \(f) features is more than \(maxCells) values; use a shorter window or period, or fewer features")
            }
        }
    }
}

/// Resolves `learn`'s options into a run and a controller (reachable from tests and the registry's replay).
public struct LearnSetup {
    public var run: ProductionRun
    public var controller: Controller

    public static func make(policy: String, registry: String, model: String?, period: Int?, warmup: Int?, lr: Float?,
                            batch: Int?, metric: String?, seed: UInt64) throws -> LearnSetup {
        var controller: Controller
        var loaded: TunedPolicy?
        if let rule = Controller.handWritten(policy) {
            controller = rule
        } else if policy.hasPrefix("periodic:") {
            throw UserError("--policy \(inputExcerpt(policy)): expected periodic:K with K a whole number of periods, at least 1")
        } else if policy.hasPrefix("registry:") {
            let p = try Registry(path: registry).policy(reference: String(policy.dropFirst("registry:".count)))
            loaded = p
            controller = .policy(p)
        } else {
            let p = try TunedPolicy.load(policy, expectingSchema: ObservationSchema.v1.version,
                                         expectingFeatures: ObservationSchema.v1.features.map(\.name))
            loaded = p
            controller = .policy(p)
        }
        return LearnSetup(run: try makeRun(policy: loaded, model: model, period: period, warmup: warmup, lr: lr, batch: batch,
                                           metric: metric, seed: seed), controller: controller)
    }

    static func makeRun(policy: TunedPolicy?, model: String?, period: Int?, warmup: Int?, lr: Float?, batch: Int?,
                        metric: String?, seed: UInt64) throws -> ProductionRun {
        let loop = policy?.document.loop
        let actions = policy?.document.actions
        let modelName = model ?? loop?.model ?? "logistic"
        guard let kind = LearnerKind(rawValue: modelName) else {
            throw UserError("--model \(modelName): expected one of \(LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let periodLength = period ?? loop?.periodLength ?? 1000
        guard (1...PolicyLimits.maxPeriodLength).contains(periodLength) else {
            throw UserError("--period \(periodLength): expected 1 to \(PolicyLimits.maxPeriodLength) samples")
        }
        let warmupPeriods = warmup ?? loop?.warmupPeriods ?? 1
        guard (0...PolicyLimits.maxWarmupPeriods).contains(warmupPeriods) else {
            throw UserError("--warmup \(warmupPeriods): expected 0 to \(PolicyLimits.maxWarmupPeriods) periods")
        }
        let fallback = policy.map { ($0.document.actions, $0.document.fallback) }
        let learningRate = lr ?? fallback.map { $0.learningRates[$1.learningRateBin] } ?? 0.05
        let batchSize = batch ?? fallback.map { $0.batchSizes[$1.batchSizeBin] } ?? 32
        guard learningRate.isFinite, learningRate > 0, learningRate <= LearnLimits.maxLearningRate else {
            throw UserError("--lr \(learningRate): expected a learning rate in (0, \(LearnLimits.maxLearningRate)]")
        }
        guard (1...LearnLimits.maxBatchSize).contains(batchSize) else {
            throw UserError("--batch \(batchSize): expected 1 to \(LearnLimits.maxBatchSize)")
        }
        guard batch == nil || batchSize <= periodLength else {
            throw UserError("--batch \(batchSize): larger than the period (\(periodLength) samples), so the learner would never update")
        }
        let metricName = metric ?? (kind == .fm ? "auc" : "accuracy")
        guard let taskMetric = TaskMetric(rawValue: metricName) else {
            throw UserError("--metric \(metricName): expected accuracy, macro_f1 or auc")
        }
        let lrs = actions?.learningRates ?? [learningRate]
        let batches = actions?.batchSizes ?? [batchSize]
        let lrRange = (lrs.min() ?? learningRate)...(lrs.max() ?? learningRate)
        let batchRange = (batches.min() ?? batchSize)...(batches.max() ?? batchSize)
        let settings = LoopSettings(
            periodLength: periodLength, window: loop?.window ?? 4 * periodLength, labelDelay: loop?.labelDelay ?? 0,
            fineTuneEpochs: loop?.fineTuneEpochs ?? 1, retrainEpochs: loop?.retrainEpochs ?? 3,
            updateOverhead: loop?.updateOverhead ?? 0, computeBudget: loop?.computeBudget ?? 100,
            expectedPeriods: loop?.episodeLength ?? 100,
            learningRateRange: lrRange, batchSizeRange: batchRange)
        return ProductionRun(model: kind, metric: taskMetric, settings: settings, warmupPeriods: warmupPeriods,
                             defaults: Decision(learningRate: learningRate, batchSize: batchSize), seed: seed)
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
