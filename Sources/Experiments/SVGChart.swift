import Foundation

/// A line chart rendered as inline SVG (no scripts, no network): round ticks (`AxisScale`), a
/// legend under the plot that wraps instead of cutting names, dashed lines for references, dots
/// for retrains and dashed verticals for drift onsets.
///
/// Every chart is an `<svg class="chart">` whose plotted marks have class `data`;
/// `scripts/report-check.sh` fails a report with a chart that has none.
struct SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        /// X positions to mark with a dot on the line (retrains), with a size in 0…1.
        var marks: [(x: Double, size: Double)] = []
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Vertical lines (drift onsets).
    var verticals: [(x: Double, label: String)] = []
    var width = 960.0, plotHeight = 240.0
    var logY = false

    func render() -> String {
        let xs = series.flatMap { $0.points.map(\.x) } + verticals.map(\.x)
        let ys = series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && (!logY || $0 > 0) }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
            return SVG.empty(title)
        }
        let left = 64.0, right = 16.0, top = 28.0
        let area = PlotArea(left: left, top: top, width: width - left - right, height: plotHeight,
                            x: .linear(x0, x1), y: logY ? .log10(y0, y1) : .linear(y0, y1))
        let legend = SVGLegend(items: series.map { .init(name: $0.name, color: $0.color, dashed: $0.dashed) })
            .render(x: left, y: top + plotHeight + 44, width: width - left - right)
        var s = SVG.title(title, x: left)
        s += area.axes(xLabel: xLabel, yLabel: yLabel)
        s += area.verticals(verticals)
        for se in series { s += area.line(se) }
        s += legend.svg
        return SVG.wrap(s, width: width, height: top + plotHeight + 44 + legend.height + 6, name: title)
    }
}

/// A plot's rectangle and its two axes.
struct PlotArea {
    var left: Double, top: Double, width: Double, height: Double
    var x: AxisScale
    var y: AxisScale

    func px(_ v: Double) -> Double { left + x.fraction(v) * width }
    func py(_ v: Double) -> Double { top + (1 - y.fraction(v)) * height }

