"""DriftTune for Python production learners (numpy only at the core).

- `loader`: `Policy` reads and verifies a policy file and decides (greedy or sampled, by position
  or by feature name), exactly as the Swift `TunedPolicy`.
- `monitor`: `Monitor` builds the observation vector from a period's predictions, labels and
  features, as the Swift `DriftDetection.Monitor`; `detectors` holds its ADWIN, DDM, Page-Hinkley,
  PSI and KS.
- `learner`: `TunedLearner` runs a scikit-learn `partial_fit` estimator, a River classifier or
  `LinearBackend` (`drifttune learn`'s own linear learner) under a policy with `drifttune learn`'s
  loop (`PeriodLoop`), shadow learners and the expert pool (`ExpertPool`, loop `experts`) included.

See docs/python.md.
"""
from .loader import FORMAT_NAME, SUPPORTED_VERSIONS, Policy, PolicyFileError, SplitMix64
from .monitor import SCHEMA_V1, ControlState, Monitor, feature
from .learner import ExpertPool, LinearBackend, PeriodLoop, RecordedPredictions, RiverBackend, SklearnBackend, TunedLearner

__all__ = ["FORMAT_NAME", "SUPPORTED_VERSIONS", "Policy", "PolicyFileError", "SplitMix64", "SCHEMA_V1", "ControlState",
           "Monitor", "feature", "ExpertPool", "LinearBackend", "PeriodLoop", "RecordedPredictions", "RiverBackend",
           "SklearnBackend", "TunedLearner"]
