import ArgumentParser
import Experiments
import Foundation
import SafeFiles
import Simulation

/// `drifttune slurm SCENARIO --out DIR`: writes the sbatch scripts of a cluster sweep, and with
/// `--submit` submits them.
public struct SlurmCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) the Slurm jobs of a scenario: a training array, an evaluation array, a merge job.",
        discussion: """
            The scripts go into DIR/slurm/ and are meant to be read and edited: train.sbatch runs \
            `drifttune sweep --phase train --shard I/N` as a job array (each training unit once), \
            evaluate.sbatch runs `--phase evaluate` as a second array after every training task \
            succeeded (afterok), and merge.sbatch writes the tables with `drifttune merge`. All of them \
            share the results folder DIR, which must be on a filesystem every node sees. submit.sh \
            submits the chain; --submit does the same and prints the job IDs. The results are \
            byte-identical to `drifttune sweep SCENARIO --out DIR` on one machine.
            """
    )

    @Argument(help: "The scenario file (scenarios/NAME.yaml).")
    var scenario: String

    @Option(help: "Results folder, shared by every node (default: results/<scenario name>).")
    var out: String?

    @Option(help: "Array tasks per phase, at most (each phase uses no more tasks than it has units).")
    var arraySize: Int = 4

    @Option(help: "CPUs of each array task; drifttune runs that many units at once.")
    var cpusPerTask: Int = 2

    @Option(help: "Slurm partition (default: the cluster's default).")
    var partition: String?

    @Option(help: "Time limit of each task, in any sbatch --time form, e.g. 1:00:00.")
    var time: String?

    @Option(help: "Folder of environment specs (default: environments/ beside or above the scenario).")
    var environments: String?

    @Flag(help: "Submit the jobs with sbatch and print their IDs.")
    var submit = false

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            try InputConfinement.requireYAMLMappingFile(scenario, what: "a scenario (YAML)")
            let s = try Scenario.load(file: scenario, environmentsDirectory: environments)
            try InputConfinement.requirePlainName(s.name, what: "scenario name")
            guard arraySize >= 1 else { throw UserError("--array-size must be at least 1") }
            guard cpusPerTask >= 1 else { throw UserError("--cpus-per-task must be at least 1") }
            for (name, value) in [("--partition", partition), ("--time", time)] {
                if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" || $0 == "\\" }) {
                    throw UserError("\(name) '\(value)': expected one word")
                }
            }
            let dir = out ?? "results/\(s.name)"
            let plan = SweepPlan(scenario: s)
            let scripts = SlurmScripts(scenarioName: s.name, scenarioFile: scenario, environments: environments, out: dir,
                                       workingDirectory: FileManager.default.currentDirectoryPath,
                                       executable: SlurmScripts.currentExecutable(),
                                       trainingUnits: plan.training.count, evaluationUnits: plan.evaluation.count,
                                       arraySize: arraySize, cpusPerTask: cpusPerTask, partition: partition, time: time)
            let slurmDir = (dir as NSString).appendingPathComponent("slurm")
            do {
                try OutputFile.createFolder((slurmDir as NSString).appendingPathComponent("logs"))
                for (name, text) in scripts.files {
                    let path = (slurmDir as NSString).appendingPathComponent(name)
                    try OutputFile.write(text, to: path)
                    _ = chmod(path, 0o755)
                }
            } catch let e as OutputFileError {
                throw UserError(e.description)
            }
            var text = "wrote \(slurmDir)/: " + scripts.files.map(\.name).joined(separator: ", ")
            text += " (\(plan.training.count) training units in \(scripts.trainTasks) tasks, \(plan.evaluation.count) evaluation units in \(scripts.evaluateTasks) tasks)"
            guard submit else {
                try emit(text + "\nsubmit with: \(slurmDir)/submit.sh")
                return
            }
            warn(text + "\n")
            var ids: [(String, String)] = []
            var previous: String? = nil
            for (phase, file) in scripts.chain {
                var args = ["--parsable"]
                if let previous { args.append("--dependency=afterok:\(previous)") }
                args.append((slurmDir as NSString).appendingPathComponent(file))
                let id = try SlurmScripts.sbatch(args)
                ids.append((phase, id))
                previous = id
            }
            try emit("submitted: " + ids.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        }
    }
}

/// The sbatch scripts of a cluster sweep.
struct SlurmScripts {
    var scenarioName: String
    var scenarioFile: String
    var environments: String?
    var out: String
    var workingDirectory: String
    var executable: String
    var trainingUnits: Int
    var evaluationUnits: Int
    var arraySize: Int
    var cpusPerTask: Int
    var partition: String?
    var time: String?

    var trainTasks: Int { min(arraySize, trainingUnits) }
    var evaluateTasks: Int { max(min(arraySize, evaluationUnits), 1) }

