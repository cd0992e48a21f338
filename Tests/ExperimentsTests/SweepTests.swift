import Foundation
import Testing
@testable import Experiments

/// Runs the tiny scenario into a fresh folder.
func sweepTiny(_ scenario: Scenario, jobs: Int, into dir: String? = nil, shard: (Int, Int) = (0, 1)) async throws -> (String, SweepOutcome) {
    let out = try dir ?? temporaryDirectory("sweep")
    let sweep = Sweep(scenario: scenario, outputDirectory: out,
                      options: SweepOptions(jobs: jobs, shardIndex: shard.0, shardCount: shard.1))
    return (out, try await sweep.run())
}

@Suite(.serialized) struct SweepTests {
    @Test func resultsDoNotDependOnJobs() async throws {
        let s = try loadTiny()
        let (a, oa) = try await sweepTiny(s, jobs: 1)
        let (b, _) = try await sweepTiny(s, jobs: 3)
        let runCount = 2 * 6 * 3
        #expect(oa.wroteTables)
        #expect(oa.trained == 2)
        #expect(oa.evaluated == runCount)
        let sa = snapshot(a), sb = snapshot(b)
        let fileCount = runCount + 2 + 5
        #expect(sa.keys.count == fileCount, "runs, training records, scenario.txt + 4 tables")
        #expect(sa == sb)
        let summary = String(decoding: sa["summary.csv"]!, as: UTF8.self)
        #expect(summary.hasPrefix("scenario,environment,method,seed,metric,value\ntiny,network-diagnosis,fixed,11,episode_reward,"))
        let lines = summary.split(separator: "\n").count
        #expect(lines == 1 + runCount * 5)
        let md = String(decoding: sa["summary.md"]!, as: UTF8.self)
        #expect(md.contains("## network-diagnosis") && md.contains("| oracle (reference) |") && md.contains("**"))
        let html = String(decoding: sa["report.html"]!, as: UTF8.self)
        #expect(html.contains("<svg") && !html.contains("<script"))
        let manifest = try Manifest.load(directory: a)
        #expect(manifest.scenario == "tiny" && manifest.scenarioHash == s.contentHash && manifest.testSeeds == [11, 12, 13])
        #expect(manifest.jobs == 1 && manifest.blasThreadsPerJob == 1 && manifest.wallSeconds["evaluation"] != nil)
        #expect(manifest.trainingSteps == 24)
        // snake_case keys in manifest.json and in the run and training records.
        let keys = try jsonKeys(Data(contentsOf: URL(fileURLWithPath: a + "/manifest.json")))
        for key in ["scenario_file", "scenario_hash", "git_commit", "train_seeds", "test_seeds", "blas_threads_per_job",
                    "wall_seconds", "training_steps"] {
            #expect(keys.contains(key), "manifest.json lacks \(key)")
        }
        #expect(!keys.contains("scenarioHash") && !keys.contains("trainingBudgetSteps"))
        let run = try #require(sa.first { $0.key.hasPrefix("runs/") }?.value)
        let runKeys = try jsonKeys(run)
        #expect(runKeys.contains("learning_rate") && runKeys.contains("batch_size"), "\(runKeys)")
        #expect(runKeys.allSatisfy { $0 == $0.lowercased() }, "\(runKeys)")
        let training = try #require(sa.first { $0.key.hasPrefix("train/") }?.value)
        #expect(try jsonKeys(training).contains("curve_steps"))
    }

    @Test func interruptedSweepResumesToTheSameBytes() async throws {
        let s = try loadTiny()
        let (full, _) = try await sweepTiny(s, jobs: 2)
        // An interrupted sweep: some runs and a training record missing, a half-written temporary
        // file, no tables yet.
        let (dir, _) = try await sweepTiny(s, jobs: 2)
        let fm = FileManager.default
        let runs = try fm.contentsOfDirectory(atPath: dir + "/runs").sorted()
        for f in runs.prefix(runs.count / 2) { try fm.removeItem(atPath: dir + "/runs/" + f) }
        let trained = try fm.contentsOfDirectory(atPath: dir + "/train")
        try fm.removeItem(atPath: dir + "/train/" + trained[0])
        for t in ["summary.csv", "summary.md", "curves.csv", "report.html", "manifest.json"] { try fm.removeItem(atPath: dir + "/" + t) }
        try Data("{\"trunc".utf8).write(to: URL(fileURLWithPath: dir + "/runs/" + runs[0] + ".tmp-1-abc"))
        let (_, resumed) = try await sweepTiny(s, jobs: 2, into: dir)
        #expect(resumed.skipped > 0 && resumed.evaluated == runs.count / 2 && resumed.trained == 1)
        #expect(snapshot(dir) == snapshot(full))
        // A rerun of a finished sweep does nothing but rewrite identical tables.
        let (_, again) = try await sweepTiny(s, jobs: 2, into: dir)
        #expect(again.evaluated == 0 && again.trained == 0)
        #expect(snapshot(dir) == snapshot(full))
    }