    /// Box, grid lines, tick labels (left and bottom unless turned off) and axis titles.
    func axes(xLabel: String? = nil, yLabel: String? = nil, xTicks: Bool = true, yTicks: Bool = true) -> String {
        var s = ""
        for t in y.ticks {
            let yy = coord(py(t))
            s += "<line x1=\"\(coord(left))\" x2=\"\(coord(left + width))\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"#e6e6e6\"/>"
            if yTicks { s += "<text x=\"\(coord(left - 4))\" y=\"\(coord(py(t) + 4))\" text-anchor=\"end\">\(esc(y.label(t)))</text>" }
            s += "\n"
        }
        for t in x.ticks {
            let xx = coord(px(t))
            s += "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(coord(top))\" y2=\"\(coord(top + height))\" stroke=\"#f0f0f0\"/>"
            if xTicks { s += "<text x=\"\(xx)\" y=\"\(coord(top + height + 14))\" text-anchor=\"middle\">\(esc(x.label(t)))</text>" }
            s += "\n"
        }
        s += "<rect x=\"\(coord(left))\" y=\"\(coord(top))\" width=\"\(coord(width))\" height=\"\(coord(height))\" fill=\"none\" stroke=\"#999\"/>\n"
        if let xLabel {
            s += "<text x=\"\(coord(left + width / 2))\" y=\"\(coord(top + height + 30))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        }
        if let yLabel {
            let cx = left - 46, cy = top + height / 2
            s += "<text x=\"\(coord(cx))\" y=\"\(coord(cy))\" transform=\"rotate(-90 \(coord(cx)) \(coord(cy)))\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        }
        return s
    }

    /// Dashed vertical lines with the label as a tooltip.
    func verticals(_ vs: [(x: Double, label: String)]) -> String {
        vs.map { v in
            let xx = coord(px(v.x))
            return "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(coord(top))\" y2=\"\(coord(top + height))\" stroke=\"#aa5500\" stroke-opacity=\"0.7\" "
                + "stroke-dasharray=\"4 3\"><title>\(esc(v.label)) (period \(Int(v.x)))</title></line>\n"
        }.joined()
    }

    /// A series as a polyline (class `data`) with its retrain dots.
    func line(_ se: SVGChart.Series, strokeWidth: Double = 1.6, opacity: Double = 1) -> String {
        let finite = se.points.filter { $0.y.isFinite && (y.kind == .linear || $0.y > 0) }
        let pts = finite.map { "\(coord(px($0.x))),\(coord(py($0.y)))" }.joined(separator: " ")
        var s = "<polyline class=\"data\" fill=\"none\" stroke=\"\(se.color)\" stroke-width=\"\(coord(strokeWidth))\""
        if opacity < 1 { s += " stroke-opacity=\"\(coord(opacity))\"" }
        if se.dashed { s += " stroke-dasharray=\"5 3\"" }
        s += " points=\"\(pts)\"><title>\(esc(se.name))</title></polyline>\n"
        for m in se.marks {
            guard let yv = finite.first(where: { $0.x == m.x })?.y else { continue }
            let r = 1.5 + 2.5 * min(max(m.size, 0), 1)
            s += "<circle class=\"data\" cx=\"\(coord(px(m.x)))\" cy=\"\(coord(py(yv)))\" r=\"\(coord(r))\" fill=\"\(se.color)\" fill-opacity=\"0.6\"/>"
        }
        return se.marks.isEmpty ? s : s + "\n"
    }
}

/// A legend laid out in rows across the chart's width, so no name is cut.
struct SVGLegend {
    struct Item {
        var name: String
        var color: String
        var dashed = false
        /// A filled square instead of a line (bars).
        var box = false
    }

    var items: [Item]

    /// Approximate width of `text` at 11 px sans-serif.
    static func textWidth(_ text: String) -> Double { Double(text.count) * 6.3 }

    func render(x: Double, y: Double, width: Double) -> (svg: String, height: Double) {
        guard !items.isEmpty else { return ("", 0) }
        var s = "", cx = x, cy = y
        for item in items {
            let w = 26 + SVGLegend.textWidth(item.name) + 16
            if cx + w > x + width && cx > x { cx = x; cy += 16 }
            if item.box {
                s += "<rect x=\"\(coord(cx))\" y=\"\(coord(cy - 9))\" width=\"18\" height=\"9\" fill=\"\(item.color)\"/>"
            } else {
                s += "<line x1=\"\(coord(cx))\" x2=\"\(coord(cx + 18))\" y1=\"\(coord(cy - 4))\" y2=\"\(coord(cy - 4))\" stroke=\"\(item.color)\" stroke-width=\"2.5\""
                s += (item.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>"
            }
            s += "<text x=\"\(coord(cx + 24))\" y=\"\(coord(cy))\">\(esc(item.name))</text>\n"
            cx += w
        }
        return (s, cy - y + 12)
    }
}

/// SVG boilerplate shared by the charts.
enum SVG {
    static func wrap(_ body: String, width: Double, height: Double, name: String) -> String {
        "<svg class=\"chart\" data-chart=\"\(esc(name))\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" "
            + "height=\"\(Int(height.rounded(.up)))\" viewBox=\"0 0 \(Int(width)) \(Int(height.rounded(.up)))\" "
            + "font-family=\"sans-serif\" font-size=\"11\">\n" + body + "</svg>\n"
    }

    static func title(_ text: String, x: Double, y: Double = 16) -> String {
        "<text x=\"\(coord(x))\" y=\"\(coord(y))\" font-size=\"13\" font-weight=\"bold\">\(esc(text))</text>\n"
    }

    /// What stands in for a chart without data; the report check fails on it.
    static func empty(_ title: String) -> String { "<p class=\"empty-chart\">(no data for \(esc(title)))</p>\n" }
}

/// One decimal, for SVG coordinates.
func coord(_ x: Double) -> String { String(format: "%.1f", x) }

/// HTML-escapes text.
func esc(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
