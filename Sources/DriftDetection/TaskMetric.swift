/// The task metric of a period; higher is better for all of them.
public enum TaskMetric: String, Sendable, Equatable, CaseIterable, Codable {
    case accuracy
    case macroF1 = "macro_f1"
    /// Area under the ROC curve of the positive-class score (binary tasks).
    case auc
}
