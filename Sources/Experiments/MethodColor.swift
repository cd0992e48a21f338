import Linalg

/// The one colour of each method in every report, by name, never by position: the oracle is the
/// same olive in every scenario. Methods without a colour of their own (`periodic:K` for other K,
/// `policy:PATH`) get one of `extra` by a stable hash of their name.
public enum MethodColor {
    static let named: [String: String] = [
        "agent": "#d62728",
        "fixed": "#7f7f7f",
        "never": "#222222",
        "static-search": "#1f77b4",
        "periodic:5": "#98c379",
        "periodic:10": "#2ca02c",
        "periodic:20": "#146b2e",
        "adwin": "#ff7f0e",
        "ddm": "#9467bd",
        "ks": "#8c564b",
        "cosine-restarts": "#e377c2",
        "oracle": "#bcbd22",
        "static-hindsight": "#17becf",
        "planner": "#393b79",
    ]

    static let extra = ["#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
                        "#ad494a", "#0b7285"]

    /// The colour of `method` (CSS hex).
    public static func of(_ method: String) -> String {
        if let c = named[method] { return c }
        return extra[Int(RandomSource.stableHash(method) % UInt64(extra.count))]
    }
}
