import DriftDetection
import Learners
import Simulation

extension EnvironmentComponents {
    /// The production learners (the spec's `learner.model`) and detectors (ADWIN and DDM with
    /// River's defaults, DDM reporting its warning level) that the CLI's environments run on.
    static let production = EnvironmentComponents(
        makeLearner: { spec, featureCount, classCount, seed in
            guard let kind = LearnerKind(rawValue: spec.learner.model) else {
                throw SpecError.invalid(file: spec.file, line: 0, column: 0, field: "learner.model",
                                        problem: "unknown learner '\(spec.learner.model)'; expected one of: "
                                            + LearnerKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return try LearnerFactory.make(kind: kind, featureCount: featureCount, classCount: classCount,
                                           learningRate: Float(spec.learner.learningRate),
                                           batchSize: spec.learner.batchSize, seed: seed)
        },
        makeDetectors: {
            MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false })
        })
}
