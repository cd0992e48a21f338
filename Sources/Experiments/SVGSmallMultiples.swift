/// One small panel per method on a shared y axis, instead of a dozen lines on one plot: each panel
/// draws its method in its colour over a grey comparison line, with retrain dots and drift onsets.
struct SVGSmallMultiples {
    struct Panel {
        var title: String
        var main: SVGChart.Series
        /// Drawn in grey under `main` (the agent, or for the agent's panel the best baseline).
        var context: SVGChart.Series?
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var panels: [Panel]
    var verticals: [(x: Double, label: String)] = []
    /// What the grey line is, for the legend.
    var contextNote: String
    var columns = 4
    var width = 960.0, panelHeight = 110.0

    func render() -> String {
        let all = panels.flatMap { [$0.main] + ($0.context.map { [$0] } ?? []) }
        let xs = all.flatMap { $0.points.map(\.x) } + verticals.map(\.x)
        let ys = all.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        guard !panels.isEmpty, let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
            return SVG.empty(title)
        }
        let left = 64.0, right = 10.0, gap = 28.0, top = 30.0
        let columns = min(columns, panels.count)
        let pw = (width - left - right - gap * Double(columns - 1)) / Double(columns)
        let rowHeight = 18 + panelHeight + 22
        let xScale = AxisScale.linear(x0, x1, target: 4), yScale = AxisScale.linear(y0, y1, target: 4)
        var s = SVG.title(title, x: left)
        for (i, p) in panels.enumerated() {
            let col = i % columns, row = i / columns
            let area = PlotArea(left: left + Double(col) * (pw + gap), top: top + Double(row) * rowHeight + 18,
                                width: pw, height: panelHeight, x: xScale, y: yScale)
            s += "<text x=\"\(coord(area.left))\" y=\"\(coord(area.top - 5))\" font-weight=\"bold\" fill=\"\(p.main.color)\">"
                + "\(esc(fit(p.title, width: pw)))<title>\(esc(p.title))</title></text>\n"
            s += area.axes(yTicks: col == 0)
            s += area.verticals(verticals)
            if var c = p.context {
                c.color = "#9a9a9a"
                c.marks = []
                s += area.line(c, strokeWidth: 1.2)
            }
            s += area.line(p.main)
        }
        let rows = (panels.count + columns - 1) / columns
        let bottom = top + Double(rows) * rowHeight
        let cy = top + 18 + panelHeight / 2
        s += "<text x=\"16\" y=\"\(coord(cy))\" transform=\"rotate(-90 16 \(coord(cy)))\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        s += "<text x=\"\(coord(left + (width - left - right) / 2))\" y=\"\(coord(bottom + 4))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        var items: [SVGLegend.Item] = contextNote.isEmpty ? [] : [.init(name: contextNote, color: "#9a9a9a")]
        if !verticals.isEmpty { items.append(.init(name: "drift onset", color: "#aa5500", dashed: true)) }
        let legend = SVGLegend(items: items)
            .render(x: left, y: bottom + 22, width: width - left - right)
        s += legend.svg
        s += "<circle cx=\"\(coord(left + 5))\" cy=\"\(coord(bottom + 22 + legend.height + 2))\" r=\"3.5\" fill=\"#555\" fill-opacity=\"0.6\"/>"
        s += "<text x=\"\(coord(left + 24))\" y=\"\(coord(bottom + 22 + legend.height + 6))\">retrain or fine-tune (dot size: share of seeds)</text>\n"
        return SVG.wrap(s, width: width, height: bottom + 22 + legend.height + 14, name: title)
    }

    /// `text`, shortened with an ellipsis to fit `width` (the full name is the tooltip).
    private func fit(_ text: String, width: Double) -> String {
        let maxChars = Int(width / 6.6)
        return text.count <= maxChars ? text : String(text.prefix(max(maxChars - 1, 1))) + "…"
    }
}
