import Foundation
import Linalg

/// `summary.md`: per environment, each method's metrics as mean [95% CI] and IQM over the held-out
/// seeds, the best method per column in bold, the agent's improvement over the best
/// non-reference baseline with its confidence interval, and the headroom (planner − static-hindsight).
public enum SummaryMarkdown {
    /// The bootstrap seed of one cell: the scenario's seed mixed with what the cell is about, so a
    /// cell's interval does not depend on which other cells the table holds.
    static func seed(_ set: ResultSet, _ parts: String...) -> UInt64 {
        set.statistics.seed ^ RandomSource.stableHash(parts.joined(separator: "|"))
    }

    public static func render(_ set: ResultSet) -> String {
        let st = set.statistics
        let pct = Int((st.confidence * 100).rounded())
        var out = "# \(set.scenario): results\n\n"
        out += "Each cell: mean over held-out seeds [\(pct)% bootstrap CI, \(st.resamples) resamples] and the interquartile mean (IQM). "
        out += "Bold: best non-reference method in the column (higher reward and metric, lower retrains, compute and recovery time are better). "
        out += "References, not competitors: the oracle is told the drift schedule, static-hindsight picked its setting on these very seeds, "
        out += "the planner looks ahead on snapshots of the environment.\n"
        var improvements: [[Double]] = []
        for env in set.environments {
            out += "\n## \(env)\n\n"
            let methods = set.methods.filter { m in set.summary.contains { $0.environment == env && $0.method == m } }
            let seeds = Set(set.summary.filter { $0.environment == env }.map(\.seed)).count
            out += "\(seeds) held-out seeds.\n\n"
            out += "| method | " + set.metrics.map(title).joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: set.metrics.count) + "\n"
            var best: [String: String] = [:]
            for metric in set.metrics {
                let higher = Metric(rawValue: metric)?.higherIsBetter ?? true
                let candidates = methods.filter { !isReference($0) }
                let scored = candidates.map { ($0, Statistics.mean(set.values(environment: env, method: $0, metric: metric).map(\.value))) }
                if let b = (higher ? scored.max { $0.1 < $1.1 } : scored.min { $0.1 < $1.1 }) { best[metric] = b.0 }
            }
            for m in methods {
                var cells: [String] = []
                for metric in set.metrics {
                    let xs = set.values(environment: env, method: m, metric: metric).map(\.value)
                    let ci = Bootstrap.mean(xs, resamples: st.resamples, confidence: st.confidence, seed: seed(set, env, m, metric))
                    var cell = "\(format(ci.estimate)) [\(format(ci.lower)), \(format(ci.upper))] · IQM \(format(Statistics.interquartileMean(xs)))"
                    if best[metric] == m { cell = "**\(cell)**" }
                    cells.append(cell)
                }
                out += "| \(isReference(m) ? "\(m) (reference)" : m) | " + cells.joined(separator: " | ") + " |\n"
            }
            if let line = agentLine(set, env: env, methods: methods, diffs: &improvements) { out += "\n" + line + "\n" }
        }
        if let headroom = headroom(set) { out += headroom }
        if set.methods.contains("agent") {
            out += "\n## All environments\n\n"
            if improvements.count > 1 {
                let ci = Bootstrap.mean(strata: improvements, resamples: st.resamples, confidence: st.confidence,
                                        seed: seed(set, "all", "agent-improvement"))
                out += "Agent minus the best non-oracle baseline of each environment, episode reward, averaged over environments "
                out += "(stratified bootstrap, environments as strata): \(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))]"
                out += ci.excludesZero ? (ci.estimate > 0 ? " — the agent is better.\n" : " — the agent is worse.\n") : " — not distinguishable from zero.\n"
            } else {
                out += "One environment only; see above.\n"
            }
        } else {
            out += "\nThis scenario has no agent; no improvement is reported.\n"
        }
        return out
    }

    /// "Agent vs best baseline" for one environment; appends the per-seed differences to `diffs`.
    static func agentLine(_ set: ResultSet, env: String, methods: [String], diffs: inout [[Double]]) -> String? {
        guard methods.contains("agent") else { return nil }
        let metric = Metric.episodeReward.rawValue
        let baselines = methods.filter { $0 != "agent" && !isReference($0) }
        guard let bestBaseline = baselines.max(by: {
            Statistics.mean(set.values(environment: env, method: $0, metric: metric).map(\.value))
                < Statistics.mean(set.values(environment: env, method: $1, metric: metric).map(\.value))
        }) else { return nil }
        let a = Dictionary(set.values(environment: env, method: "agent", metric: metric).map { ($0.seed, $0.value) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(set.values(environment: env, method: bestBaseline, metric: metric).map { ($0.seed, $0.value) }, uniquingKeysWith: { x, _ in x })
        let seeds = a.keys.filter { b[$0] != nil }.sorted()
        guard !seeds.isEmpty else { return nil }
        let d = seeds.map { a[$0]! - b[$0]! }
        diffs.append(d)
        let st = set.statistics
        let ci = Bootstrap.mean(d, resamples: st.resamples, confidence: st.confidence, seed: seed(set, env, "agent-vs", bestBaseline))
        let verdict = ci.excludesZero ? (ci.estimate > 0 ? "better" : "worse") : "not distinguishable"
        return "Agent vs best non-oracle baseline (**\(bestBaseline)**), episode reward, paired over \(seeds.count) seeds: "
            + "\(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))] — \(verdict)."
    }

    static func isReference(_ method: String) -> Bool { Method(name: method)?.isReference ?? false }

    static func title(_ metric: String) -> String { metric.replacingOccurrences(of: "_", with: " ") }

    /// Numbers with precision by magnitude.
    public static func format(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1000 { return String(format: "%.0f", x) }
        if a >= 100 { return String(format: "%.1f", x) }
        if a >= 10 { return String(format: "%.2f", x) }
        return String(format: "%.3f", x)
    }

    static func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + format(x) }
}
