import Foundation

/// `report.html`: one self-contained page (inline SVG, no scripts, no network) for a reviewer.
///
/// First the verdict: per environment the agent against the best non-reference baseline, paired
/// over seeds with its CI and seed count (and the headroom when the scenario has the references).
/// Then per environment: the table of every metric with CIs (the numbers of `summary.md`, from
/// `SummaryStatistics`), episode reward with CIs on that environment's own axis, what the agent
/// chose each period (learning rate, batch size, retrains) beside the metric and the drift onsets,
/// and the metric per period as small multiples, one panel per method; with `agent_seeds`, the
/// agent over its training seeds (probability of improvement, performance profile). Colours are per method
/// name (`MethodColor`), the same in every report.
public enum ReportHTML {
    /// Metrics where a better value is better on its own; retrains and compute are costs the reward
    /// already prices (the frozen learner `never` has none), so they are not ranked.
    static let rankedMetrics: Set<String> = [Metric.episodeReward.rawValue, Metric.taskMetric.rawValue, Metric.recoveryTime.rawValue]

    public static func render(_ set: ResultSet) -> String {
        let st = set.statistics
        let pct = Int((st.confidence * 100).rounded())
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DriftTune: \(esc(set.scenario))</title>\n"
        h += "<style>" + style + "</style>\n</head><body>\n"
        h += "<h1>DriftTune results: \(esc(set.scenario))</h1>\n"
        let seedCounts = Set(set.environments.map { SummaryStatistics.seedCount(set, env: $0) }).sorted()
        h += "<p class=\"lede\">\(set.environments.count) environment\(set.environments.count == 1 ? "" : "s") · "
        h += "\(set.methods.count) methods · \(seedCounts.map(String.init).joined(separator: "/")) held-out seeds per method. "
        h += "Intervals: \(pct)% percentile bootstrap (\(st.resamples) resamples) over held-out seeds"
        h += set.hasTrainingSeeds ? "; the agent was trained with several seeds, and its intervals resample training seeds too (two-level bootstrap), "
            + "other trained methods were trained once; " : ", one training run per trained method; "
        h += "paired differences are per seed.</p>\n"
        h += verdict(set)
        let training = set.curves.filter { $0.curve == "training_reward" }
        for env in set.environments {
            h += "<h2 id=\"\(esc(ResultTables.fileName(env)))\">\(esc(env))</h2>\n"
            h += environmentSection(set, env: env)
        }
        if !training.isEmpty {
            h += "<h2>Learning curves</h2>\n<p>Trained methods on the training seeds, one axis per environment. Agent: mean reward of "
            h += "the training episodes that ended in each PPO iteration; static search: best candidate so far (static-hindsight, "
            h += "whose search runs on the held-out seeds, is left out).</p>\n<div class=\"grid\">\n"
            for env in set.environments {
                // Agent seeds after the first have curves of their own (`agent#K`), in the agent's colour.
                var names = set.methods.filter { !SummaryMarkdown.isReference($0) }
                for r in training where r.environment == env && r.method.hasPrefix("agent#") && !names.contains(r.method) {
                    names.append(r.method)
                }
                let series = names.compactMap { m -> SVGChart.Series? in
                    let pts = training.filter { $0.environment == env && $0.method == m }.map { (x: Double($0.step), y: $0.value) }
                    let seed = m.hasPrefix("agent#") ? "agent (training seed \(m.dropFirst("agent#".count)))" : nil
                    return pts.isEmpty ? nil : SVGChart.Series(name: seed ?? m, color: MethodColor.of(seed == nil ? m : "agent"),
                                                               points: pts, dashed: seed != nil)
                }
                if !series.isEmpty {
                    h += SVGChart(title: env, xLabel: "environment steps", yLabel: "episode reward", series: series,
                                  width: 470, plotHeight: 190).render()
                }
            }
            h += "</div>\n"
        }
        h += "<h2>How to read this page</h2>\n<ul>\n"
        h += "<li>Bold: the best non-reference method where better is meaningful on its own — higher episode reward and task metric, "
        h += "lower recovery time. Retrains and compute are costs already priced into the reward, so they are not ranked.</li>\n"
        h += "<li>References, not competitors (dashed lines, hollow dots, <i>reference</i> in tables): the oracle is told the drift schedule, "
        h += "static-hindsight picked its setting on these very seeds, the planner looks ahead on snapshots of the environment.</li>\n"
        h += "<li>Each method has one colour in every DriftTune report. Dashed vertical lines: drift onsets (hover for the event).</li>\n"
        h += "</ul>\n</body></html>\n"
        return h
    }

