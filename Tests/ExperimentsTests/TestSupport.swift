import Foundation
import Simulation
@testable import Experiments

/// The repository's environments directory, found from this file.
let environmentsDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("environments").path

/// A scenario small enough for debug-build tests (two environments, short episodes).
let tinyScenario = """
    name: tiny
    description: test scenario
    environments:
      - name: network-diagnosis
        overrides: {period_length: 100, episode_length: 8, warmup_periods: 1}
      - name: recommendation
        overrides: {period_length: 120, episode_length: 8, warmup_periods: 1, label_delay: 20}
    train_seeds: [1, 2]
    test_seeds: [11, 12, 13]
    training: {steps: 24}
    methods: [fixed, static-search, periodic:3, adwin, cosine-restarts, oracle]
    statistics: {bootstrap_resamples: 200, bootstrap_seed: 9}

    """

/// A fresh temporary folder.
func temporaryDirectory(_ tag: String = "exp") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-\(tag)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `text` as a scenario file in a temporary folder and returns its path.
func scenarioFile(_ text: String, name: String = "tiny.yaml") throws -> String {
    let path = (try temporaryDirectory("scenario") as NSString).appendingPathComponent(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func loadTiny(_ text: String = tinyScenario) throws -> Scenario {
    try Scenario.load(file: try scenarioFile(text), environmentsDirectory: environmentsDirectory)
}

/// Every file under `dir` (relative path → bytes), except the manifest (it records wall times).
func snapshot(_ dir: String) -> [String: Data] {
    var out: [String: Data] = [:]
    let e = FileManager.default.enumerator(atPath: dir)
    while let f = e?.nextObject() as? String {
        var isDir: ObjCBool = false
        let p = (dir as NSString).appendingPathComponent(f)
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue, f != "manifest.json" {
            out[f] = FileManager.default.contents(atPath: p)
        }
    }
    return out
}

/// The stored evaluation run of `method` on held-out `seed` in a finished sweep's `store`.
func storedRun(_ plan: SweepPlan, _ store: ResultStore, _ method: Method, seed: UInt64) -> RunRecord? {
    plan.evaluation.first { $0.method == method && $0.seed == seed }.flatMap { store.run($0.id) }
}
