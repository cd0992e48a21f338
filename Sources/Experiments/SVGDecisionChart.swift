/// What the agent chose period by period, beside what it got: four strips on one period axis —
/// the task metric (agent and comparison methods), the learning rate and the batch size (geometric
/// mean over seeds, band from the smallest to the largest), and the share of seeds that
/// fine-tuned or retrained — with the drift onsets drawn across all four.
struct SVGDecisionChart {
    var title: String
    var agent: PeriodProfile
    /// Drawn beside the agent in the metric strip, and dashed grey in the rate and batch strips.
    var comparisons: [PeriodProfile]
    var verticals: [(x: Double, label: String)] = []
    var metricName = "metric"
    var width = 960.0

    func render() -> String {
        let periods = agent.periods.map { Double($0.period) } + comparisons.flatMap { $0.periods.map { Double($0.period) } }
        guard let x0 = periods.min(), let x1 = periods.max() else { return SVG.empty(title) }
        let x = AxisScale.linear(x0, x1, target: 10)
        let left = 84.0, right = 16.0, pw = width - left - right
        var top = 28.0
        var s = SVG.title(title, x: 8)

        // 1. Metric.
        let metrics = ([agent] + comparisons).flatMap { $0.periods.map(\.metric) }.filter(\.isFinite)
        let metricArea = PlotArea(left: left, top: top, width: pw, height: 120, x: x,
                                  y: .linear(metrics.min() ?? 0, metrics.max() ?? 1, target: 4))
        s += metricArea.axes(yLabel: metricName, xTicks: false)
        s += metricArea.verticals(verticals)
        // Retrains have their own strip below; no dots here.
        for c in comparisons { s += metricArea.line(c.metricSeries(dashed: SummaryMarkdown.isReference(c.method), retrainDots: false)) }
        s += metricArea.line(agent.metricSeries(retrainDots: false), strokeWidth: 2.2)
        top += 120 + 16

        // 2–3. Learning rate and batch size, log axes.
        func strip(_ label: String, height: Double, log2: Bool, value: (PeriodProfile.Period) -> (mean: Double, min: Double, max: Double)) {
            let all = ([agent] + comparisons).flatMap { $0.periods.map(value) }.flatMap { [$0.min, $0.max] }.filter { $0.isFinite && $0 > 0 }
            guard let lo = all.min(), let hi = all.max() else { return }
            let area = PlotArea(left: left, top: top, width: pw, height: height, x: x,
                                y: log2 ? .log2(lo, hi) : .log10(lo, hi))
            s += area.axes(yLabel: label, xTicks: false)
            s += area.verticals(verticals)
            let color = MethodColor.of(agent.method)
            let band = agent.periods.map { value($0) }
            let upper = zip(agent.periods, band).filter { $0.1.max.isFinite }.map { "\(coord(area.px(Double($0.0.period)))),\(coord(area.py($0.1.max)))" }
            let lower = zip(agent.periods, band).filter { $0.1.min.isFinite }.reversed().map { "\(coord(area.px(Double($0.0.period)))),\(coord(area.py($0.1.min)))" }
            s += "<polygon class=\"data\" fill=\"\(color)\" fill-opacity=\"0.15\" stroke=\"none\" points=\"\((upper + lower).joined(separator: " "))\">"
                + "<title>\(esc(agent.method)): smallest to largest over \(agent.seeds) seeds</title></polygon>\n"
            for c in comparisons where !SummaryMarkdown.isReference(c.method) {
                s += area.line(SVGChart.Series(name: c.method, color: MethodColor.of(c.method),
                                               points: c.periods.map { (Double($0.period), value($0).mean) }), strokeWidth: 1.2)
            }
            s += area.line(SVGChart.Series(name: agent.method, color: color, points: agent.periods.map { (Double($0.period), value($0).mean) }),
                           strokeWidth: 2)
            top += height + 16
        }
        strip("learning rate", height: 90, log2: false) { $0.learningRate }
        strip("batch size", height: 70, log2: true) { $0.batchSize }

        // 4. Retrain decisions: stacked bars of the share of seeds.
        let area = PlotArea(left: left, top: top, width: pw, height: 60, x: x, y: .linear(0, 1, target: 2))
        s += area.axes(xLabel: "period", yLabel: "retrain share")
        s += area.verticals(verticals)
        let barWidth = max(pw / Double(max(agent.periods.count, 1)) * 0.7, 1.5)
        var bars = 0
        for p in agent.periods where p.fineTune + p.fullRetrain > 0 {
            let cx = area.px(Double(p.period)) - barWidth / 2
            let full = area.py(0) - area.py(p.fullRetrain), fine = area.py(0) - area.py(p.fineTune)
            let tip = "period \(p.period): \(Int((p.fullRetrain * 100).rounded()))% full retrain, \(Int((p.fineTune * 100).rounded()))% fine-tune"
            s += "<rect class=\"data\" x=\"\(coord(cx))\" y=\"\(coord(area.py(0) - full))\" width=\"\(coord(barWidth))\" height=\"\(coord(full))\" fill=\"#8b0000\"><title>\(tip)</title></rect>"
            s += "<rect class=\"data\" x=\"\(coord(cx))\" y=\"\(coord(area.py(0) - full - fine))\" width=\"\(coord(barWidth))\" height=\"\(coord(fine))\" fill=\"#f4a582\"><title>\(tip)</title></rect>\n"
            bars += 1
        }
        if bars == 0 {
            s += "<text x=\"\(coord(left + pw / 2))\" y=\"\(coord(top + 34))\" text-anchor=\"middle\" fill=\"#666\">"
                + "\(esc(agent.method)) never fine-tuned or retrained on any seed</text>\n"
        }
        top += 60 + 52

        var items: [SVGLegend.Item] = [.init(name: "\(agent.method) (band: smallest to largest over \(agent.seeds) seeds)", color: MethodColor.of(agent.method))]
        items += comparisons.map { .init(name: $0.method, color: MethodColor.of($0.method), dashed: SummaryMarkdown.isReference($0.method)) }
        items += [.init(name: "full retrain", color: "#8b0000", box: true), .init(name: "fine-tune", color: "#f4a582", box: true),
                  .init(name: "drift onset", color: "#aa5500", dashed: true)]
        let legend = SVGLegend(items: items).render(x: left, y: top, width: pw)
        s += legend.svg
        return SVG.wrap(s, width: width, height: top + legend.height + 4, name: title)
    }
}
