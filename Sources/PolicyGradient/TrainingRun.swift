import Foundation
import SafeFiles
import YAMLConfig

/// A training run with its output directory: trains a `PPOTrainer`, appends every iteration to
/// `curve.csv`, saves `checkpoint.json` every `checkpointInterval` iterations, at the end and when
/// asked to stop, and continues from that checkpoint bitwise exactly.
///
///     let run = try TrainingRun(environment: "cartpole", settings: .cartPole(), seed: 1,
///                               directory: out, environmentFactory: { _ in CartPole() })
///     let outcome = try run.run(shouldStop: { interrupted }) { print($0.globalStep) }
///     let score = run.evaluate()
public final class TrainingRun<Env: RLEnvironment> {
    public let environment: String
    public let settings: TrainingSettings
    public let trainer: PPOTrainer<Env>
    public let directory: URL
    /// Wall seconds spent training, including earlier sessions of a resumed run.
    public private(set) var wallSeconds: Double

    /// How `run` ended.
    public enum Outcome: Sendable, Equatable {
        /// The step budget is spent.
        case finished
        /// `shouldStop` returned true; a checkpoint was saved.
        case interrupted
    }

    public var checkpointURL: URL { directory.appendingPathComponent(TrainingCheckpoint.fileName) }
    public var curveURL: URL { directory.appendingPathComponent("curve.csv") }

    /// The learning-curve CSV header.
    public static var curveHeader: String {
        "iteration,env_steps,wall_seconds,steps_per_second,mean_episode_reward,episodes,learning_rate,"
            + "policy_loss,value_loss,entropy,approx_kl,clip_fraction,explained_variance"
    }

