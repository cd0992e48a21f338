import DriftDetection
import Learners
import Simulation

extension EnvironmentComponents {
    /// The production learner named by the spec (`learner.model`) at the spec's defaults, with
    /// ADWIN and DDM (River defaults) on the per-sample error. Sweeps run every method on these.
    public static let experiments = EnvironmentComponents(
        makeLearner: { spec, features, classes, seed in
            guard let kind = LearnerKind(rawValue: spec.learner.model) else {
                throw ScenarioError.invalid(file: spec.file, line: 0, column: 0, field: "learner.model",
                                            problem: "unknown learner '\(spec.learner.model)'")
            }
            return try LearnerFactory.make(kind: kind, featureCount: features, classCount: classes,
                                           learningRate: Float(spec.learner.learningRate),
                                           batchSize: spec.learner.batchSize, seed: seed)
        },
        makeDetectors: {
            MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false })
        })
}
