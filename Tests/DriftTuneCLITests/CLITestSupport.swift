import Foundation

/// The repository root (holds `environments/`), found from this file.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A short copy of the network-diagnosis spec (14 periods of 200 samples) written to a temporary file.
func shortSpecFile(replacing old: String? = nil, with new: String? = nil) throws -> URL {
    var text = try String(contentsOf: repositoryRoot.appendingPathComponent("environments/network-diagnosis.yaml"),
                          encoding: .utf8)
    text = text.replacingOccurrences(of: "period_length: 1000", with: "period_length: 200")
        .replacingOccurrences(of: "episode_length: 50", with: "episode_length: 14")
    if let old, let new { text = text.replacingOccurrences(of: old, with: new) }
    return try CLIProcess.temporaryFile(text, name: "short-network.yaml")
}
