import Foundation
import YAMLConfig
import Linalg
import PolicyGradient
import PolicyRuntime

/// Builds the tables of a finished plan and writes `summary.csv`, `curves.csv`, `summary.md`,
/// `report.html` and `manifest.json`.
public enum ResultTables {
    /// The tool version written into manifests.
    public static let toolVersion = "0.1.0"

    /// Rows of the plan's finished runs and training jobs.
    public static func resultSet(plan: SweepPlan, store: ResultStore) throws -> ResultSet {
        let s = plan.scenario
        var summary: [SummaryRow] = [], curves: [CurveRow] = []
        for (e, env) in s.environments.enumerated() {
            var onsetsWritten = false
            for m in s.methods {
                for job in plan.training where job.environment == e && job.method == m {
                    guard let t = store.training(job.id) else { continue }
                    // Agent seeds after the first keep their own learning curve, as `agent#K`.
                    let name = job.agentSeed > 1 ? "\(t.method)#\(job.agentSeed)" : t.method
                    for (step, v) in zip(t.curveSteps, t.curveValues) {
                        curves.append(CurveRow(scenario: s.name, environment: env.label, method: name, seed: nil,
                                               curve: "training_reward", step: step, value: v))
                    }
                }
                for job in plan.evaluation where job.environment == e && job.method == m {
                    guard let r = store.run(job.id) else {
                        throw SweepError.io(path: store.runPath(job.id), problem: "missing run \(m) on \(env.label) seed \(job.seed)")
                    }
                    let trainingSeed = m == .agent && s.agentSeeds > 1 ? job.agentSeed : nil
                    for metric in s.metrics {
                        summary.append(SummaryRow(scenario: s.name, environment: env.label, method: r.method, seed: r.seed,
                                                  metric: metric.rawValue, value: r.value(metric), trainingSeed: trainingSeed))
                    }
                    if !onsetsWritten {
                        for o in r.onsets {
                            curves.append(CurveRow(scenario: s.name, environment: env.label, method: "", seed: nil,
                                                   curve: "drift_onset:\(o.event)", step: o.period, value: 1))
                        }
                        onsetsWritten = true
                    }
                    for p in r.metric.indices {
                        curves.append(CurveRow(scenario: s.name, environment: env.label, method: r.method, seed: r.seed,
                                               curve: "metric", step: p, value: r.metric[p]))
                        curves.append(CurveRow(scenario: s.name, environment: env.label, method: r.method, seed: r.seed,
                                               curve: "retrain", step: p, value: Double(r.retrain[p])))
                        curves.append(CurveRow(scenario: s.name, environment: env.label, method: r.method, seed: r.seed,
                                               curve: "learning_rate", step: p, value: r.learningRate[p]))
                        curves.append(CurveRow(scenario: s.name, environment: env.label, method: r.method, seed: r.seed,
                                               curve: "batch_size", step: p, value: Double(r.batchSize[p])))
                    }
                }
            }
        }
        return ResultSet(scenario: s.name, summary: summary, curves: curves, statistics: s.statistics)
    }

    /// Writes every table of a finished plan.
    public static func write(plan: SweepPlan, store: ResultStore, phaseSeconds: [String: Double], jobs: Int) throws {
        let set = try resultSet(plan: plan, store: store)
        try store.writeAtomically(summaryCSV(set), to: "summary.csv")
        try store.writeAtomically(curvesCSV(set), to: "curves.csv")
        let s = plan.scenario
        let manifest = Manifest(scenario: s.name, scenarioFile: s.file, scenarioHash: s.contentHash,
                                gitCommit: Manifest.gitCommit(), toolVersion: toolVersion, trainSeeds: s.trainSeeds,
                                testSeeds: s.testSeeds, environments: s.environments.map(\.label),
                                methods: s.methods.map(\.description), jobs: jobs, blasThreadsPerJob: 1,
                                wallSeconds: phaseSeconds, runs: plan.evaluation.count, statistics: s.statistics,
                                trainingSteps: s.training.steps, agentSeeds: s.agentSeeds > 1 ? s.agentSeeds : nil,
                                blasCore: BLAS.coreName)
        try store.writeAtomically(try SnakeCaseJSON.encoder(pretty: true).encode(manifest), to: "manifest.json")
        try writePolicies(plan: plan, store: store, gitCommit: manifest.gitCommit)
        try writeReports(directory: store.directory)
    }

