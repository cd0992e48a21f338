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
        out += "Bold: best non-reference method in the column where more or less is better (higher reward and metric, lower recovery time); "
        out += "retrains and compute are costs the reward already prices, so they are not ranked. "
        out += "References, not competitors: the oracle is told the drift schedule, static-hindsight picked its setting on these very seeds, "
        out += "the planner looks ahead on snapshots of the environment.\n"
        var comparisons: [SummaryStatistics.AgentComparison] = []
        for env in set.environments {
            out += "\n## \(env)\n\n"
            let methods = SummaryStatistics.methods(set, env: env)
            out += "\(SummaryStatistics.seedCount(set, env: env)) held-out seeds"
            let agentSeeds = set.matrix(environment: env, method: "agent", metric: Metric.episodeReward.rawValue).rows.count
            out += agentSeeds > 1 ? "; the agent's cells are over \(agentSeeds) training seeds × these seeds (two-level bootstrap).\n\n" : ".\n\n"
            out += "| method | " + set.metrics.map(title).joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: set.metrics.count) + "\n"
            let best = SummaryStatistics.best(set, env: env, metrics: set.metrics.filter(ReportHTML.rankedMetrics.contains))
            for m in methods {
                var cells: [String] = []
                for metric in set.metrics {
                    let c = SummaryStatistics.cell(set, env: env, method: m, metric: metric)
                    let ci = c.interval
                    var cell = "\(format(ci.estimate)) [\(format(ci.lower)), \(format(ci.upper))] · IQM \(format(c.interquartileMean))"
                    if best[metric] == m { cell = "**\(cell)**" }
                    cells.append(cell)
                }
                out += "| \(isReference(m) ? "\(m) (reference)" : m) | " + cells.joined(separator: " | ") + " |\n"
            }
            if let c = SummaryStatistics.agentComparison(set, env: env) {
                comparisons.append(c)
                out += "\n" + agentLine(c) + "\n"
            }
        }
        if let headroom = headroom(set) { out += headroom }
        if let section = trainingSeedSection(set) { out += section }
        if set.methods.contains("agent") {
            out += "\n## All environments\n\n"
            if let ci = SummaryStatistics.overallAgentAdvantage(set, comparisons) {
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

    /// "Agent vs best baseline" for one environment.
    static func agentLine(_ c: SummaryStatistics.AgentComparison) -> String {
        let ci = c.interval
        let over = c.trainingSeeds > 1 ? "\(c.seeds) seeds × \(c.trainingSeeds) agent training seeds" : "\(c.seeds) seeds"
        return "Agent vs best non-oracle baseline (**\(c.baseline)**), episode reward, paired over \(over): "
            + "\(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))] — \(c.verdict)."
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
