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
        let planner = Method.planner.description, hindsight = Method.staticHindsight.description
        guard set.methods.contains(planner), set.methods.contains(hindsight) else { return nil }
        let st = set.statistics
        let metric = Metric.episodeReward.rawValue
        func mean(_ env: String, _ m: String) -> Double? {
            let xs = set.values(environment: env, method: m, metric: metric).map(\.value)
            return xs.isEmpty ? nil : Statistics.mean(xs)
        }
        var out = "\n## Headroom\n\n"
        out += "Room for per-period adaptation: planner − static-hindsight, episode reward, paired over seeds "
        out += "(\(Int((st.confidence * 100).rounded()))% bootstrap CI), also as a share of static-hindsight's reward. "
        out += "Captured: (agent − static-hindsight) / (planner − static-hindsight).\n\n"
        out += "| environment | planner | static-hindsight | static-search | agent | headroom | headroom % | captured |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for env in set.environments {
            guard let p = mean(env, planner), let h = mean(env, hindsight) else { continue }
            let d = pairedDifferences(set, env: env, planner, hindsight)
            let ci = Bootstrap.mean(d, resamples: st.resamples, confidence: st.confidence, seed: seed(set, env, "headroom"))
            let cell = { (m: String) in mean(env, m).map(format) ?? "–" }
            let pct = h != 0 ? String(format: "%+.1f%%", 100 * ci.estimate / abs(h)) : "–"
            var captured = "–"
            if let a = mean(env, "agent"), p - h > 0 { captured = String(format: "%.0f%%", 100 * (a - h) / (p - h)) }
            out += "| \(env) | \(format(p)) | \(format(h)) | \(cell(Method.staticSearch.description)) | \(cell("agent")) | "
            out += "\(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))] | \(pct) | \(captured) |\n"
        }
        return out
    }
}
