/// Each method's mean with its confidence interval on one axis (a forest plot): one row per
/// method, references drawn hollow, a dashed line at a reference value (the best baseline's mean).
struct SVGIntervalChart {
    struct Row {
        var name: String
        var color: String
        var interval: ConfidenceInterval
        var hollow = false
    }

    var title: String
    var xLabel: String
    var rows: [Row]
    /// A vertical reference line and its label.
    var reference: (x: Double, label: String)?
    var width = 960.0

    func render() -> String {
        // A far outlier (the frozen learner, say) would squeeze every other interval into a dot:
        // methods whose mean lies more than 4 IQRs of the means outside the quartiles are drawn
        // as an arrow at the edge with their value.
        let means = rows.map(\.interval.estimate).filter(\.isFinite)
        let q1 = Statistics.quantile(means, 0.25), q3 = Statistics.quantile(means, 0.75)
        let fence = means.count >= 4 && q3 > q1 ? (q1 - 4 * (q3 - q1))...(q3 + 4 * (q3 - q1)) : -Double.infinity...Double.infinity
        let shown = rows.filter { fence.contains($0.interval.estimate) }
        let values = shown.flatMap { [$0.interval.lower, $0.interval.upper, $0.interval.estimate] }.filter(\.isFinite)
        guard let lo = values.min(), let hi = values.max() else { return SVG.empty(title) }
        let labelWidth = min(max(rows.map { SVGLegend.textWidth($0.name) }.max() ?? 60, 60), 320)
        let left = labelWidth + 20, right = 20.0, top = 28.0, rowHeight = 17.0
        let height = Double(rows.count) * rowHeight + 8
        let area = PlotArea(left: left, top: top, width: width - left - right, height: height,
                            x: .linear(lo, hi, target: 6), y: .linear(0, 1))
        var s = SVG.title(title, x: 8)
        s += area.axes(xLabel: xLabel, yTicks: false)
        if let r = reference {
            let xx = coord(area.px(r.x))
            s += "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(coord(top))\" y2=\"\(coord(top + height))\" stroke=\"#555\" stroke-dasharray=\"3 3\">"
                + "<title>\(esc(r.label))</title></line>\n"
        }
        for (i, r) in rows.enumerated() {
            let y = top + 4 + (Double(i) + 0.5) * rowHeight
            let ci = r.interval
            s += "<text x=\"\(coord(left - 8))\" y=\"\(coord(y + 4))\" text-anchor=\"end\">\(esc(r.name))</text>"
            if !fence.contains(ci.estimate) {
                let below = ci.estimate < fence.lowerBound
                let ex = below ? area.left + 2 : area.left + area.width - 2, dir = below ? 1.0 : -1.0
                s += "<polygon class=\"data\" fill=\"\(r.color)\" points=\"\(coord(ex)),\(coord(y)) \(coord(ex + 8 * dir)),\(coord(y - 5)) "
                    + "\(coord(ex + 8 * dir)),\(coord(y + 5))\"/><text x=\"\(coord(ex + 12 * dir))\" y=\"\(coord(y + 4))\" "
                    + "text-anchor=\"\(below ? "start" : "end")\" fill=\"#555\">\(SummaryMarkdown.format(ci.estimate)) [\(SummaryMarkdown.format(ci.lower)), "
                    + "\(SummaryMarkdown.format(ci.upper))], off the axis</text>\n"
                continue
            }
            s += "<line class=\"data\" x1=\"\(coord(area.px(max(ci.lower, area.x.lower))))\" x2=\"\(coord(area.px(min(ci.upper, area.x.upper))))\" y1=\"\(coord(y))\" "
                + "y2=\"\(coord(y))\" stroke=\"\(r.color)\" stroke-width=\"2.5\"/>"
            s += "<circle class=\"data\" cx=\"\(coord(area.px(ci.estimate)))\" cy=\"\(coord(y))\" r=\"4\" "
                + (r.hollow ? "fill=\"#fff\" stroke=\"\(r.color)\" stroke-width=\"1.8\"" : "fill=\"\(r.color)\"")
                + "><title>\(esc(r.name)): \(SummaryMarkdown.format(ci.estimate)) [\(SummaryMarkdown.format(ci.lower)), "
                + "\(SummaryMarkdown.format(ci.upper))]</title></circle>\n"
        }
        return SVG.wrap(s, width: width, height: top + height + 38, name: title)
    }
}