    /// Exports each environment's trained agent as a policy file, `policies/<environment>.policy`
    /// (docs/policy-format.md; with `agent_seeds`, seed K > 1 as `<environment>.agent-seed-K.policy`),
    /// with the scenario, training seeds, commit and the agent's episode reward on the held-out
    /// seeds as provenance.
    static func writePolicies(plan: SweepPlan, store: ResultStore, gitCommit: String) throws {
        let s = plan.scenario
        for job in plan.training where job.method == .agent {
            guard let record = store.training(job.id), let data = record.agentPolicy else { continue }
            let env = s.environments[job.environment]
            let snapshot = try SnakeCaseJSON.decoder().decode(AgentSnapshot.self, from: Data(data.json.utf8))
            let rewards = plan.evaluation.filter { $0.trainingId == job.id }
                .compactMap { store.run($0.id)?.value(.episodeReward) }
            let mean = rewards.reduce(0, +) / Double(max(rewards.count, 1))
            let std = (rewards.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(rewards.count, 1))).squareRoot()
            let provenance = PolicyDocument.Provenance(
                environment: env.label, scenario: s.name,
                algorithm: record.agentCandidates?.first(where: \.selected)?.setting != nil
                    ? Method.staticSearch.description : s.agent.settings.config.algorithm.rawValue, seeds: s.trainSeeds,
                gitCommit: gitCommit, toolVersion: toolVersion, evaluationMeanReward: rewards.isEmpty ? nil : mean,
                evaluationStdReward: rewards.isEmpty ? nil : std, evaluationEpisodes: rewards.count)
            let document = try PolicyExport.document(architecture: snapshot.architecture, parameters: snapshot.parameters,
                                                     normalizer: snapshot.normalizer,
                                                     spec: try AgentProvider.loopSpec(env.spec, for: record), provenance: provenance)
            // Agent seed 1 is the environment's policy; further agent seeds are kept beside it.
            let suffix = job.agentSeed > 1 ? ".agent-seed-\(job.agentSeed)" : ""
            try store.writeAtomically(try PolicyFile.encode(document), to: "policies/\(fileName(env.label))\(suffix).policy")
        }
    }

    /// A label as a file name: lowercase letters, digits and single hyphens
    /// ("recommendation (trained on network + intent)" → "recommendation-trained-on-network-intent").
    static func fileName(_ label: String) -> String {
        var out = ""
        for c in label.lowercased() {
            if c.isLetter && c.isASCII || c.isNumber && c.isASCII { out.append(c) } else if !out.isEmpty && out.last != "-" { out.append("-") }
        }
        while out.last == "-" { out.removeLast() }
        return out.isEmpty ? "policy" : out
    }

    /// Rebuilds `summary.md`, `report.html` (and `training-seeds.csv` with `agent_seeds`) from the CSVs (and the manifest's statistics settings).
    /// Refuses a folder without `curves.csv` rather than writing a report without its plots.
    public static func writeReports(directory: String) throws {
        let set = try load(directory: directory, requireCurves: true)
        let store = ResultStore(directory: directory)
        try store.writeAtomically(SummaryMarkdown.render(set), to: "summary.md")
        try store.writeAtomically(ReportHTML.render(set), to: "report.html")
        if let csv = SummaryMarkdown.trainingSeedCSV(set) { try store.writeAtomically(csv, to: "training-seeds.csv") }
    }

    /// Reads `summary.csv`, `curves.csv` and (if present) the manifest's statistics settings.
    /// Without `curves.csv` (not committed for the shipped scenarios; a rerun of the sweep writes
    /// it) the curves are empty, unless `requireCurves`.
    public static func load(directory: String, requireCurves: Bool = false) throws -> ResultSet {
        let store = ResultStore(directory: directory)
        func read(_ name: String) throws -> [[String]] {
            guard let d = FileManager.default.contents(atPath: store.path(name)) else {
                throw ResultsError.missingResults(path: store.path(name), problem: "not found; expected a results folder written by drifttune sweep")
            }
            return CSV.parse(String(decoding: d, as: UTF8.self))
        }
        let summaryRows = try read("summary.csv")
        let curvesPath = store.path("curves.csv")
        if requireCurves && !FileManager.default.fileExists(atPath: curvesPath) {
            throw ResultsError.missingResults(path: curvesPath, problem: "not found; rerun `drifttune sweep SCENARIO --out "
                                               + "\(directory)` to write it (finished training is reused, the tables come out the same)")
        }
        let curveRows = try FileManager.default.fileExists(atPath: curvesPath) ? read("curves.csv") : [["scenario"]]
        var summary: [SummaryRow] = []
        // A seventh column, `training_seed`, is there when the scenario trains several agents.
        let columns = summaryRows.first?.count == 7 ? 7 : 6
        let header = "scenario,environment,method,seed,metric,value" + (columns == 7 ? ",training_seed" : "")
        for (i, f) in summaryRows.dropFirst().enumerated() {
            guard f.count == columns, let seed = UInt64(f[3]), let v = Double(f[5]) else {
                throw ResultsError.missingResults(path: store.path("summary.csv"), problem: "line \(i + 2): expected \(header)")
            }
            var trainingSeed: Int? = nil
            if columns == 7, !f[6].isEmpty {
                guard let k = Int(f[6]), k >= 1 else {
                    throw ResultsError.missingResults(path: store.path("summary.csv"), problem: "line \(i + 2): training_seed '\(f[6].prefix(40))' is not a whole number ≥ 1")
                }
                trainingSeed = k
            }
            summary.append(SummaryRow(scenario: f[0], environment: f[1], method: f[2], seed: seed, metric: f[4], value: v,
                                      trainingSeed: trainingSeed))
        }
        var curves: [CurveRow] = []
        for (i, f) in curveRows.dropFirst().enumerated() {
            guard f.count == 7, let step = Int(f[5]), let v = Double(f[6]) else {
                throw ResultsError.missingResults(path: store.path("curves.csv"), problem: "line \(i + 2): expected scenario,environment,method,seed,curve,step,value")
            }
            curves.append(CurveRow(scenario: f[0], environment: f[1], method: f[2], seed: UInt64(f[3]), curve: f[4], step: step, value: v))
        }
        let stats = (try? Manifest.load(directory: directory))?.statistics ?? .defaults
        return ResultSet(scenario: summary.first?.scenario ?? (directory as NSString).lastPathComponent,
                         summary: summary, curves: curves, statistics: stats)
    }

    static func summaryCSV(_ set: ResultSet) -> String {
        // The training-seed column only when some method has it, so other tables keep their shape.
        let seeded = set.summary.contains { $0.trainingSeed != nil }
        var out = "scenario,environment,method,seed,metric,value" + (seeded ? ",training_seed" : "") + "\n"
        for r in set.summary {
            var fields = [r.scenario, r.environment, r.method, "\(r.seed)", r.metric, "\(r.value)"]
            if seeded { fields.append(r.trainingSeed.map { "\($0)" } ?? "") }
            out += CSV.line(fields) + "\n"
        }
        return out
    }

    static func curvesCSV(_ set: ResultSet) -> String {
        var out = "scenario,environment,method,seed,curve,step,value\n"
        for r in set.curves {
            out += CSV.line([r.scenario, r.environment, r.method, r.seed.map { "\($0)" } ?? "", r.curve, "\(r.step)", "\(r.value)"]) + "\n"
        }
        return out
    }
}
