import Foundation
import Testing
@testable import Experiments

/// Runs one phase shard of the tiny scenario into `dir`.
private func phase(_ scenario: Scenario, _ phase: SweepPhase, _ shard: (Int, Int), into dir: String) async throws -> SweepOutcome {
    try await Sweep(scenario: scenario, outputDirectory: dir,
                    options: SweepOptions(jobs: 2, shardIndex: shard.0, shardCount: shard.1, phase: phase)).run()
}

@Suite(.serialized) struct SweepPhaseTests {
    @Test func phasesOnOneSharedFolderTrainOnceAndGiveTheOneMachineBytes() async throws {
        let s = try loadTiny()
        let (full, _) = try await sweepTiny(s, jobs: 2)
        let shared = try temporaryDirectory("shared")
        // Evaluation before its training is a clear error, and writes no run.
        await #expect(throws: SweepPhaseError.trainingNotDone(count: 2, directory: shared)) {
            _ = try await phase(s, .evaluate, (0, 1), into: shared)
        }
        // Three training shards for two training units: each unit trained by exactly one shard.
        var trained = 0
        for i in 0..<3 {
            let o = try await phase(s, .train, (i, 3), into: shared)
            #expect(o.evaluated == 0 && !o.wroteTables)
            trained += o.trained
        }
        #expect(trained == 2)
        var evaluated = 0
        for i in 0..<2 {
            let o = try await phase(s, .evaluate, (i, 2), into: shared)
            #expect(o.trained == 0 && !o.wroteTables && o.evaluated > 0)
            evaluated += o.evaluated
        }
        #expect(evaluated == 2 * 6 * 3)
        // The merge job: no shard folders, the shared folder already holds every run.
        #expect(try Merge.merge(scenario: s, shards: [], output: shared) == 0)
        #expect(snapshot(shared) == snapshot(full), "training records included")
    }

    @Test func concurrentShardsWritingOneFolderGiveTheSameBytes() async throws {
        let s = try loadTiny()
        let (full, _) = try await sweepTiny(s, jobs: 1)
        let shared = try temporaryDirectory("concurrent")
        async let t1 = phase(s, .train, (0, 2), into: shared)
        async let t2 = phase(s, .train, (1, 2), into: shared)
        let (a, b) = try await (t1, t2)
        #expect(a.trained + b.trained == 2)
        async let e1 = phase(s, .evaluate, (0, 3), into: shared)
        async let e2 = phase(s, .evaluate, (1, 3), into: shared)
        async let e3 = phase(s, .evaluate, (2, 3), into: shared)
        let (x, y, z) = try await (e1, e2, e3)
        #expect(x.evaluated + y.evaluated + z.evaluated == 2 * 6 * 3)
        #expect(try Merge.merge(scenario: s, shards: [], output: shared) == 0)
        #expect(snapshot(shared) == snapshot(full))
        let leftovers = snapshot(shared).keys.filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func everyUnitIsInExactlyOneShardOfItsPhase() throws {
        let s = try loadTiny()
        let plan = SweepPlan(scenario: s)
        for n in 1...5 {
            let training = (0..<n).flatMap { plan.trainingShard($0, of: n).map(\.id) }
            #expect(training.sorted() == plan.training.map(\.id).sorted(), "\(n) shards")
            let evaluation = (0..<n).flatMap { plan.evaluationShard($0, of: n).map(\.id) }
            #expect(evaluation.sorted() == plan.evaluation.map(\.id).sorted(), "\(n) shards")
        }
        // Two equal training units over two shards: one each.
        #expect(plan.trainingShard(0, of: 2).count == 1 && plan.trainingShard(1, of: 2).count == 1)
        // The plan: training units need nothing, evaluation units their training, the tables every run.
        let units = plan.units()
        #expect(units.count == plan.training.count + plan.evaluation.count + 1)
        let trainIds = Set(plan.training.map(\.id))
        for u in units where u.phase == "evaluate" {
            #expect(u.method == "static-search" ? (u.needs.count == 1 && trainIds.contains(u.needs[0])) : u.needs.isEmpty)
        }
        #expect(units.last?.phase == "tables" && units.last?.needs.count == plan.evaluation.count)
        #expect(plan.units(phase: .train, shardIndex: 1, shardCount: 2).map(\.id) == plan.trainingShard(1, of: 2).map(\.id))
    }

    @Test func defaultJobsAreTheCPUsTheProcessMayUse() {
        #expect(SweepCPUs.resolve(affinity: 1, slurmCPUsPerTask: nil, machine: 2) == .init(cpus: 1, source: "CPU affinity"))
        #expect(SweepCPUs.resolve(affinity: 2, slurmCPUsPerTask: "1", machine: 2) == .init(cpus: 1, source: "SLURM_CPUS_PER_TASK"))
        #expect(SweepCPUs.resolve(affinity: 2, slurmCPUsPerTask: "8", machine: 2).cpus == 2, "the smaller wins")
        #expect(SweepCPUs.resolve(affinity: nil, slurmCPUsPerTask: "junk", machine: 3) == .init(cpus: 3, source: "cores"))
        #expect(SweepCPUs.resolve(affinity: nil, slurmCPUsPerTask: "0", machine: 0).cpus == 1)
        #if os(Linux)
        let n = SweepCPUs.affinityCount()
        #expect(n != nil && n! >= 1 && n! <= ProcessInfo.processInfo.processorCount)
        #endif
    }

    @Test func aSharedFolderKeepsANeighboursFreshTemporaryFile() throws {
        let dir = try temporaryDirectory("temporaries")
        let store = ResultStore(directory: dir)
        try store.prepare()
        let fresh = dir + "/runs/.abc.json.tmp-1-x", stale = dir + "/runs/.def.json.tmp-2-y"
        try Data("{".utf8).write(to: URL(fileURLWithPath: fresh))
        try Data("{".utf8).write(to: URL(fileURLWithPath: stale))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale)
        store.removeTemporaries(olderThan: 3600)
        #expect(FileManager.default.fileExists(atPath: fresh) && !FileManager.default.fileExists(atPath: stale))
        store.removeTemporaries()
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }
}
