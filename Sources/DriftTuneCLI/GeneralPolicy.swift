import Foundation
import PolicyRuntime
import SafeFiles

/// `--policy general`: the shipped general policy for the learner model, a policy trained across
/// a randomized environment family (`results/general/`, made by `drifttune family train` and
/// `family export`; see results/general/README.md).
///
/// The model is `--model` when given, else softmax when `--classes K` says more than two classes,
/// else logistic. The file is `MODEL.policy` in the folder given, else `$DRIFTTUNE_GENERAL_POLICIES`,
/// else the first `results/general/` in the current directory or one of its parents.
public enum GeneralPolicy {
    /// The `--policy` value that selects it.
    public static let name = "general"
    /// Learner models a general policy is shipped for.
    public static let models = ["logistic", "softmax", "fm", "mlp"]

    /// The learner model `--policy general` resolves to.
    public static func model(explicit: String?, classes: Int?) throws -> String {
        if let explicit {
            guard models.contains(explicit) else {
                throw UserError("--policy general: no general policy for --model \(inputExcerpt(explicit, limit: 40)); there is one for logistic (binary streams), softmax (--classes K > 2), fm and mlp")
            }
            return explicit
        }
        return (classes ?? 2) > 2 ? "softmax" : "logistic"
    }

    /// The policy file for `model`.
    /// - Throws: `UserError` naming where it looked when the file is missing.
    public static func path(model: String, directory: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        let file = "\(model).policy"
        var folder: String?
        if let d = directory ?? environment["DRIFTTUNE_GENERAL_POLICIES"] {
            folder = d
        } else {
            var url = URL(fileURLWithPath: currentDirectory).standardizedFileURL
            while true {
                let candidate = url.appendingPathComponent("results/general").path
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue { folder = candidate; break }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { break }
                url = parent
            }
        }
        if let folder {
            let p = (folder as NSString).appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        let place = folder ?? "results/general/ of \(currentDirectory) or any folder above it (there is none)"
        throw UserError("--policy general: no \(file) (the general \(model) policy) in \(place); "
                        + "train and export it with `drifttune family train` and `drifttune family export` (results/general/README.md), "
                        + "or set DRIFTTUNE_GENERAL_POLICIES to the folder that holds it")
    }
}
