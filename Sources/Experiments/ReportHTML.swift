import Foundation

/// `report.html`: one self-contained page (inline SVG, no scripts, no network) with the learning
/// curves of the trained methods and, per environment, the metric over time of every method (mean
/// over seeds) with drift onsets as dashed lines and retrains as dots sized by the share of seeds
/// that retrained in that period.
public enum ReportHTML {
    public static func render(_ set: ResultSet) -> String {
        var h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DriftTune: \(esc(set.scenario))</title>\n"
        h += "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:13px}"
        h += "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}.best{font-weight:bold}</style>\n"
        h += "</head><body>\n<h1>DriftTune results: \(esc(set.scenario))</h1>\n"
        h += "<p>Mean over held-out seeds. Dashed vertical lines: drift onsets. Dots: retrains (size: share of seeds retraining). Dashed curves: references (the oracle knows the drift schedule, static-hindsight chose its setting on these seeds, the planner looks ahead on environment snapshots).</p>\n"
        let colors = Dictionary(uniqueKeysWithValues: set.methods.enumerated().map { ($0.element, SVGChart.palette[$0.offset % SVGChart.palette.count]) })
        // Learning curves of trained methods.
        let training = set.curves.filter { $0.curve == "training_reward" }
        if !training.isEmpty {
            h += "<h2>Learning curves</h2>\n"
            var series: [SVGChart.Series] = []
            for env in set.environments {
                for m in set.methods {
                    let pts = training.filter { $0.environment == env && $0.method == m }.map { (x: Double($0.step), y: $0.value) }
                    if !pts.isEmpty {
                        series.append(.init(name: "\(m) · \(env)", color: SVGChart.palette[series.count % SVGChart.palette.count], points: pts))
                    }
                }
            }
            h += SVGChart(title: "Training: mean episode reward (static search: best so far)", xLabel: "environment steps",
                          yLabel: "episode reward", series: series).render()
        }
        for env in set.environments {
            h += "<h2>\(esc(env))</h2>\n" + table(set, env: env)
            let rows = set.curves.filter { $0.environment == env }
            let onsets = rows.filter { $0.curve.hasPrefix("drift_onset:") }
                .map { (x: Double($0.step), label: String($0.curve.dropFirst("drift_onset:".count))) }
            var series: [SVGChart.Series] = []
            for m in set.methods {
                let metric = rows.filter { $0.method == m && $0.curve == "metric" }
                guard !metric.isEmpty else { continue }
                let retrains = rows.filter { $0.method == m && $0.curve == "retrain" }
                let seeds = Double(Set(metric.compactMap(\.seed)).count)
                var byStep: [Int: [Double]] = [:], retrainBy: [Int: Double] = [:]
                for r in metric { byStep[r.step, default: []].append(r.value) }
                for r in retrains where r.value > 0 { retrainBy[r.step, default: 0] += 1 }
                let pts = byStep.keys.sorted().map { (x: Double($0), y: Statistics.mean(byStep[$0]!)) }
                let marks = retrainBy.keys.sorted().map { (x: Double($0), size: retrainBy[$0]! / max(seeds, 1)) }
                series.append(.init(name: m, color: colors[m] ?? "#000", points: pts, marks: marks, dashed: SummaryMarkdown.isReference(m)))
            }
            h += SVGChart(title: "\(env): task metric per period", xLabel: "period", yLabel: "metric", series: series,
                          verticals: onsets).render()
        }
        h += "</body></html>\n"
        return h
    }

    /// Mean per method of each metric, best non-reference mean in bold.
    static func table(_ set: ResultSet, env: String) -> String {
        let methods = set.methods.filter { m in set.summary.contains { $0.environment == env && $0.method == m } }
        var h = "<table><tr><th>method</th>" + set.metrics.map { "<th>\(esc(SummaryMarkdown.title($0)))</th>" }.joined() + "</tr>\n"
        var best: [String: String] = [:]
        for metric in set.metrics {
            let higher = Metric(rawValue: metric)?.higherIsBetter ?? true
            let scored = methods.filter { !SummaryMarkdown.isReference($0) }
                .map { ($0, Statistics.mean(set.values(environment: env, method: $0, metric: metric).map(\.value))) }
            if let b = (higher ? scored.max { $0.1 < $1.1 } : scored.min { $0.1 < $1.1 }) { best[metric] = b.0 }
        }
        for m in methods {
            h += "<tr><td>\(esc(m))</td>"
            for metric in set.metrics {
                let v = Statistics.mean(set.values(environment: env, method: m, metric: metric).map(\.value))
                h += "<td\(best[metric] == m ? " class=\"best\"" : "")>\(SummaryMarkdown.format(v))</td>"
            }
            h += "</tr>\n"
        }
        return h + "</table>\n"
    }
}
