import Foundation
import Testing

private let environments = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("environments").path

private let scenario = """
    name: cli-tiny
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 6, warmup_periods: 1}
    train_seeds: [1]
    test_seeds: [21, 22]
    training: {steps: 12}
    methods: [fixed, static-search, adwin, oracle]
    statistics: {bootstrap_resamples: 200}

    """

/// The files of a results folder except the manifest (wall times).
private func files(_ dir: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    let e = FileManager.default.enumerator(atPath: dir.path)
    while let f = e?.nextObject() as? String {
        if f == "manifest.json" { continue }
        let p = dir.appendingPathComponent(f).path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { out[f] = FileManager.default.contents(atPath: p) }
    }
    return out
}

@Suite(.serialized) struct SweepCommandTests {
    @Test func sweepWithOneOrTwoJobsWritesTheSameFilesAndReportRebuildsThem() throws {
        let file = try CLIProcess.temporaryFile(scenario, name: "cli-tiny.yaml")
        let root = file.deletingLastPathComponent()
        let a = try CLIProcess.run(["sweep", file.path, "--out", root.appendingPathComponent("a").path, "--jobs", "1",
                                    "--environments", environments])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.contains("ETA") && a.stderr.contains("jobs"))
        let b = try CLIProcess.run(["sweep", file.path, "--out", root.appendingPathComponent("b").path, "--jobs", "2",
                                    "--environments", environments, "--quiet"])
        #expect(b.status == 0)
        let fa = files(root.appendingPathComponent("a")), fb = files(root.appendingPathComponent("b"))
        #expect(fa.count == 4 * 2 + 1 + 5)
        #expect(fa == fb)

        try FileManager.default.removeItem(at: root.appendingPathComponent("a/summary.md"))
        let r = try CLIProcess.run(["report", root.appendingPathComponent("a").path])
        #expect(r.status == 0)
        #expect(files(root.appendingPathComponent("a")) == fb)

        let c = try CLIProcess.run(["compare", root.appendingPathComponent("a").path, root.appendingPathComponent("b").path])
        #expect(c.status == 0)
        #expect(c.stdout.contains("Same scenario ('cli-tiny')") && c.stdout.contains("paired, 2 seeds"))
        let cj = try CLIProcess.run(["compare", root.appendingPathComponent("a").path, root.appendingPathComponent("b").path, "--json"])
        let comparison = try #require(try JSONSerialization.jsonObject(with: Data(cj.stdout.utf8)) as? [String: Any])
        let rows = try #require(comparison["rows"] as? [[String: Any]])
        #expect(!rows.isEmpty && rows[0]["mean_a"] is Double && rows[0]["seeds_b"] as? Int == 2, "\(cj.stdout.prefix(300))")

        // --json: one object; the rerun finds every run done.
        let j = try CLIProcess.run(["sweep", file.path, "--out", root.appendingPathComponent("b").path, "--jobs", "2",
                                    "--environments", environments, "--quiet", "--json"])
        let done = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any], "\(j.stdout)")
        let sweep = try #require(done["sweep"] as? [String: Any])
        #expect(done["scenario"] as? String == "cli-tiny" && (done["files"] as? [String])?.contains("manifest.json") == true)
        #expect(sweep["trained"] as? Int == 0 && sweep["skipped"] as? Int == 4 * 2 + 1 && sweep["wall_seconds"] is Double, "\(sweep)")

        // Two shards merged with --json give the unsharded files.
        for i in 1...2 {
            let shard = try CLIProcess.run(["sweep", file.path, "--out", root.appendingPathComponent("s\(i)").path, "--shard", "\(i)/2",
                                            "--environments", environments, "--quiet"])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let m = try CLIProcess.run(["merge", file.path, root.appendingPathComponent("s1").path, root.appendingPathComponent("s2").path,
                                    "--out", root.appendingPathComponent("m").path, "--environments", environments, "--json"])
        #expect(m.status == 0, "\(m.stderr)")
        let merged = try #require(try JSONSerialization.jsonObject(with: Data(m.stdout.utf8)) as? [String: Any], "\(m.stdout)")
        #expect(merged["directory"] as? String == root.appendingPathComponent("m").path && merged["sweep"] == nil)
        #expect(files(root.appendingPathComponent("m")) == fb)
    }

    @Test func killedSweepResumesToTheSameFiles() throws {
        let file = try CLIProcess.temporaryFile(scenario.replacingOccurrences(of: "test_seeds: [21, 22]", with: "test_seeds: {from: 21, count: 6}"),
                                                name: "cli-tiny.yaml")
        let root = file.deletingLastPathComponent()
        let reference = root.appendingPathComponent("ref"), killed = root.appendingPathComponent("killed")
        #expect(try CLIProcess.run(["sweep", file.path, "--out", reference.path, "--environments", environments, "--quiet"]).status == 0)
        // Start a sweep and kill -9 it once some runs are on disk.
        let p = Process()
        p.executableURL = CLIProcess.executable
        p.arguments = ["sweep", file.path, "--out", killed.path, "--environments", environments, "--quiet", "--jobs", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let runs = killed.appendingPathComponent("runs").path
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: runs))?.count ?? 0) < 3, p.isRunning {
            usleep(2000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let resumed = try CLIProcess.run(["sweep", file.path, "--out", killed.path, "--environments", environments, "--quiet"])
        #expect(resumed.status == 0)
        #expect(files(killed) == files(reference))
    }

    @Test func badScenarioAndForeignFolderAreClearErrors() throws {
        let bad = try CLIProcess.temporaryFile(scenario.replacingOccurrences(of: "steps: 12", with: "steps: -3"),
                                               name: "bad.yaml")
        let r = try CLIProcess.run(["sweep", bad.path, "--environments", environments, "--out", bad.deletingLastPathComponent().path + "/o"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:7:") && r.stderr.contains("'training.steps' is -3, out of range"), "\(r.stderr)")

        let file = try CLIProcess.temporaryFile(scenario, name: "cli-tiny.yaml")
        let out = file.deletingLastPathComponent().appendingPathComponent("o").path
        #expect(try CLIProcess.run(["sweep", file.path, "--out", out, "--environments", environments, "--quiet"]).status == 0)
        let other = try CLIProcess.temporaryFile(scenario.replacingOccurrences(of: "name: cli-tiny", with: "name: other"), name: "other.yaml")
        let o = try CLIProcess.run(["sweep", other.path, "--out", out, "--environments", environments, "--quiet"])
        #expect(o.status == 2)
        #expect(o.stderr.contains("holds the results of scenario 'cli-tiny', not 'other'"), "\(o.stderr)")
    }
}
