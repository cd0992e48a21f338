import ArgumentParser
import DriftDetection
import Foundation

/// `drifttune detect`: run one drift detector over a stream of numbers.
public struct DetectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Print the 0-based indices where a drift detector signals drift.",
        discussion: """
            Parameters use River's names and defaults, e.g. --param delta=0.002 --param clock=32 for ADWIN.
            Detectors and their parameters:
            \(DetectionRun.parameterHelp)
            """
    )

    @Option(help: "Detector: \(DetectorRegistry.names.joined(separator: ", ")).")
    var detector: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A detector parameter as NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
    var parameters: [String] = []

    @Option(help: "Read this column of a CSV file with a header instead of one number per line.")
    var column: String?

    @Flag(help: "Print one JSON object instead of one index per line.")
    var json = false

    @Argument(help: "Input file, or - for standard input (the default).")
    var input: String?

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            let parsed = try DetectionRun.parseParameters(parameters)
            var detector = try DetectorRegistry.make(name: self.detector, parameters: parsed)
            // Streamed: memory holds the detector and the detection indices, not the stream.
            var indices: [Int] = []
            var i = 0
            let count = try NumberStream.forEachValue(path: input, column: column) { x in
                if detector.update(x) { indices.append(i) }
                i += 1
            }
            if json {
                try emit(try DetectionRun.json(detector: self.detector, parameters: parsed, input: input ?? "-",
                                             count: count, indices: indices))
            } else {
                try emit(indices.map(String.init).joined(separator: "\n"), terminator: indices.isEmpty ? "" : "\n")
            }
        }
    }
}

/// The logic behind `detect`, reachable from tests.
public enum DetectionRun {
    /// One line per detector: its name and `parameter=default` pairs.
    public static var parameterHelp: String {
        DetectorRegistry.names.map { name in
            let params = (DetectorRegistry.parameters[name] ?? []).map { "\($0.name)=\($0.defaultValue)" }
            return "  \(name): \(params.joined(separator: " "))"
        }.joined(separator: "\n")
    }

    /// Splits `NAME=VALUE` strings; a malformed one is a user error naming it.
    public static func parseParameters(_ items: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw UserError("--param \"\(item)\": expected NAME=VALUE")
            }
            let name = String(item[..<eq]), value = String(item[item.index(after: eq)...])
            if result[name] != nil { throw UserError("--param \(name) given twice") }
            result[name] = value
        }
        return result
    }

    /// Feeds every value and returns the indices at which drift was signalled.
    public static func detections(of detector: inout any DriftDetector, in values: [Double]) -> [Int] {
        var indices: [Int] = []
        for (i, x) in values.enumerated() where detector.update(x) { indices.append(i) }
        return indices
    }

    struct Output: Encodable {
        let detector: String
        let parameters: [String: String]
        let input: String
        let count: Int
        let detections: [Int]
    }

    /// The `--json` form: detector, parameters, input name, number of values and detection indices.
    public static func json(detector: String, parameters: [String: String], input: String, count: Int,
                            indices: [Int]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Output(detector: detector, parameters: parameters, input: input,
                                             count: count, detections: indices))
        return String(decoding: data, as: UTF8.self)
    }
}
