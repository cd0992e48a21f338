import Foundation
import Linalg
import Simulation

/// How a sweep runs.
public struct SweepOptions: Sendable {
    /// Jobs run at once (bounded parallelism across cores).
    public var jobs: Int
    /// This process's shard (0-based) and the number of shards; (0, 1) runs everything.
    public var shardIndex: Int
    public var shardCount: Int
    /// Which units run (`SweepPhase`); `train` and `evaluate` shard their own phase's units.
    public var phase: SweepPhase

    public init(jobs: Int = 1, shardIndex: Int = 0, shardCount: Int = 1, phase: SweepPhase = .all) {
        self.jobs = max(jobs, 1)
        self.shardIndex = shardIndex
        self.shardCount = max(shardCount, 1)
        self.phase = phase
    }

    /// True when other processes may write the same results folder at the same time (a phase of
    /// a cluster sweep): then only stale temporary files are cleaned up, never a neighbour's.
    public var sharesFolder: Bool { phase != .all || shardCount > 1 }

    /// Parses `I/N` (1-based I).
    public static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            throw SweepError.badShard(text)
        }
        return (i - 1, n)
    }
}

/// Why a phase of a cluster sweep cannot run.
public enum SweepPhaseError: Error, Sendable, Equatable, CustomStringConvertible {
    case trainingNotDone(count: Int, directory: String)

    public var description: String {
        switch self {
        case .trainingNotDone(let n, let dir):
            return "\(n) training units this shard evaluates are not in \(dir)/train yet; run every shard of --phase train first"
        }
    }
}

/// Where a sweep is, for progress bars.
public struct SweepProgress: Sendable {
    public var phase: String
    public var finishedJobs: Int
    public var totalJobs: Int
    /// Work done and total work in environment steps (for the ETA).
    public var doneWork: Double
    public var totalWork: Double
    public var elapsed: Double

    /// Seconds left, extrapolated from the work done so far.
    public var eta: Double? { doneWork > 0 ? elapsed * (totalWork - doneWork) / doneWork : nil }
}

/// What a sweep did.
public struct SweepOutcome: Sendable {
    public var trained: Int
    public var evaluated: Int
    /// Jobs found finished on disk and skipped.
    public var skipped: Int
    /// Wall seconds per phase: training, evaluation, tables.
    public var phaseSeconds: [String: Double]
    /// True when the tables were written (the whole plan is on disk).
    public var wroteTables: Bool
}

/// Runs a scenario's plan into a results folder: trains what needs training, evaluates every
/// method on every held-out seed, then writes the tables. Finished jobs found on disk are skipped,
/// so a rerun after an interruption completes the sweep with exactly the uninterrupted results.
public struct Sweep: Sendable {
    public var scenario: Scenario
    public var store: ResultStore
    public var options: SweepOptions

    public init(scenario: Scenario, outputDirectory: String, options: SweepOptions = SweepOptions()) {
        self.scenario = scenario
        self.store = ResultStore(directory: outputDirectory)
        self.options = options
    }

    /// Runs the sweep. `progress` is called from one task after every finished job.
    public func run(progress: @escaping @Sendable (SweepProgress) -> Void = { _ in }) async throws -> SweepOutcome {
        // Parallelism is across runs; one BLAS thread keeps every run deterministic.
        try await BLAS.withThreadCount(1) { try await runPlan(progress: progress) }
    }

