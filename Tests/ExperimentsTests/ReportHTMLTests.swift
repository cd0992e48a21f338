import Foundation
import Testing
@testable import Experiments

/// A small result set: four methods on one environment, three seeds, six periods each.
private func syntheticSet(methods: [String] = ["agent", "fixed", "never", "oracle"], environment: String = "network-diagnosis") -> ResultSet {
    var summary: [SummaryRow] = [], curves: [CurveRow] = []
    for (i, m) in methods.enumerated() {
        for seed in UInt64(1)...3 {
            let base = 40 + Double(i) * 0.5 + Double(seed) * 0.1
            let values: [String: Double] = ["episode_reward": base, "task_metric": 0.8 + Double(i) * 0.01, "retrains": m == "never" ? 0 : 2,
                                            "compute": m == "never" ? 0 : 50, "recovery_time": 4 - Double(i) * 0.1]
            for metric in Metric.allCases.map(\.rawValue) {
                summary.append(SummaryRow(scenario: "synthetic", environment: environment, method: m, seed: seed, metric: metric, value: values[metric]!))
            }
            for p in 0...6 {
                func row(_ c: String, _ v: Double) -> CurveRow {
                    CurveRow(scenario: "synthetic", environment: environment, method: m, seed: seed, curve: c, step: p, value: v)
                }
                curves += [row("metric", 0.8 + 0.01 * Double(p % 3)), row("retrain", p == 3 && m != "never" ? 2 : 0),
                           row("learning_rate", 0.01 * Double(1 + p % 2)), row("batch_size", 32)]
            }
        }
        if m == "agent" {
            curves += [0, 1, 2].map { CurveRow(scenario: "synthetic", environment: environment, method: m, seed: nil,
                                               curve: "training_reward", step: 10_075 * ($0 + 1), value: 38 + Double($0)) }
        }
    }
    curves.append(CurveRow(scenario: "synthetic", environment: environment, method: "", seed: nil, curve: "drift_onset:outage", step: 3, value: 1))
    return ResultSet(scenario: "synthetic", summary: summary, curves: curves,
                     statistics: StatisticsSettings(resamples: 200, seed: 9, confidence: 0.95))
}

@Suite struct ReportHTMLTests {
    @Test func ticksAreRound() {
        #expect(AxisScale.linear(10_075, 40_000).ticks == [10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000])
        #expect(AxisScale.linear(10_075, 40_000, target: 3).ticks.map { AxisScale.linear(10_075, 40_000, target: 3).label($0) }
                == ["10k", "20k", "30k", "40k"])
        let periods = AxisScale.linear(0, 50, target: 4)
        #expect(periods.ticks.allSatisfy { $0 == $0.rounded() } && periods.ticks.first == 0 && periods.ticks.last == 50)
        let metric = AxisScale.linear(0.861, 0.874, target: 4)
        #expect(metric.ticks.map(metric.label) == ["0.860", "0.865", "0.870", "0.875"])
        #expect(AxisScale.log10(0.003, 1).ticks.map { AxisScale.log10(0.003, 1).label($0) } == ["0.001", "0.01", "0.1", "1"])
        #expect(AxisScale.log10(0.01, 0.2).ticks == [0.01, 0.02, 0.05, 0.1, 0.2])
        #expect(AxisScale.log2(8, 512).ticks == [8, 32, 128, 512])   // every other power beyond five ticks
        #expect(AxisScale.log2(8, 128).ticks == [8, 16, 32, 64, 128])
    }

    @Test func coloursBelongToMethodNamesNotPositions() {
        let a = ReportHTML.render(syntheticSet(methods: ["agent", "fixed", "never", "oracle"]))
        let b = ReportHTML.render(syntheticSet(methods: ["oracle", "never", "agent"]))
        for html in [a, b] {
            #expect(html.contains("<span class=\"swatch\" style=\"background:\(MethodColor.of("oracle"))\"></span>oracle"))
            #expect(html.contains("<span class=\"swatch\" style=\"background:\(MethodColor.of("agent"))\"></span>agent"))
        }
        #expect(MethodColor.of("policy:a.policy") == MethodColor.of("policy:a.policy"))
        #expect(Set(MethodColor.named.values).count == MethodColor.named.count)
    }

    @Test func onlyMeaningfulColumnsAreBolded() {
        let html = ReportHTML.render(syntheticSet())
        // Three ranked metrics (reward, task metric, recovery time): three bold cells; never's zero
        // retrains and compute are not "best".
        #expect(html.components(separatedBy: "class=\"best\"").count - 1 == 3)
        let neverRow = html.components(separatedBy: "</span>never</td>")[1].components(separatedBy: "</tr>")[0]
        let cells = neverRow.components(separatedBy: "<td").dropFirst().map { $0 }
        #expect(cells.count == 5 && !cells[2].hasPrefix(" class=\"best\"") && !cells[3].hasPrefix(" class=\"best\""))
    }

    @Test func theReportCarriesTheSummaryNumbersAndEveryChartHasData() throws {
        let set = syntheticSet()
        let html = ReportHTML.render(set)
        let c = try #require(SummaryStatistics.agentComparison(set, env: "network-diagnosis"))
        #expect(SummaryMarkdown.render(set).contains(SummaryMarkdown.signed(c.interval.estimate)))
        #expect(html.contains("\(SummaryMarkdown.signed(c.interval.estimate)) <span class=\"ci\">[\(SummaryMarkdown.signed(c.interval.lower))"))
        #expect(html.contains("paired over \(c.seeds) seeds"))
        #expect(html.contains("What the agent chose, period by period") && html.contains("learning rate") && html.contains("batch size"))
        #expect(!html.contains("empty-chart") && !html.contains("<script"))
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        #expect(charts.count == 4)   // reward intervals, decisions, small multiples, learning curves
        for chart in charts { #expect(chart.contains("class=\"data\"")) }
    }

    @Test func longNamesAreNeverCutInLegends() {
        let label = "recommendation (trained on network + intent)"
        let html = ReportHTML.render(syntheticSet(environment: label))
        #expect(html.contains(">\(esc(label))</text>") || html.contains(">\(esc(label))<title>"))
        let chart = SVGChart(title: "t", xLabel: "x", yLabel: "y", series: (0..<12).map {
            SVGChart.Series(name: "static-search · a-very-long-environment-name-\($0)", color: "#000", points: [(0, 0), (1, 1)])
        }, width: 470).render()
        for i in 0..<12 { #expect(chart.contains(">static-search · a-very-long-environment-name-\(i)</text>")) }
    }

    /// The refactor into `SummaryStatistics` leaves `summary.md` byte for byte as committed.
    @Test func summaryMarkdownIsUnchangedForACommittedResult() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results/quickstart").path
        var set = try ResultTables.load(directory: dir)
        // One environment keeps the test fast in debug; a cell's numbers do not depend on the others.
        set.summary = set.summary.filter { $0.environment == "recommendation" }
        let committed = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        let section = { (md: String) in md.components(separatedBy: "\n## recommendation\n")[1].components(separatedBy: "\n## ")[0] }
        let rendered = SummaryMarkdown.render(set)
        #expect(section(rendered) == section(committed))
        #expect(section(rendered).contains("Agent vs best non-oracle baseline"))
    }
}