    /// Starts a new run in `directory` (created if needed).
    /// - Throws: `TrainingRunError.existingRun` if the directory already holds a checkpoint, or a
    ///   `ConfigError` for invalid settings.
    public init(environment: String, settings: TrainingSettings, seed: UInt64, directory: URL,
                environmentFactory: @escaping (Int) -> Env) throws {
        try settings.validate()
        if let prior = settings.config.firstBinPrior {
            let heads = environmentFactory(0).actionSizes.count
            guard prior.count == heads else {
                throw ConfigError.outOfRange(file: "", line: 0, column: 0, field: "first_bin_prior", value: "\(prior)",
                                             expected: "one value per action head (\(heads) for \(environment))")
            }
        }
        self.environment = environment
        self.settings = settings
        self.directory = directory
        wallSeconds = 0
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.appendingPathComponent(TrainingCheckpoint.fileName).path) {
            throw TrainingRunError.existingRun(directory: directory.path)
        }
        do {
            try OutputFile.createFolder(directory.path)
        } catch let e as OutputFileError {
            throw TrainingRunError.cannotWrite(path: e.path, reason: e.problem)
        }
        trainer = PPOTrainer(config: settings.config, environmentFactory: environmentFactory, seed: seed)
        try write(Self.curveHeader + "\n", to: curveURL)
    }

    /// Continues the run saved in `directory`. Curve rows written after the checkpoint (by a session
    /// that stopped without saving) are dropped, so the curve matches the restored state.
    public init(resumingIn directory: URL, environment: String, environmentFactory: @escaping (Int) -> Env) throws {
        let url = directory.appendingPathComponent(TrainingCheckpoint.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainingRunError.nothingToResume(directory: directory.path)
        }
        let c = try TrainingCheckpoint.read(from: url)
        guard c.environment == environment else {
            throw TrainingRunError.environmentMismatch(checkpoint: c.environment, requested: environment)
        }
        self.environment = environment
        settings = c.settings
        self.directory = directory
        wallSeconds = c.wallSeconds
        trainer = try PPOTrainer(checkpoint: c.trainer, environmentFactory: environmentFactory)
        let curve = (try? String(contentsOf: curveURL, encoding: .utf8)) ?? ""
        var kept = [Self.curveHeader]
        for line in curve.split(separator: "\n").dropFirst() {
            if let it = Int(line.prefix { $0 != "," }), it <= c.trainer.iteration { kept.append(String(line)) }
        }
        try write(kept.joined(separator: "\n") + "\n", to: curveURL)
    }

    /// Trains until `settings.config.steps` environment steps or until `shouldStop`
    /// (checked between iterations) returns true; saves a checkpoint either way.
    @discardableResult
    public func run(shouldStop: () -> Bool = { false }, progress: (IterationStats) -> Void = { _ in }) throws -> Outcome {
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: curveURL)
            try handle.seekToEnd()
        } catch {
            throw TrainingRunError.cannotWrite(path: curveURL.path, reason: writeFailureReason(error))
        }
        defer { try? handle.close() }
        var sessionStart = Date()
        while trainer.globalStep < settings.config.steps {
            if shouldStop() {
                try saveCheckpoint(sessionStart: &sessionStart)
                return .interrupted
            }
            let s = trainer.step()
            let elapsed = wallSeconds + Date().timeIntervalSince(sessionStart)
            do {
                try handle.write(contentsOf: Data((Self.curveRow(s, wallSeconds: elapsed) + "\n").utf8))
            } catch {
                throw TrainingRunError.cannotWrite(path: curveURL.path, reason: writeFailureReason(error))
            }
            progress(s)
            if trainer.iteration % settings.checkpointInterval == 0 { try saveCheckpoint(sessionStart: &sessionStart) }
        }
        try saveCheckpoint(sessionStart: &sessionStart)
        return .finished
    }

    private func saveCheckpoint(sessionStart: inout Date) throws {
        let now = Date()
        wallSeconds += now.timeIntervalSince(sessionStart)
        sessionStart = now
        let c = TrainingCheckpoint(environment: environment, settings: settings, wallSeconds: wallSeconds,
                                   trainer: trainer.checkpoint())
        do {
            try c.write(to: checkpointURL)
        } catch {
            throw TrainingRunError.cannotWrite(path: checkpointURL.path, reason: writeFailureReason(error))
        }
    }

    /// Greedy evaluation on the settings' held-out seeds.
    public func evaluate() -> EvaluationResult {
        trainer.evaluate(seeds: settings.evaluationSeeds)
    }

    static func curveRow(_ s: IterationStats, wallSeconds: Double) -> String {
        func f(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "" }
        return [String(s.iteration), String(s.globalStep), String(format: "%.3f", wallSeconds), f(s.stepsPerSecond),
                s.meanEpisodeReturn.map(f) ?? "", String(s.episodesFinished), f(Double(s.learningRate)),
                f(s.policyLoss), f(s.valueLoss), f(s.entropy), f(s.approxKL), f(s.clipFraction),
                f(s.explainedVariance)].joined(separator: ",")
    }

    private func write(_ text: String, to url: URL) throws {
        do {
            try OutputFile.write(text, to: url.path)
        } catch {
            throw TrainingRunError.cannotWrite(path: url.path, reason: writeFailureReason(error))
        }
    }
}

extension TrainingRun {
    /// The `--json` summary after an evaluation.
    public func summary(evaluation: EvaluationResult, finished: Bool) -> TrainingSummary {
        TrainingSummary(environment: environment, algorithm: settings.config.algorithm.rawValue, seed: trainer.seed,
                        envSteps: trainer.globalStep, wallSeconds: wallSeconds, finished: finished,
                        evaluation: EvaluationSummary(seeds: settings.evaluationSeeds, result: evaluation))
    }
}

/// A short reason for a failed write: an `OutputFileError`'s own words, errno text for POSIX and
/// Cocoa errors (never a raw `NSCocoaErrorDomain` dump).
func writeFailureReason(_ error: any Error) -> String {
    if let e = error as? OutputFileError { return e.problem }
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    return "cannot write (error \(ns.code))"
}
