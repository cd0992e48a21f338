import DriftDetection
import Foundation
import Testing

/// Loads the JSON fixtures written by scripts/fixtures/drift_fixtures.py.
enum Fixtures {
    static func json(_ name: String) throws -> [String: Any] {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let streams: [String: [Double]] = {
        guard let root = try? json("streams.json"), let s = root["streams"] as? [String: [Any]] else { return [:] }
        return s.mapValues { $0.map { ($0 as! NSNumber).doubleValue } }
    }()

    struct Run {
        var detector: String
        var params: [String: String]
        var stream: String
        var indices: [Int]
        var final: [String: Any]
    }

    static func runs(_ detector: String) -> [Run] {
        guard let root = try? json("detections.json"), let runs = root["runs"] as? [[String: Any]] else { return [] }
        return runs.compactMap { r in
            guard r["detector"] as? String == detector else { return nil }
            let params = (r["params"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            return Run(detector: detector, params: params, stream: r["stream"] as! String,
                       indices: (r["indices"] as! [NSNumber]).map(\.intValue),
                       final: r["final"] as? [String: Any] ?? [:])
        }
    }

    /// Indices (0-based) at which `detector` signalled drift on `values`.
    static func detections(_ detector: inout some DriftDetector, _ values: [Double]) -> [Int] {
        var out: [Int] = []
        for (i, x) in values.enumerated() where detector.update(x) { out.append(i) }
        return out
    }
}