    static let style = "body{font-family:sans-serif;max-width:1000px;margin:1.5em auto;color:#222;padding:0 1em}"
        + "h1{margin-bottom:.2em}.lede{color:#444;margin-top:0}"
        + "table{border-collapse:collapse;font-size:13px;margin:.6em 0}"
        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}th:first-child,td:first-child{text-align:left}"
        + "th{background:#f4f4f4}.best{font-weight:bold}.ci{color:#555}.iqm{color:#777;font-size:11px}.ref{color:#666;font-style:italic}"
        + ".swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:baseline}"
        + ".better{color:#1a7f37;font-weight:bold}.worse{color:#b42318;font-weight:bold}.same{color:#555;font-weight:bold}"
        + ".verdict{background:#f7f7fb;border:1px solid #dde;padding:.4em .9em;margin:1em 0}"
        + ".grid{display:flex;flex-wrap:wrap;gap:10px}svg{display:block;margin:.5em 0}"

    /// The agent's paired advantage per environment (and over all), and the headroom.
    static func verdict(_ set: ResultSet) -> String {
        let comparisons = set.environments.compactMap { env in SummaryStatistics.agentComparison(set, env: env).map { (env, $0) } }
        var h = "<div class=\"verdict\">\n"
        guard !comparisons.isEmpty else {
            return h + "<p>This scenario has no agent; no improvement is reported.</p>\n</div>\n"
        }
        h += "<h2>Agent − best non-reference baseline</h2>\n"
        h += "<table><tr><th>environment</th><th>agent</th><th>best baseline</th><th>agent − best, paired [CI]</th><th>seeds</th><th>verdict</th></tr>\n"
        for (env, c) in comparisons {
            let agent = SummaryStatistics.mean(set, env, "agent") ?? .nan
            let base = SummaryStatistics.mean(set, env, c.baseline) ?? .nan
            h += "<tr><td>\(esc(env))</td><td>\(SummaryMarkdown.format(agent))</td>"
            h += "<td>\(swatch(c.baseline))\(esc(c.baseline)) \(SummaryMarkdown.format(base))</td>"
            let seeds = c.trainingSeeds > 1 ? "\(c.seeds) × \(c.trainingSeeds) agent seeds" : "\(c.seeds)"
            h += "<td>\(interval(c.interval, signed: true))</td><td>\(seeds)</td><td>\(verdictSpan(c.interval))</td></tr>\n"
        }
        h += "</table>\n"
        h += "<p>Episode reward; the best baseline of each environment is the non-reference method with the highest mean. "
        if let all = SummaryStatistics.overallAgentAdvantage(set, comparisons.map(\.1)) {
            h += "Averaged over the \(comparisons.count) environments (stratified bootstrap, environments as strata): "
            h += "<b>\(interval(all, signed: true))</b> \(verdictSpan(all)).</p>\n"
        } else {
            h += "</p>\n"
        }
        if let rows = SummaryStatistics.headroom(set), !rows.isEmpty {
            h += "<h3>Headroom: planner − static-hindsight</h3>\n<table><tr><th>environment</th><th>planner</th><th>static-hindsight</th>"
            h += "<th>agent</th><th>headroom, paired [CI]</th><th>seeds</th><th>agent captures</th></tr>\n"
            for r in rows {
                h += "<tr><td>\(esc(r.environment))</td><td>\(SummaryMarkdown.format(r.planner))</td><td>\(SummaryMarkdown.format(r.hindsight))</td>"
                h += "<td>\(SummaryStatistics.mean(set, r.environment, "agent").map(SummaryMarkdown.format) ?? "–")</td>"
                h += "<td>\(interval(r.headroom, signed: true))</td><td>\(r.seeds)</td>"
                h += "<td>\(r.captured.map { String(format: "%.0f%%", 100 * $0) } ?? "–")</td></tr>\n"
            }
            h += "</table>\n<p>How much per-period adaptation can win at all; captured = (agent − static-hindsight) / headroom.</p>\n"
        }
        return h + "</div>\n"
    }

    /// One environment: table, reward intervals, the agent's decisions, per-method small multiples.
    static func environmentSection(_ set: ResultSet, env: String) -> String {
        var h = "<p>\(SummaryStatistics.seedCount(set, env: env)) held-out seeds."
        let comparison = SummaryStatistics.agentComparison(set, env: env)
        if let c = comparison {
            let over = c.trainingSeeds > 1 ? "\(c.seeds) seeds × \(c.trainingSeeds) agent training seeds" : "\(c.seeds) seeds"
            h += " Agent − \(esc(c.baseline)) (best non-reference baseline), episode reward, paired over \(over): "
            h += "<b>\(interval(c.interval, signed: true))</b> \(verdictSpan(c.interval))."
        }
        h += "</p>\n" + table(set, env: env)
        let methods = SummaryStatistics.methods(set, env: env)
        let reward = Metric.episodeReward.rawValue
        if set.metrics.contains(reward) {
            let rows = methods.map { m in
                SVGIntervalChart.Row(name: SummaryMarkdown.isReference(m) ? "\(m) (reference)" : m, color: MethodColor.of(m),
                                     interval: SummaryStatistics.cell(set, env: env, method: m, metric: reward).interval,
                                     hollow: SummaryMarkdown.isReference(m))
            }
            let reference = comparison.flatMap { c in
                SummaryStatistics.mean(set, env, c.baseline).map { (x: $0, label: "best baseline: \(c.baseline)") }
            }
            h += SVGIntervalChart(title: "\(env): episode reward, mean and \(Int((set.statistics.confidence * 100).rounded()))% CI",
                                  xLabel: "episode reward" + (reference == nil ? "" : " (dashed: best baseline's mean)"), rows: rows,
                                  reference: reference).render()
        }
        h += trainingSeedSection(set, env: env)
        let rows = set.curves.filter { $0.environment == env }
        let onsets = rows.filter { $0.curve.hasPrefix("drift_onset:") }
            .map { (x: Double($0.step), label: String($0.curve.dropFirst("drift_onset:".count))) }
        let profiles = methods.compactMap { PeriodProfile(rows, environment: env, method: $0) }
        guard !profiles.isEmpty else { return h }
        if let agent = profiles.first(where: { $0.method == "agent" }) {
            var comparisons: [PeriodProfile] = []
            if let c = comparison, let p = profiles.first(where: { $0.method == c.baseline }) { comparisons.append(p) }
            if let p = profiles.first(where: { $0.method == Method.planner.description })
                ?? profiles.first(where: { $0.method == Method.oracle.description }) { comparisons.append(p) }
            h += "<h3>What the agent chose, period by period</h3>\n"
            h += SVGDecisionChart(title: "\(env): the agent's decisions beside its metric", agent: agent, comparisons: comparisons,
                                  verticals: onsets).render()
        }
        h += onsetList(onsets)
        let context = profiles.first { $0.method == "agent" }
        let bestBaseline = comparison.flatMap { c in profiles.first { $0.method == c.baseline } }
        let panels = profiles.map { p in
            SVGSmallMultiples.Panel(title: SummaryMarkdown.isReference(p.method) ? "\(p.method) (reference)" : p.method,
                                    main: p.metricSeries(),
                                    context: (p.method == "agent" ? bestBaseline : context)?.metricSeries())
        }
        let note = context == nil ? "" : "grey: the agent" + (bestBaseline.map { " (in the agent's panel: \($0.method))" } ?? "")
        h += SVGSmallMultiples(title: "\(env): task metric per period, mean over seeds", xLabel: "period", yLabel: "task metric",
                               panels: panels, verticals: onsets, contextNote: note).render()
        return h
    }

    /// Every method's metrics as mean [CI] and IQM; bold on ranked metrics only.
    static func table(_ set: ResultSet, env: String) -> String {
        let methods = SummaryStatistics.methods(set, env: env)
        let best = SummaryStatistics.best(set, env: env, metrics: set.metrics.filter(rankedMetrics.contains))
        var h = "<table><tr><th>method</th>" + set.metrics.map { m in
            let arrow = rankedMetrics.contains(m) ? ((Metric(rawValue: m)?.higherIsBetter ?? true) ? " ↑" : " ↓") : ""
            return "<th>\(esc(SummaryMarkdown.title(m)))\(arrow)</th>"
        }.joined() + "</tr>\n"
        for m in methods {
            let ref = SummaryMarkdown.isReference(m)
            h += "<tr><td>\(swatch(m))\(esc(m))\(ref ? " <span class=\"ref\">reference</span>" : "")</td>"
            for metric in set.metrics {
                let c = SummaryStatistics.cell(set, env: env, method: m, metric: metric)
                h += "<td\(best[metric] == m ? " class=\"best\"" : "")>\(interval(c.interval, signed: false))"
                h += "<br><span class=\"iqm\">IQM \(SummaryMarkdown.format(c.interquartileMean))</span></td>"
            }
            h += "</tr>\n"
        }
        return h + "</table>\n<p class=\"iqm\">↑ higher is better, ↓ lower is better; retrains and compute are not ranked.</p>\n"
    }

    /// The agent over its training seeds: each seed's mean, mean and IQM over every run, the
    /// probability of improvement over every method, and the performance profile as a chart.
    static func trainingSeedSection(_ set: ResultSet, env: String) -> String {
        guard let s = SummaryStatistics.trainingSeeds(set, env: env, thresholdCount: 41) else { return "" }
        let pct = Int((set.statistics.confidence * 100).rounded())
        var h = "<h3>Over \(s.trainingSeeds) agent training seeds</h3>\n"
        h += "<p>Episode reward over every run (\(s.trainingSeeds) training seeds × \(s.heldOutSeeds) held-out seeds), \(pct)% two-level "
        h += "bootstrap: mean <b>\(interval(s.mean, signed: false))</b>, IQM <b>\(interval(s.interquartileMean, signed: false))</b>.</p>\n"
        h += "<table><tr><th>training seed</th>" + s.perTrainingSeed.indices.map { "<th>\($0 + 1)</th>" }.joined() + "</tr>\n"
        h += "<tr><td>mean reward [CI over held-out seeds]</td>" + s.perTrainingSeed.map { "<td>\(interval($0, signed: false))</td>" }.joined()
        h += "</tr>\n</table>\n"
        h += "<table><tr><th>X</th><th>P(agent &gt; X) [\(pct)% CI]</th></tr>\n"
        for i in s.improvements {
            let p = i.probability
            let cls = p.lower > 0.5 ? "better" : p.upper < 0.5 ? "worse" : "same"
            h += "<tr><td>\(swatch(i.baseline))\(esc(i.baseline))\(i.isReference ? " <span class=\"ref\">reference</span>" : "")</td>"
            h += "<td><span class=\"\(cls)\">\(String(format: "%.2f", p.estimate))</span> <span class=\"ci\">"
            h += "[\(String(format: "%.2f, %.2f", p.lower, p.upper))]</span></td></tr>\n"
        }
        h += "</table>\n<p class=\"iqm\">P(agent &gt; X): the chance that the agent, trained with a random seed, beats X on a random "
        h += "held-out seed (ties count one half); green when the whole interval is above 0.5, red when below.</p>\n"
        let series = s.profiles.map { p in
            SVGChart.Series(name: SummaryMarkdown.isReference(p.method) ? "\(p.method) (reference)" : p.method, color: MethodColor.of(p.method),
                            points: zip(s.thresholds, p.shares).map { (x: $0, y: $1) }, dashed: SummaryMarkdown.isReference(p.method))
        }
        h += SVGChart(title: "\(env): performance profile", xLabel: "episode reward τ (from the 10% quantile of every episode)",
                      yLabel: "share of episodes above τ",
                      series: series, width: 940, plotHeight: 230).render()
        return h
    }

    static func onsetList(_ onsets: [(x: Double, label: String)]) -> String {
        guard !onsets.isEmpty else { return "" }
        var byEvent: [(String, [Int])] = []
        for o in onsets {
            if let i = byEvent.firstIndex(where: { $0.0 == o.label }) { byEvent[i].1.append(Int(o.x)) } else { byEvent.append((o.label, [Int(o.x)])) }
        }
        return "<p class=\"iqm\">Drift onsets: " + byEvent.map { "\(esc($0.0)) (period\($0.1.count == 1 ? "" : "s") "
            + $0.1.map(String.init).joined(separator: ", ") + ")" }.joined(separator: "; ") + ".</p>\n"
    }

    static func interval(_ ci: ConfidenceInterval, signed: Bool) -> String {
        let fmt = signed ? SummaryMarkdown.signed : SummaryMarkdown.format
        return "\(fmt(ci.estimate)) <span class=\"ci\">[\(fmt(ci.lower)), \(fmt(ci.upper))]</span>"
    }

    static func verdictSpan(_ ci: ConfidenceInterval) -> String {
        if !ci.excludesZero { return "<span class=\"same\">not distinguishable</span>" }
        return ci.estimate > 0 ? "<span class=\"better\">better</span>" : "<span class=\"worse\">worse</span>"
    }

    static func swatch(_ method: String) -> String {
        "<span class=\"swatch\" style=\"background:\(MethodColor.of(method))\"></span>"
    }
}
