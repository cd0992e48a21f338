import Yams

/// Wording shared by the readers' messages.
public enum YAMLNodes {
    /// What a node is, for "wrong type" messages: "a mapping", "integer 3", "string 'x'" (a short
    /// excerpt of long strings).
    public static func describe(_ n: Node) -> String {
        switch n {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if n.null != nil { return "null" }
            if int(n) != nil { return "integer \(ConfigError.excerpt(s.string))" }
            if n.float != nil { return "number \(ConfigError.excerpt(s.string))" }
            if n.bool != nil { return "boolean \(s.string)" }
            return "string '\(ConfigError.excerpt(s.string))'"
        }
    }

    /// The integer a scalar holds, as Yams' `Node.int` reads it, but never trapping: Yams reads a
    /// sexagesimal integer ("1:30" is 90) with unchecked arithmetic, so one of 11 or more parts
    /// ("1:1:1:1:1:1:1:1:1:1:1") overflowed `Int` and crashed the reader (found while writing the
    /// fuzz targets). Read here with overflow checks, a value that does not fit is not an integer.
    public static func int(_ n: Node) -> Int? {
        guard let scalar = n.scalar else { return nil }
        guard scalar.string.contains(":") else { return n.int }
        guard scalar.style == .any || scalar.style == .plain else { return nil }
        var digits = Substring(scalar.string.replacingOccurrences(of: "_", with: ""))
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        // Yams takes a leading 0 as a radix prefix (0x, 0o, 0b, 0), after which ':' is no digit.
        guard !digits.hasPrefix("0") else { return nil }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard let digit = Int(part, radix: 10) else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 60)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = sum
        }
        let (signed, overflow) = negative ? 0.subtractingReportingOverflow(value) : (value, false)
        return overflow ? nil : signed
    }

    /// `lower...upper` with integral bounds printed without a fraction and infinities as inf.
    public static func format(_ r: ClosedRange<Double>) -> String {
        func f(_ x: Double) -> String {
            x == .infinity ? "inf" : x == -.infinity ? "-inf" : (x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)")
        }
        return "\(f(r.lowerBound))...\(f(r.upperBound))"
    }
}