    @Test func shardsMergeToTheUnshardedTables() async throws {
        let s = try loadTiny()
        let (full, _) = try await sweepTiny(s, jobs: 2)
        let (one, o1) = try await sweepTiny(s, jobs: 2, shard: (0, 2))
        let (two, o2) = try await sweepTiny(s, jobs: 2, shard: (1, 2))
        #expect(!o1.wroteTables && !o2.wroteTables)
        #expect(o1.evaluated + o2.evaluated == 2 * 6 * 3 && o1.evaluated > 0 && o2.evaluated > 0)
        let merged = try temporaryDirectory("merged")
        #expect(try Merge.merge(scenario: s, shards: [one], output: merged) > 0)
        #expect(try Merge.merge(scenario: s, shards: [one, two], output: merged) == 0)
        let a = snapshot(full).filter { !$0.key.hasPrefix("train/") }, b = snapshot(merged).filter { !$0.key.hasPrefix("train/") }
        #expect(a == b)
    }

    @Test func anotherScenariosFolderIsNeverOverwritten() async throws {
        let s = try loadTiny()
        let (dir, _) = try await sweepTiny(s, jobs: 2)
        let other = try loadTiny(tinyScenario.replacingOccurrences(of: "name: tiny", with: "name: other"))
        await #expect(throws: ResultsError.foreignResults(directory: dir, found: "tiny", expected: "other")) {
            _ = try await Sweep(scenario: other, outputDirectory: dir).run()
        }
    }

    @Test func reportRebuildsTheSameFilesFromTheCSVs() async throws {
        let s = try loadTiny()
        let (dir, _) = try await sweepTiny(s, jobs: 2)
        let before = snapshot(dir)
        try FileManager.default.removeItem(atPath: dir + "/summary.md")
        try FileManager.default.removeItem(atPath: dir + "/report.html")
        try ResultTables.writeReports(directory: dir)
        #expect(snapshot(dir) == before)
        // Without curves.csv the report is refused, never rewritten without its plots; a rerun of
        // the sweep writes the CSV again, byte for byte.
        let curves = try #require(FileManager.default.contents(atPath: dir + "/curves.csv"))
        try FileManager.default.removeItem(atPath: dir + "/curves.csv")
        #expect(throws: ResultsError.self) { try ResultTables.writeReports(directory: dir) }
        #expect(FileManager.default.contents(atPath: dir + "/report.html") == before["report.html"])
        _ = try await sweepTiny(s, jobs: 1, into: dir)
        #expect(FileManager.default.contents(atPath: dir + "/curves.csv") == curves)
    }

    @Test func compareIsPairedOnEqualSeedsAndSaysWhenTheyDiffer() async throws {
        let s = try loadTiny()
        let (a, _) = try await sweepTiny(s, jobs: 2)
        let (b, _) = try await sweepTiny(s, jobs: 2)
        let same = try Comparison.compare(a, b)
        #expect(same.rows.allSatisfy { $0.paired && $0.difference == ConfidenceInterval(estimate: 0, lower: 0, upper: 0) })
        #expect(same.notes.contains { $0.contains("same 3 held-out seeds") })
        let other = try loadTiny(tinyScenario.replacingOccurrences(of: "test_seeds: [11, 12, 13]", with: "test_seeds: [11, 14]"))
        let (c, _) = try await sweepTiny(other, jobs: 2)
        let diff = try Comparison.compare(a, c)
        #expect(diff.notes.contains { $0.contains("held-out seeds differ (only in A: 12, 13; only in B: 14)") })
        #expect(diff.notes.contains { $0.contains("scenario files differ") })
        #expect(diff.rows.allSatisfy { !$0.paired })
        #expect(diff.markdown().contains("unpaired, 3 vs 2 seeds"))
    }

    @Test func runIdentitiesAreStableAndContentDerived() throws {
        let s = try loadTiny()
        let plan = SweepPlan(scenario: s)
        #expect(Set(plan.evaluation.map(\.id)).count == plan.evaluation.count)
        // Reordering methods and environments changes no identity.
        let reordered = try loadTiny(tinyScenario.replacingOccurrences(
            of: "methods: [fixed, static-search, periodic:3, adwin, cosine-restarts, oracle]",
            with: "methods: [oracle, adwin, fixed, cosine-restarts, static-search, periodic:3]"))
        #expect(Set(SweepPlan(scenario: reordered).evaluation.map(\.id)) == Set(plan.evaluation.map(\.id)))
        // Changing an override changes the identities of that environment only.
        let changed = try loadTiny(tinyScenario.replacingOccurrences(of: "period_length: 100", with: "period_length: 110"))
        let changedIds = Set(SweepPlan(scenario: changed).evaluation.map(\.id))
        let recommendation = plan.evaluation.filter { $0.environment == 1 && !$0.method.isTrained }.map(\.id)
        #expect(recommendation.allSatisfy(changedIds.contains))
        #expect(plan.evaluation.filter { $0.environment == 0 }.allSatisfy { !changedIds.contains($0.id) })
    }
}

/// The keys of a JSON object, nested objects and lists included.
func jsonKeys(_ data: Data) throws -> Set<String> {
    func keys(_ v: Any) -> [String] {
        if let o = v as? [String: Any] { return Array(o.keys) + o.values.flatMap(keys) }
        if let a = v as? [Any] { return a.flatMap(keys) }
        return []
    }
    return Set(keys(try JSONSerialization.jsonObject(with: data)))
}
