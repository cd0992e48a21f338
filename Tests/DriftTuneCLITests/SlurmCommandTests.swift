import Foundation
import Testing

private let environments = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("environments").path

/// Two environments, one method that trains: 2 training units, 2 × 3 × 2 evaluation units (4 of them need a training unit).
private let scenario = """
    name: slurm-tiny
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 6, warmup_periods: 1}
      - name: recommendation
        overrides: {period_length: 120, episode_length: 6, warmup_periods: 1, label_delay: 20}
    train_seeds: [1]
    test_seeds: [21, 22]
    training: {steps: 12}
    methods: [fixed, static-search, oracle]
    statistics: {bootstrap_resamples: 200}

    """

/// Every file under `dir` except the manifest (wall times) and the slurm/ folder.
private func results(_ dir: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    let e = FileManager.default.enumerator(atPath: dir.path)
    while let f = e?.nextObject() as? String {
        if f == "manifest.json" || f.hasPrefix("slurm") { continue }
        let p = dir.appendingPathComponent(f).path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { out[f] = FileManager.default.contents(atPath: p) }
    }
    return out
}

/// Runs `script` with bash and `environment` added, as an sbatch array task would.
private func bash(_ script: URL, _ environment: [String: String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = [script.path]
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

@Suite(.serialized) struct SlurmCommandTests {
    @Test func planListsTheUnitsAndWhatTheyNeed() throws {
        let file = try CLIProcess.temporaryFile(scenario, name: "slurm-tiny.yaml")
        let text = try CLIProcess.run(["sweep", file.path, "--plan", "--environments", environments])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("2 training units") && text.stdout.contains("12 evaluation units"), "\(text.stdout)")
        let j = try CLIProcess.run(["sweep", file.path, "--plan", "--json", "--environments", environments])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any], "\(j.stdout)")
        let units = try #require(plan["units"] as? [[String: Any]])
        #expect(units.count == 2 + 12 + 1)
        let train = units.filter { $0["phase"] as? String == "train" }.compactMap { $0["id"] as? String }
        let needing = units.filter { ($0["needs"] as? [String])?.count == 1 }
        #expect(needing.count == 2 * 2 && needing.allSatisfy { train.contains(($0["needs"] as! [String])[0]) })
        // One shard of one phase; a bad phase is a clear error.
        let shard = try CLIProcess.run(["sweep", file.path, "--plan", "--json", "--phase", "train", "--shard", "2/2", "--environments", environments])
        let shardUnits = try #require((try JSONSerialization.jsonObject(with: Data(shard.stdout.utf8)) as? [String: Any])?["units"] as? [[String: Any]])
        #expect(shardUnits.count == 1 && shardUnits[0]["phase"] as? String == "train")
        let bad = try CLIProcess.run(["sweep", file.path, "--phase", "both", "--environments", environments])
        #expect(bad.status == 2 && bad.stderr.contains("--phase 'both'"))
    }

    @Test func defaultJobsFollowSlurmCPUsPerTaskAndTheAffinityMask() throws {
        let file = try CLIProcess.temporaryFile(scenario, name: "slurm-tiny.yaml")
        let root = file.deletingLastPathComponent()
        let slurm = try CLIProcess.run(["sweep", file.path, "--out", root.appendingPathComponent("a").path, "--quiet", "--environments", environments],
                                       environment: ["SLURM_CPUS_PER_TASK": "1"])
        #expect(slurm.status == 0 && slurm.stderr.contains("with 1 jobs (SLURM_CPUS_PER_TASK)"), "\(slurm.stderr)")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), let exe = CLIProcess.executable else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        p.arguments = ["-c", "0", exe.path, "sweep", file.path, "--out", root.appendingPathComponent("b").path, "--quiet",
                       "--environments", environments]
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CPUS_PER_TASK"] = nil
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0 && text.contains("with 1 jobs (CPU affinity)"), "\(text)")
    }

    @Test func slurmScriptsRunAsArraysGiveTheOneMachineFilesAndSubmitChainsThem() throws {
        let file = try CLIProcess.temporaryFile(scenario, name: "slurm-tiny.yaml")
        let root = file.deletingLastPathComponent()
        let local = root.appendingPathComponent("local"), cluster = root.appendingPathComponent("cluster")
        #expect(try CLIProcess.run(["sweep", file.path, "--out", local.path, "--quiet", "--environments", environments]).status == 0)
        let w = try CLIProcess.run(["slurm", file.path, "--out", cluster.path, "--array-size", "3", "--cpus-per-task", "1",
                                    "--partition", "debug", "--time", "0:10:00", "--environments", environments])
        #expect(w.status == 0, "\(w.stderr)")
        let dir = cluster.appendingPathComponent("slurm")
        let train = try String(contentsOf: dir.appendingPathComponent("train.sbatch"), encoding: .utf8)
        #expect(train.contains("#SBATCH --array=1-2") && train.contains("#SBATCH --cpus-per-task=1") && train.contains("#SBATCH --partition=debug")
                && train.contains("#SBATCH --time=0:10:00") && train.contains("--phase train --shard \"$SLURM_ARRAY_TASK_ID/2\""), "\(train)")
        let evaluate = try String(contentsOf: dir.appendingPathComponent("evaluate.sbatch"), encoding: .utf8)
        #expect(evaluate.contains("#SBATCH --array=1-3") && evaluate.contains("--phase evaluate --shard \"$SLURM_ARRAY_TASK_ID/3\""))
        let submit = try String(contentsOf: dir.appendingPathComponent("submit.sh"), encoding: .utf8)
        #expect(submit.contains("--dependency=afterok:$train evaluate.sbatch") && submit.contains("--dependency=afterok:$evaluate merge.sbatch"))

        // Each array task as Slurm would start it, from the folder `drifttune slurm` ran in.
        for i in 1...2 {
            #expect(try bash(dir.appendingPathComponent("train.sbatch"), ["SLURM_ARRAY_TASK_ID": "\(i)", "SLURM_CPUS_PER_TASK": "1"]) == 0)
        }
        for i in 1...3 {
            #expect(try bash(dir.appendingPathComponent("evaluate.sbatch"), ["SLURM_ARRAY_TASK_ID": "\(i)", "SLURM_CPUS_PER_TASK": "1"]) == 0)
        }
        #expect(try bash(dir.appendingPathComponent("merge.sbatch"), [:]) == 0)
        #expect(results(cluster) == results(local))
        #expect(results(cluster).keys.contains("summary.csv"))

        // --submit with a stand-in sbatch that records its arguments and answers job IDs.
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = root.appendingPathComponent("sbatch.log")
        let fake = """
            #!/bin/bash
            echo "$*" >> \(log.path)
            echo $((100 + $(wc -l < \(log.path))))\\;cluster

            """
        try fake.write(to: bin.appendingPathComponent("sbatch"), atomically: true, encoding: .utf8)
        chmod(bin.appendingPathComponent("sbatch").path, 0o755)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let s = try CLIProcess.run(["slurm", file.path, "--out", cluster.path, "--submit", "--environments", environments],
                                   environment: ["PATH": path])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("submitted: train 101, evaluate 102, merge 103"), "\(s.stdout)")
        let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(calls.count == 3 && calls[1].contains("--dependency=afterok:101") && calls[2].contains("--dependency=afterok:102"), "\(calls)")
        #expect(calls[0].hasSuffix("train.sbatch") && calls[2].hasSuffix("merge.sbatch"))
    }
}
