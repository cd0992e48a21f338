import Foundation
import Simulation

extension Benchmarks {
    /// Stream samples per second (features and labels, drift included) each environment's generator
    /// produces on one core, keyed by environment name. Empty when no environments directory is found.
    public func environmentStreamSamplesPerSecond(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                                  progress: (String) -> Void) throws -> [String: Double] {
        try perEnvironment(catalog, "environment stream", progress) {
            StreamThroughput.samplesPerSecond(spec: $0, minSeconds: minSeconds)
        }
    }

    /// `EnvironmentStepThroughput` (whole periods under a random policy) per shipped environment.
    public func environmentPeriodsPerSecond(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                            progress: (String) -> Void) throws -> [String: Double] {
        try perEnvironment(catalog, "environment periods, random policy,", progress) {
            try EnvironmentStepThroughput.periodsPerSecond(spec: $0, minSeconds: minSeconds)
        }
    }

    /// `EnvironmentStepThroughput` per shipped environment with its loop's shadow learners on
    /// (observation schema v2), to put beside `environmentPeriodsPerSecond` of the same run.
    public func environmentPeriodsPerSecondWithShadowLearners(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                                              progress: (String) -> Void) throws -> [String: Double] {
        try perEnvironment(catalog, "environment periods, random policy, shadow learners,", progress) {
            var spec = $0
            spec.learner.shadowLearners = true
            return try EnvironmentStepThroughput.periodsPerSecond(spec: spec, minSeconds: minSeconds)
        }
    }

    /// `EnvironmentStepThroughput` per shipped environment with learning-rate and batch-size
    /// shadows on (observation schema v3), to put beside the two figures above.
    public func environmentPeriodsPerSecondWithBatchShadows(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                                            progress: (String) -> Void) throws -> [String: Double] {
        try perEnvironment(catalog, "environment periods, random policy, learning-rate and batch-size shadows,", progress) {
            var spec = $0
            spec.learner.shadowLearners = true
            spec.learner.batchShadows = true
            return try EnvironmentStepThroughput.periodsPerSecond(spec: spec, minSeconds: minSeconds)
        }
    }

    /// `EnvironmentStepThroughput` per shipped environment with an expert pool (observation schema
    /// v4: one learner per learning-rate × batch-size bin, every one learning every period), to put
    /// beside the plain figure of the same run.
    public func environmentPeriodsPerSecondWithExpertPool(catalog: EnvironmentCatalog = EnvironmentCatalog(),
                                                          progress: (String) -> Void) throws -> [String: Double] {
        try perEnvironment(catalog, "environment periods, random policy, expert pool,", progress) {
            var spec = $0
            spec.learner.updates = .online
            spec.learner.experts = true
            return try EnvironmentStepThroughput.periodsPerSecond(spec: spec, minSeconds: minSeconds)
        }
    }

    /// `measure` on every spec of `catalog`, keyed by name, announcing each with `label`.
    private func perEnvironment(_ catalog: EnvironmentCatalog, _ label: String, _ progress: (String) -> Void,
                                _ measure: (EnvironmentSpec) throws -> Double) throws -> [String: Double] {
        var figures: [String: Double] = [:]
        for name in catalog.names() {
            progress("\(label) \(name)")
            figures[name] = try measure(try catalog.load(name))
        }
        return figures
    }
}
