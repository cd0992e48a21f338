import Foundation

/// An axis of a report chart: its domain, round ticks and the position of a value along it.
///
/// Linear axes step by 1, 2 or 5 × 10^k and start and end on a tick; log axes put ticks on powers
/// of ten (with 2 and 5 between them when the range is under two decades) or on powers of two.
///
///     AxisScale.linear(10_075, 40_000).ticks   // [10000, 20000, 30000, 40000]
struct AxisScale: Sendable {
    enum Kind: Sendable { case linear, log10, log2 }
    var kind: Kind
    var lower: Double
    var upper: Double
    var ticks: [Double]
    /// Decimals of tick labels on a linear axis.
    private var decimals: Int

    /// A linear axis covering `lo…hi` with about `target` intervals.
    static func linear(_ lo: Double, _ hi: Double, target: Int = 5) -> AxisScale {
        var lo = lo.isFinite ? lo : 0, hi = hi.isFinite ? hi : 1
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(1, abs(hi)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.05
            lo -= pad; hi += pad
        }
        let step = niceStep((hi - lo) / Double(max(target, 1)))
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        let decimals = max(0, Int(-Foundation.log10(step).rounded(.down)))
        let ticks = stride(from: first, through: last, by: 1).map { round($0 * step, decimals) }
        return AxisScale(kind: .linear, lower: first * step, upper: last * step, ticks: ticks, decimals: decimals)
    }

    /// A base-10 log axis over positive `lo…hi`.
    static func log10(_ lo: Double, _ hi: Double) -> AxisScale {
        let lo = max(lo, 1e-12), hi = max(hi, lo)
        var a = Foundation.log10(lo).rounded(.down), b = Foundation.log10(hi).rounded(.up)
        if a == b { b += 1 }
        let mantissas: [Double] = b - a <= 2 ? [1, 2, 5] : [1]
        var candidates: [Double] = []
        // Parsed from text so that 0.02 is the double nearest 0.02, not 2 × 0.01.
        for e in Int(a)...Int(b) { for m in mantissas { candidates.append(Double("\(Int(m))e\(e)") ?? m * pow(10, Double(e))) } }
        // Tighten to the nearest ticks around the data.
        let below = candidates.last { $0 <= lo * (1 + 1e-9) } ?? pow(10, a)
        let above = candidates.first { $0 >= hi * (1 - 1e-9) } ?? pow(10, b)
        a = Foundation.log10(below); b = Foundation.log10(above)
        if b - a < 1e-9 { b = a + Foundation.log10(2) }
        let ticks = candidates.filter { $0 >= below * (1 - 1e-9) && $0 <= pow(10, b) * (1 + 1e-9) }
        return AxisScale(kind: .log10, lower: pow(10, a), upper: pow(10, b), ticks: ticks, decimals: 0)
    }

    /// A base-2 log axis over positive `lo…hi` (batch sizes).
    static func log2(_ lo: Double, _ hi: Double) -> AxisScale {
        let a = Foundation.log2(max(lo, 1e-12)).rounded(.down)
        var b = Foundation.log2(max(hi, lo)).rounded(.up)
        if a == b { b += 1 }
        // Every other power when there would be more than five ticks, so short strips stay legible.
        let every = b - a > 4 ? 2.0 : 1.0
        let ticks = stride(from: a, through: b, by: every).map { pow(2, $0) }
        return AxisScale(kind: .log2, lower: pow(2, a), upper: pow(2, b), ticks: ticks, decimals: 0)
    }

    /// Where `v` lies on the axis, 0 at `lower` and 1 at `upper`.
    func fraction(_ v: Double) -> Double {
        switch kind {
        case .linear: return (v - lower) / (upper - lower)
        case .log10, .log2:
            let v = max(v, 1e-300)
            return (Foundation.log(v) - Foundation.log(lower)) / (Foundation.log(upper) - Foundation.log(lower))
        }
    }

    /// The tick label of `v`: as many decimals as the step needs, thousands as "k" when round.
    func label(_ v: Double) -> String {
        switch kind {
        case .linear:
            if abs(v) >= 10_000, decimals == 0, v.truncatingRemainder(dividingBy: 1000) == 0 {
                return String(format: "%.0fk", v / 1000)
            }
            let text = String(format: "%.\(decimals)f", v)
            return text == "-0" ? "0" : text
        case .log10:
            return v >= 1e-4 ? trimmed(String(format: "%.6f", v)) : String(format: "%.0e", v)
        case .log2:
            return String(format: "%.0f", v)
        }
    }

    /// The step of 1, 2 or 5 × 10^k nearest `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let e = Foundation.log10(raw).rounded(.down)
        let f = raw / pow(10, e)
        let m: Double = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        return m * pow(10, e)
    }

    private static func round(_ x: Double, _ decimals: Int) -> Double {
        let p = pow(10, Double(decimals))
        return (x * p).rounded() / p
    }

    private func trimmed(_ s: String) -> String {
        var s = s
        while s.contains("."), s.last == "0" { s.removeLast() }
        if s.last == "." { s.removeLast() }
        return s
    }
}
