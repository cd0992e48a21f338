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
            if n.int != nil { return "integer \(ConfigError.excerpt(s.string))" }
            if n.float != nil { return "number \(ConfigError.excerpt(s.string))" }
            if n.bool != nil { return "boolean \(s.string)" }
            return "string '\(ConfigError.excerpt(s.string))'"
        }
    }

    /// `lower...upper` with integral bounds printed without a fraction and infinities as inf.
    public static func format(_ r: ClosedRange<Double>) -> String {
        func f(_ x: Double) -> String {
            x == .infinity ? "inf" : x == -.infinity ? "-inf" : (x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)")
        }
        return "\(f(r.lowerBound))...\(f(r.upperBound))"
    }
}
