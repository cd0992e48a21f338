import Foundation

/// A small line chart rendered as inline SVG (no scripts, no network).
struct SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        /// X positions to mark with a tick on the line (retrains), with a size in 0…1.
        var marks: [(x: Double, size: Double)] = []
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Vertical lines (drift onsets).
    var verticals: [(x: Double, label: String)] = []
    var width = 760.0, height = 300.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf", "#000000"]

    func render() -> String {
        let left = 60.0, right = 170.0, top = 28.0, bottom = 40.0
        let pw = width - left - right, ph = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) } + verticals.map(\.x)
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), var y0 = ys.min(), var y1 = ys.max() else {
            return "<p>(no data for \(esc(title)))</p>"
        }
        if y1 - y0 < 1e-9 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        let xr = max(x1 - x0, 1e-9)
        func px(_ x: Double) -> Double { left + (x - x0) / xr * pw }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * ph }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(esc(title))</text>\n"
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#999\"/>\n"
        for i in 0...4 {
            let y = y0 + (y1 - y0) * Double(i) / 4
            s += "<line x1=\"\(left)\" x2=\"\(f(left + pw))\" y1=\"\(f(py(y)))\" y2=\"\(f(py(y)))\" stroke=\"#eee\"/>"
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(SummaryMarkdown.format(y))</text>\n"
            let x = x0 + xr * Double(i) / 4
            s += "<text x=\"\(f(px(x)))\" y=\"\(f(top + ph + 14))\" text-anchor=\"middle\">\(SummaryMarkdown.format(x))</text>\n"
        }
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        s += "<text x=\"12\" y=\"\(f(top + ph / 2))\" transform=\"rotate(-90 12 \(f(top + ph / 2)))\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for v in verticals {
            s += "<line x1=\"\(f(px(v.x)))\" x2=\"\(f(px(v.x)))\" y1=\"\(top)\" y2=\"\(f(top + ph))\" stroke=\"#aa5500\" stroke-dasharray=\"4 3\"><title>\(esc(v.label)) (period \(Int(v.x)))</title></line>\n"
        }
        for (i, se) in series.enumerated() {
            let pts = se.points.filter { $0.y.isFinite }.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(se.color)\" stroke-width=\"1.6\"\(se.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(pts)\"><title>\(esc(se.name))</title></polyline>\n"
            for m in se.marks {
                guard let y = se.points.first(where: { $0.x == m.x })?.y, y.isFinite else { continue }
                let r = 1.5 + 2.5 * min(max(m.size, 0), 1)
                s += "<circle cx=\"\(f(px(m.x)))\" cy=\"\(f(py(y)))\" r=\"\(f(r))\" fill=\"\(se.color)\" fill-opacity=\"0.6\"/>"
            }
            let ly = top + 12 + Double(i) * 15
            s += "\n<line x1=\"\(f(left + pw + 10))\" x2=\"\(f(left + pw + 28))\" y1=\"\(f(ly - 4))\" y2=\"\(f(ly - 4))\" stroke=\"\(se.color)\" stroke-width=\"2\"\(se.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            s += "<text x=\"\(f(left + pw + 32))\" y=\"\(f(ly))\">\(esc(se.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    func f(_ x: Double) -> String { String(format: "%.1f", x) }
}

/// HTML-escapes text.
func esc(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
