import ArgumentParser
import Dispatch
import Experiments
import Foundation
import Linalg
import Simulation

/// `drifttune sweep SCENARIO`: trains and evaluates every run of a scenario, resumably.
public struct SweepCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario: train, evaluate every method on the held-out seeds, write the tables.",
        discussion: """
            Every finished run is written to its own file named by its identity, so rerunning the same \
            command after an interruption skips what is done and ends with the same results. Results do \
            not depend on --jobs. With --shard I/N only that part of the runs is done; join the shard \
            folders with drifttune merge.

            On a cluster, run the phases as arrays over one shared results folder: every shard of \
            --phase train, then every shard of --phase evaluate, then drifttune merge SCENARIO --out DIR. \
            Each training unit then runs exactly once. --plan lists the units and what each needs \
            (drifttune slurm writes the sbatch scripts).
            """
    )

    @Argument(help: "The scenario file (scenarios/NAME.yaml).")
    var scenario: String

    @Option(help: "Results folder (default: results/<scenario name>).")
    var out: String?

    @Option(help: "Runs at once (default: the CPUs this process may use: its CPU affinity, at most SLURM_CPUS_PER_TASK).")
    var jobs: Int?

    @Option(help: "Run only shard I of N (1-based), e.g. 2/4.")
    var shard: String?

    @Option(help: "train: training units only; evaluate: evaluation units only (their training must be in --out); all: both (default).")
    var phase: String = "all"

    @Flag(help: "List the units of work (for --phase and --shard, if given) and what each needs, and run nothing.")
    var plan = false

    @Option(help: "Folder of environment specs (default: environments/ beside or above the scenario).")
    var environments: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    @Flag(help: "End by printing one JSON object (runs trained, evaluated and skipped, wall seconds, files written).")
    var json = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            try InputConfinement.requireYAMLMappingFile(scenario, what: "a scenario (YAML)")
            let s = try Scenario.load(file: scenario, environmentsDirectory: environments)
            // The name becomes results/<name>: a plain name cannot leave results/.
            try InputConfinement.requirePlainName(s.name, what: "scenario name")
            let (index, count) = try shard.map(SweepOptions.parseShard) ?? (0, 1)
            guard let phase = SweepPhase(rawValue: phase) else { throw UserError("--phase '\(phase)': expected train, evaluate or all") }
            if plan {
                try printPlan(SweepPlan(scenario: s), phase: phase, index: index, count: count)
                return
            }
            let available = SweepCPUs.available()
            let n = jobs ?? available.cpus
            guard n >= 1 else { throw UserError("--jobs must be at least 1") }
            let dir = out ?? "results/\(s.name)"
            let sweep = Sweep(scenario: s, outputDirectory: dir,
                              options: SweepOptions(jobs: n, shardIndex: index, shardCount: count, phase: phase))
            let bar = ProgressBar(enabled: !quiet)
            let start = Date()
            let outcome = try blocking { try await sweep.run(progress: { bar.update($0) }) }
            bar.finish()
            let wall = Date().timeIntervalSince(start)
            var line = "sweep: \(outcome.trained) trained, \(outcome.evaluated) evaluated, \(outcome.skipped) already done; "
            line += String(format: "%.1f s with %d jobs", wall, n)
            if jobs == nil { line += " (\(available.source))" }
            warn((line + "\n"))
            if json {
                var r = ResultsJSON(scenario: s.name, directory: dir, files: outcome.wroteTables ? ResultsJSON.tables : [])
                r.sweep = .init(trained: outcome.trained, evaluated: outcome.evaluated, skipped: outcome.skipped,
                                wallSeconds: wall, jobs: n, shard: "\(index + 1)/\(count)", phase: phase.rawValue)
                try emit(try SimulationOutput.json(r))
            } else if outcome.wroteTables {
                try emit("wrote \(dir)/" + ResultsJSON.tables.joined(separator: ", "))
            } else if phase != .all {
                try emit("phase \(phase.rawValue), shard \(index + 1)/\(count) done in \(dir); "
                         + (phase == .train ? "then run --phase evaluate" : "then write the tables with drifttune merge SCENARIO --out \(dir)"))
            } else {
                try emit("shard \(index + 1)/\(count) done in \(dir); join the shards with drifttune merge")
            }
        }
    }
}

