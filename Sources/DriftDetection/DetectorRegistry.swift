/// Builds drift detectors by name from string parameters (for the CLI and environment specs).
///
/// Names: `adwin`, `ddm`, `eddm`, `page-hinkley`, `kswin`. Parameter keys are River's
/// (snake_case, e.g. `min_window_length`), values are parsed from strings.
///
///     let d = try DetectorRegistry.make(name: "adwin", parameters: ["delta": "0.01"])
public enum DetectorRegistry {
    /// One accepted parameter: River name, default (as text) and what values are accepted.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var defaultValue: String
        public var expected: String
    }

    /// Largest ADWIN `max_buckets` (buckets kept per exponential level).
    public static let maxBuckets = 1_000
    /// Largest KSWIN `window_size` (every update sorts windows of this size).
    public static let maxKSWINWindow = 100_000

    /// Detector names in a stable order.
    public static let names = ["adwin", "ddm", "eddm", "page-hinkley", "kswin"]

    /// Parameters and defaults of each detector (for help text).
    public static let parameters: [String: [Parameter]] = [
        "adwin": [
            .init(name: "delta", defaultValue: "0.002", expected: "a number in (0, 1)"),
            .init(name: "clock", defaultValue: "32", expected: "an integer in 1...1000000"),
            .init(name: "max_buckets", defaultValue: "5", expected: "an integer in 1...1000"),
            .init(name: "min_window_length", defaultValue: "5", expected: "an integer in 1...1000000"),
            .init(name: "grace_period", defaultValue: "10", expected: "an integer >= 0"),
        ],
        "ddm": [
            .init(name: "warm_start", defaultValue: "30", expected: "an integer >= 0"),
            .init(name: "warning_threshold", defaultValue: "2.0", expected: "a number > 0"),
            .init(name: "drift_threshold", defaultValue: "3.0", expected: "a number > 0"),
        ],
        "eddm": [
            .init(name: "warm_start", defaultValue: "30", expected: "an integer >= 0"),
            .init(name: "alpha", defaultValue: "0.95", expected: "a number in (0, 1], >= beta"),
            .init(name: "beta", defaultValue: "0.9", expected: "a number in (0, 1], <= alpha"),
        ],
        "page-hinkley": [
            .init(name: "min_instances", defaultValue: "30", expected: "an integer >= 1"),
            .init(name: "delta", defaultValue: "0.005", expected: "a number >= 0"),
            .init(name: "threshold", defaultValue: "50.0", expected: "a number > 0"),
            .init(name: "alpha", defaultValue: "0.9999", expected: "a number in (0, 1]"),
            .init(name: "mode", defaultValue: "both", expected: "one of up, down, both"),
        ],
        "kswin": [
            .init(name: "alpha", defaultValue: "0.005", expected: "a number in [0, 1]"),
            .init(name: "window_size", defaultValue: "100", expected: "an integer in 2...100000, at least 2 * stat_size"),
            .init(name: "stat_size", defaultValue: "30", expected: "an integer >= 1, at most window_size / 2"),
            .init(name: "seed", defaultValue: "none", expected: "an integer, or none for a random seed"),
        ],
    ]

    /// Builds the detector `name` with River-named `parameters` (missing ones take River's defaults).
    /// - Throws: `DetectorConfigurationError` naming the bad detector, parameter or value.
    public static func make(name: String, parameters given: [String: String]) throws -> any DriftDetector {
        guard let specs = parameters[name] else {
            throw DetectorConfigurationError.unknownDetector(name: name, known: names)
        }
        for key in given.keys.sorted() where !specs.contains(where: { $0.name == key }) {
            throw DetectorConfigurationError.unknownParameter(
                detector: name, parameter: key, valid: specs.map(\.name))
        }
        var p = Parser(detector: name, specs: specs, given: given)
        switch name {
        case "adwin":
            return ADWIN(
                delta: try p.double("delta") { $0 > 0 && $0 < 1 },
                clock: try p.int("clock") { (1...1_000_000).contains($0) },
                maxBuckets: try p.int("max_buckets") { (1...DetectorRegistry.maxBuckets).contains($0) },
                minWindowLength: try p.int("min_window_length") { (1...1_000_000).contains($0) },
                gracePeriod: try p.int("grace_period") { $0 >= 0 })
        case "ddm":
            return DDM(
                warmStart: try p.int("warm_start") { $0 >= 0 },
                warningThreshold: try p.double("warning_threshold") { $0 > 0 },
                driftThreshold: try p.double("drift_threshold") { $0 > 0 })
        case "eddm":
            let warm = try p.int("warm_start") { $0 >= 0 }
            let alpha = try p.double("alpha") { $0 > 0 && $0 <= 1 }
            let beta = try p.double("beta") { $0 > 0 && $0 <= alpha }
            return EDDM(warmStart: warm, alpha: alpha, beta: beta)
        case "page-hinkley":
            return PageHinkley(
                minInstances: try p.int("min_instances") { $0 >= 1 },
                delta: try p.double("delta") { $0 >= 0 },
                threshold: try p.double("threshold") { $0 > 0 },
                alpha: try p.double("alpha") { $0 > 0 && $0 <= 1 },
                mode: try p.mode("mode"))
        default:
            let alpha = try p.double("alpha") { $0 >= 0 && $0 <= 1 }
            let window = try p.int("window_size") { (2...DetectorRegistry.maxKSWINWindow).contains($0) }
            let stat = try p.int("stat_size") { $0 >= 1 && 2 * $0 <= window }
            return KSWIN(alpha: alpha, windowSize: window, statSize: stat, seed: try p.optionalInt("seed"))
        }
    }

    private struct Parser {
        let detector: String
        let specs: [Parameter]
        let given: [String: String]

        private func spec(_ key: String) -> Parameter { specs.first { $0.name == key }! }
        private func raw(_ key: String) -> String {
            (given[key] ?? spec(key).defaultValue).trimmingCharacters(in: .whitespaces)
        }
        private func invalid(_ key: String) -> DetectorConfigurationError {
            let value = raw(key)
            return .invalidValue(detector: detector, parameter: key,
                                 value: value.count > 40 ? value.prefix(40) + "… (\(value.count) characters)" : value,
                                 expected: spec(key).expected)
        }

        mutating func double(_ key: String, valid: (Double) -> Bool) throws -> Double {
            guard let v = Double(raw(key)), v.isFinite, valid(v) else { throw invalid(key) }
            return v
        }
        mutating func int(_ key: String, valid: (Int) -> Bool) throws -> Int {
            let s = raw(key)
            // Accept "5" and "5.0" (JSON/YAML writers often emit integral floats).
            let v = Int(s) ?? Double(s).flatMap { $0.rounded() == $0 && abs($0) < 1e15 ? Int($0) : nil }
            guard let v, valid(v) else { throw invalid(key) }
            return v
        }
        mutating func optionalInt(_ key: String) throws -> Int? {
            let s = raw(key).lowercased()
            if s == "none" || s == "nil" || s.isEmpty { return nil }
            return try int(key) { _ in true }
        }
        mutating func mode(_ key: String) throws -> PageHinkley.Mode {
            guard let m = PageHinkley.Mode(rawValue: raw(key).lowercased()) else { throw invalid(key) }
            return m
        }
    }
}
