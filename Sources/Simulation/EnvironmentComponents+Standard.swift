import DriftDetection
import Learners
import YAMLConfig

extension EnvironmentComponents {
    /// The production learners (`LearnerFactory`, the spec's `learner.model` with its defaults)
    /// and detectors (ADWIN and DDM with River's defaults; DDM reports its warning level).
    ///
    ///     var env = try TuningEnvironment(spec: spec, components: .standard)
    public static let standard = EnvironmentComponents(
        makeLearner: { spec, featureCount, classCount, seed in
            guard let kind = LearnerKind(rawValue: spec.learner.model) else {
                throw ConfigError.invalid(file: spec.file, line: 0, column: 0, field: "learner.model",
                                        problem: "unknown learner '\(spec.learner.model)'; expected one of: "
                                            + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return try LearnerFactory.make(kind: kind, featureCount: featureCount, classCount: classCount,
                                           learningRate: Float(spec.learner.learningRate),
                                           batchSize: spec.learner.batchSize, seed: seed)
        },
        makeDetectors: { .standard })
}
