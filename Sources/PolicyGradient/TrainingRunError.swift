/// Why a training run could not start or continue.
public enum TrainingRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The output directory already holds a run and `--resume` was not given.
    case existingRun(directory: String)
    /// `--resume` found no checkpoint.
    case nothingToResume(directory: String)
    /// The checkpoint belongs to another environment.
    case environmentMismatch(checkpoint: String, requested: String)
    /// A file of the run could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .existingRun(let d):
            return "\(d) already holds a training run; pass --resume to continue it or choose another --out"
        case .nothingToResume(let d):
            return "\(d): no checkpoint to resume from (expected \(TrainingCheckpoint.fileName) there)"
        case let .environmentMismatch(checkpoint, requested):
            return "the checkpoint was trained on '\(checkpoint)', not '\(requested)'"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
