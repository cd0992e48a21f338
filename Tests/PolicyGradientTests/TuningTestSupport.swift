import DriftDetection
import Foundation
import Learners
import PolicyGradient
import Simulation

/// The repository's environments directory, found from this file.
let environmentsDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("environments").path

/// The production learner and detectors (what `EnvironmentComponents.standard` provides).
let productionComponents = EnvironmentComponents(
    makeLearner: { spec, featureCount, classCount, seed in
        try LearnerFactory.make(kind: LearnerKind(rawValue: spec.learner.model)!, featureCount: featureCount,
                                classCount: classCount, learningRate: Float(spec.learner.learningRate),
                                batchSize: spec.learner.batchSize, seed: seed)
    },
    makeDetectors: { MonitorDetectors(adwin: ADWIN(), ddm: DDM(), ddmWarning: { ($0 as? DDM)?.warningDetected ?? false }) })

/// `name` from the repository's environments, shortened to `periods` periods of `periodLength` samples.
func smallTuningEnvironment(_ name: String = "network-diagnosis", periods: Int = 6, periodLength: Int = 200) throws -> TuningEnvironment {
    var spec = try EnvironmentCatalog(directory: environmentsDirectory).load(name)
    spec.episodeLength = periods
    spec.periodLength = periodLength
    return try TuningEnvironment(spec: spec, components: productionComponents)
}
