import Foundation
import Simulation

extension Benchmarks {
    /// Stream samples per second (features and labels, drift included) each environment's generator
    /// produces on one core, keyed by environment name. Empty when no environments directory is found.
    public func environmentStreamSamplesPerSecond(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                                  progress: (String) -> Void) throws -> [String: Double] {
        var figures: [String: Double] = [:]
        for name in catalog.names() {
            progress("environment stream \(name)")
            figures[name] = StreamThroughput.samplesPerSecond(spec: try catalog.load(name), minSeconds: minSeconds)
        }
        return figures
    }
}
