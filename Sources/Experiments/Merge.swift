import Foundation

/// Joins shard folders of one scenario (`drifttune sweep --shard I/N`) into one results folder
/// and writes its tables. Run and training files carry their identity in their names, so copying
/// them together gives bitwise the tables of an unsharded sweep.
public enum Merge {
    /// Copies the finished runs of `shards` into `output` and writes the tables.
    /// - Returns: how many runs of the plan are still missing (0 when the tables were written).
    public static func merge(scenario: Scenario, shards: [String], output: String, jobs: Int = 1) throws -> Int {
        let target = ResultStore(directory: output)
        try Sweep(scenario: scenario, outputDirectory: output).claimFolder()
        let fm = FileManager.default
        for dir in shards {
            let source = ResultStore(directory: dir)
            if let d = fm.contents(atPath: source.path("scenario.txt")) {
                let found = String(decoding: d, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                if found != scenario.name {
                    throw ResultsError.foreignResults(directory: dir, found: found, expected: scenario.name)
                }
            }
            for sub in ["runs", "train"] {
                let files = (try? fm.contentsOfDirectory(atPath: source.path(sub))) ?? []
                for f in files.sorted() where f.hasSuffix(".json") {
                    let to = "\(sub)/\(f)"
                    if fm.fileExists(atPath: target.path(to)) { continue }
                    guard let data = fm.contents(atPath: source.path(to)) else { continue }
                    try target.writeAtomically(data, to: to)
                }
            }
        }
        let plan = SweepPlan(scenario: scenario)
        let missing = plan.evaluation.filter { target.run($0.id) == nil }.count
        if missing == 0 {
            try ResultTables.write(plan: plan, store: target, phaseSeconds: [:], jobs: jobs)
        }
        return missing
    }
}