    private func runPlan(progress: @escaping @Sendable (SweepProgress) -> Void) async throws -> SweepOutcome {
        try claimFolder()
        // A temporary file lives for the milliseconds of one write; in a shared folder an hour-old
        // one is an interrupted write, a younger one may be a neighbour's write in progress.
        store.removeTemporaries(olderThan: options.sharesFolder ? 3600 : nil)
        let full = SweepPlan(scenario: scenario)
        var plan = full.shard(options.shardIndex, of: options.shardCount)
        switch options.phase {
        case .all: break
        case .train:
            plan.training = full.trainingShard(options.shardIndex, of: options.shardCount)
            plan.evaluation = []
        case .evaluate:
            plan.training = []
            plan.evaluation = full.evaluationShard(options.shardIndex, of: options.shardCount)
            let needed = Set(plan.evaluation.compactMap(\.trainingId))
            let absent = full.training.filter { needed.contains($0.id) && self.store.training($0.id) == nil }
            if !absent.isEmpty {
                throw SweepPhaseError.trainingNotDone(count: absent.count, directory: self.store.directory)
            }
        }
        let store = self.store, scenario = self.scenario
        let pendingTraining = plan.training.filter { store.training($0.id) == nil }
        let pendingRuns = plan.evaluation.filter { store.run($0.id) == nil }
        let skipped = plan.training.count - pendingTraining.count + plan.evaluation.count - pendingRuns.count
        let totalWork = pendingTraining.reduce(0) { $0 + plan.weight($1) } + pendingRuns.reduce(0) { $0 + plan.weight($1) }
        let totalJobs = pendingTraining.count + pendingRuns.count
        let start = Date()

        var done = 0, doneWork = 0.0
        var phases: [String: Double] = [:]

        var t0 = Date()
        try await Sweep.bounded(pendingTraining, limit: options.jobs, work: { job in
            let env = scenario.environments[job.environment]
            guard var record = try job.method.provider.train(environment: env, scenario: scenario,
                                                             rng: RunIdentity.randomSource(job.id)) else { return }
            record.id = job.id
            record.environment = env.label
            record.method = job.method.description
            try store.save(record)
        }, finished: { job in
            done += 1
            doneWork += plan.weight(job)
            progress(SweepProgress(phase: "train", finishedJobs: done, totalJobs: totalJobs, doneWork: doneWork,
                                   totalWork: totalWork, elapsed: Date().timeIntervalSince(start)))
        })
        phases["training"] = Date().timeIntervalSince(t0)
        t0 = Date()
        try await Sweep.bounded(pendingRuns, limit: options.jobs, work: { job in
            try store.save(try Sweep.evaluate(job, scenario: scenario, store: store))
        }, finished: { job in
            done += 1
            doneWork += plan.weight(job)
            progress(SweepProgress(phase: "evaluate", finishedJobs: done, totalJobs: totalJobs, doneWork: doneWork,
                                   totalWork: totalWork, elapsed: Date().timeIntervalSince(start)))
        })
        phases["evaluation"] = Date().timeIntervalSince(t0)
        var wrote = false
        // A phase never writes the tables: several shards may finish at once; `drifttune merge` does.
        if options.phase == .all, full.evaluation.allSatisfy({ store.run($0.id) != nil }) {
            t0 = Date()
            // A phase this invocation had nothing to do in keeps the timing of the one that did it.
            var recorded = phases, jobs = options.jobs
            if let previous = try? Manifest.load(directory: store.directory) {
                if pendingTraining.isEmpty, let t = previous.wallSeconds["training"] { recorded["training"] = t }
                if pendingRuns.isEmpty, let t = previous.wallSeconds["evaluation"] { recorded["evaluation"] = t }
                if totalJobs == 0 { jobs = previous.jobs }
            }
            try ResultTables.write(plan: full, store: store, phaseSeconds: recorded, jobs: jobs)
            phases["tables"] = Date().timeIntervalSince(t0)
            wrote = true
        }
        return SweepOutcome(trained: pendingTraining.count, evaluated: pendingRuns.count, skipped: skipped,
                            phaseSeconds: phases, wroteTables: wrote)
    }

    /// One evaluation run.
    static func evaluate(_ job: EvaluationJob, scenario: Scenario, store: ResultStore) throws -> RunRecord {
        let env = scenario.environments[job.environment]
        var training: TrainingRecord? = nil
        if let tid = job.trainingId {
            guard let t = store.training(tid) else {
                throw SweepError.missingTraining(method: job.method.description, environment: env.label)
            }
            training = t
        }
        let episode = try job.method.provider.episode(training: training, environment: env, scenario: scenario, seed: job.seed)
        return RunRecord(id: job.id, environment: env.label, method: job.method.description, trainingId: job.trainingId,
                         episode: episode, spec: env.spec)
    }

    /// Refuses a folder that holds another scenario's results; marks it as this scenario's.
    func claimFolder() throws {
        try store.prepare()
        let marker = store.path("scenario.txt")
        if let d = FileManager.default.contents(atPath: marker) {
            let found = String(decoding: d, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            if found != scenario.name {
                throw ResultsError.foreignResults(directory: store.directory, found: found, expected: scenario.name)
            }
        } else if let manifest = try? Manifest.load(directory: store.directory), manifest.scenario != scenario.name {
            throw ResultsError.foreignResults(directory: store.directory, found: manifest.scenario, expected: scenario.name)
        }
        try store.writeAtomically("\(scenario.name)\n", to: "scenario.txt")
    }

    /// Runs `work` on every job with at most `limit` at once; `finished` runs on the calling task.
    static func bounded<J: Sendable>(_ jobs: [J], limit: Int, work: @escaping @Sendable (J) throws -> Void,
                                     finished: (J) -> Void) async throws {
        try await withThrowingTaskGroup(of: J.self) { group in
            var next = 0
            while next < min(limit, jobs.count) {
                let job = jobs[next]
                group.addTask { try work(job); return job }
                next += 1
            }
            while let job = try await group.next() {
                finished(job)
                if next < jobs.count {
                    let j = jobs[next]
                    group.addTask { try work(j); return j }
                    next += 1
                }
            }
        }
    }
}