extension SweepCommand {
    /// `--plan`: the units as a table, or one JSON object with `--json`.
    func printPlan(_ full: SweepPlan, phase: SweepPhase, index: Int, count: Int) throws {
        let units = full.units(phase: phase, shardIndex: index, shardCount: count)
        if json {
            try emit(try SimulationOutput.json(PlanJSON(scenario: full.scenario.name, phase: phase.rawValue, shard: "\(index + 1)/\(count)",
                                                        trainingUnits: full.training.count, evaluationUnits: full.evaluation.count,
                                                        units: units)))
            return
        }
        var text = "scenario \(full.scenario.name): \(full.training.count) training units (environment × method that trains, "
        text += full.scenario.agentSeeds > 1 ? "× \(full.scenario.agentSeeds) agent seeds for the agent, " : ""
        text += "on all \(full.scenario.trainSeeds.count) training seeds), \(full.evaluation.count) evaluation units, 1 tables unit\n"
        if phase != .all || count > 1 { text += "phase \(phase.rawValue), shard \(index + 1)/\(count): \(units.count) units\n" }
        text += "phase     unit                  environment              method              seed      needs\n"
        for u in units {
            let needs = u.phase == "tables" ? "all \(u.needs.count) evaluation units" : (u.needs.first.map { "train " + $0 } ?? "-")
            let method = (u.method ?? "-") + (u.agentSeed.map { " #\($0)" } ?? "")   // agent seed K of `agent_seeds`
            text += pad(u.phase, 10) + pad(u.id, 22) + pad(u.environment ?? "-", 25) + pad(method, 20)
                + pad(u.seed.map(String.init) ?? "-", 10) + needs + "\n"
        }
        try emit(String(text.dropLast()))
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

/// What `sweep --plan --json` prints.
struct PlanJSON: Encodable {
    var scenario: String
    var phase: String
    var shard: String
    var trainingUnits: Int
    var evaluationUnits: Int
    var units: [SweepUnit]
}

/// A progress bar with ETA on standard error, redrawn in place.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: SweepProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let fraction = p.totalWork > 0 ? min(p.doneWork / p.totalWork, 1) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let eta = p.eta.map { ProgressBar.clock($0) } ?? "--:--"
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(p.finishedJobs)/\(p.totalJobs) jobs (\(p.phase))  elapsed \(ProgressBar.clock(p.elapsed))  ETA \(eta) "
        warn(line)
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        warn("\n")
    }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return String(format: "%d:%02d", t / 60, t % 60)
    }
}

/// Runs async work from a synchronous command (the root command is not async).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = UncheckedSendableBox<Result<T, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.value = .success(try await body()) } catch { box.value = .failure(error) }
        done.signal()
    }
    done.wait()
    // Written once by the task before it signals, read after the wait.
    return try box.value!.get()
}

/// What `sweep --json` and `merge --json` print.
struct ResultsJSON: Encodable {
    static let tables = ["summary.md", "summary.csv", "curves.csv", "report.html", "manifest.json"]

    struct Sweep: Encodable {
        var trained: Int
        var evaluated: Int
        var skipped: Int
        var wallSeconds: Double
        var jobs: Int
        /// `I/N`, 1-based.
        var shard: String
        /// `train`, `evaluate` or `all`.
        var phase: String
    }

    var scenario: String
    var directory: String
    /// Tables written (relative to `directory`); empty for a shard, which writes run files only.
    var files: [String]
    var sweep: Sweep?
}