    /// The jobs in submission order (phase, script); each depends on the one before (afterok).
    var chain: [(String, String)] {
        (trainTasks > 0 ? [("train", "train.sbatch")] : []) + [("evaluate", "evaluate.sbatch"), ("merge", "merge.sbatch")]
    }

    /// File name and text of every script.
    var files: [(name: String, text: String)] {
        var f: [(String, String)] = []
        if trainTasks > 0 { f.append(("train.sbatch", train)) }
        f.append(("evaluate.sbatch", evaluate))
        f.append(("merge.sbatch", merge))
        f.append(("submit.sh", submitScript))
        return f
    }

    /// Quotes `s` for bash (single quotes).
    static func quote(_ s: String) -> String {
        s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+:=,@".contains($0) }) ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    var logs: String {
        let d = (out as NSString).appendingPathComponent("slurm/logs")
        return d.hasPrefix("/") ? d : (workingDirectory as NSString).appendingPathComponent(d)
    }

    private func header(job: String, what: String, array: Int?, cpus: Int) -> String {
        var s = "#!/bin/bash\n"
        s += "# \(what)\n"
        s += "# Written by `drifttune slurm` for scenario \(scenarioName); edit freely (partition, time, modules).\n"
        s += "# DRIFTTUNE may name another drifttune binary (e.g. the static build copied to a shared folder).\n"
        s += "#SBATCH --job-name=drifttune-\(job)-\(scenarioName)\n"
        if let array { s += "#SBATCH --array=1-\(array)\n" }
        s += "#SBATCH --ntasks=1\n"
        s += "#SBATCH --cpus-per-task=\(cpus)\n"
        if let partition { s += "#SBATCH --partition=\(partition)\n" }
        if let time { s += "#SBATCH --time=\(time)\n" }
        s += "#SBATCH --chdir=\(workingDirectory)\n"
        s += "#SBATCH --output=\(logs)/\(job)-" + (array != nil ? "%A_%a" : "%j") + ".out\n"
        s += "set -euo pipefail\n"
        s += "DRIFTTUNE=${DRIFTTUNE:-\(Self.quote(executable))}\n"
        return s
    }

    private var common: String {
        var s = Self.quote(scenarioFile) + " --out " + Self.quote(out)
        if let environments { s += " --environments " + Self.quote(environments) }
        return s
    }

    var train: String {
        header(job: "train", what: "Training phase: \(trainingUnits) training units (environment × method that trains), each run once, dealt to \(trainTasks) array tasks.",
               array: trainTasks, cpus: cpusPerTask)
            + "# Runs as many units at once as the task has CPUs (SLURM_CPUS_PER_TASK).\n"
            + "\"$DRIFTTUNE\" sweep \(common) --phase train --shard \"$SLURM_ARRAY_TASK_ID/\(trainTasks)\" --quiet\n"
    }

    var evaluate: String {
        header(job: "evaluate", what: "Evaluation phase: \(evaluationUnits) evaluation units in \(evaluateTasks) array tasks; submitted with --dependency=afterok on the training array.",
               array: evaluateTasks, cpus: cpusPerTask)
            + "\"$DRIFTTUNE\" sweep \(common) --phase evaluate --shard \"$SLURM_ARRAY_TASK_ID/\(evaluateTasks)\" --quiet\n"
    }

    var merge: String {
        header(job: "merge", what: "Tables: summary.md, summary.csv, curves.csv, report.html, manifest.json and policies/ from the shared results folder; after the evaluation array (afterok).",
               array: nil, cpus: 1)
            + "\"$DRIFTTUNE\" merge \(common)\n"
    }

    var submitScript: String {
        var s = "#!/bin/bash\n"
        s += "# Submits the sweep of scenario \(scenarioName): each job starts when the one before succeeded (afterok).\n"
        s += "# What `drifttune slurm --submit` does.\n"
        s += "set -euo pipefail\n"
        s += "cd \"$(dirname \"$0\")\"\n"
        var previous: String? = nil
        for (phase, file) in chain {
            let dep = previous.map { " --dependency=afterok:$\($0)" } ?? ""
            s += "\(phase)=$(sbatch --parsable\(dep) \(file) | cut -d';' -f1)\n"
            previous = phase
        }
        s += "echo \"submitted: " + chain.map { "\($0.0) $\($0.0)" }.joined(separator: ", ") + "\"\n"
        return s
    }

    /// The path of the running drifttune binary.
    static func currentExecutable() -> String {
        let proc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if proc != "/proc/self/exe", FileManager.default.isExecutableFile(atPath: proc) { return proc }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Runs `sbatch ARGS` and returns the job ID it printed (`--parsable`: `ID` or `ID;cluster`).
    static func sbatch(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw UserError("cannot run sbatch (\(error))") }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: o, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let id = text.split(separator: ";").first.map(String.init) ?? ""
        guard p.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let why = String(decoding: e, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw UserError("sbatch \(args.last ?? "") failed (status \(p.terminationStatus)): \(why.isEmpty ? text : why)")
        }
        return id
    }
}
