import Foundation

/// The headroom section of `summary.md`: how much room per-period adaptation has over the best
/// static setting, measured as planner − static-hindsight (episode reward, paired over seeds).
extension SummaryMarkdown {
    /// Per-seed `a − b` of episode reward on `env`, over the seeds both have.
    static func pairedDifferences(_ set: ResultSet, env: String, _ a: String, _ b: String) -> [Double] {
        let metric = Metric.episodeReward.rawValue
        let x = Dictionary(set.values(environment: env, method: a, metric: metric).map { ($0.seed, $0.value) }, uniquingKeysWith: { v, _ in v })
        let y = Dictionary(set.values(environment: env, method: b, metric: metric).map { ($0.seed, $0.value) }, uniquingKeysWith: { v, _ in v })
        return x.keys.filter { y[$0] != nil }.sorted().map { x[$0]! - y[$0]! }
    }

    /// A table with one row per environment, or nil without both `planner` and `static-hindsight`.
    static func headroom(_ set: ResultSet) -> String? {
        guard let rows = SummaryStatistics.headroom(set) else { return nil }
        let st = set.statistics
        var out = "\n## Headroom\n\n"
        out += "Room for per-period adaptation: planner − static-hindsight, episode reward, paired over seeds "
        out += "(\(Int((st.confidence * 100).rounded()))% bootstrap CI), also as a share of static-hindsight's reward. "
        out += "Captured: (agent − static-hindsight) / (planner − static-hindsight).\n\n"
        out += "| environment | planner | static-hindsight | static-search | agent | headroom | headroom % | captured |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for r in rows {
            let env = r.environment, ci = r.headroom
            let cell = { (m: String) in SummaryStatistics.mean(set, env, m).map(format) ?? "–" }
            let pct = r.hindsight != 0 ? String(format: "%+.1f%%", 100 * ci.estimate / abs(r.hindsight)) : "–"
            let captured = r.captured.map { String(format: "%.0f%%", 100 * $0) } ?? "–"
            out += "| \(env) | \(format(r.planner)) | \(format(r.hindsight)) | \(cell(Method.staticSearch.description)) | \(cell("agent")) | "
            out += "\(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))] | \(pct) | \(captured) |\n"
        }
        return out
    }
}
