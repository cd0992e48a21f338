import Experiments
import Foundation
import Learners
import PolicyGradient
import PolicyRuntime
import Simulation

/// `name` from the repository's environments, shortened to `periods` periods of `periodLength` samples.
func smallTuningEnvironment(_ name: String = "network-diagnosis", periods: Int = 6, periodLength: Int = 200) throws -> TuningEnvironment {
    var spec = try EnvironmentCatalog(directory: environmentsDirectory).load(name)
    spec.episodeLength = periods
    spec.periodLength = periodLength
    return try TuningEnvironment(spec: spec, components: .standard)
}
