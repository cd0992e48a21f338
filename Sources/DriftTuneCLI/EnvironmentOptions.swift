import ArgumentParser
import Foundation
import Simulation

/// Where environment specs are found, shared by `envs` and `simulate`.
public struct EnvironmentOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Directory of environment specs (default: ./environments, or the first environments/ above the current directory).",
        valueName: "DIR"))
    var environments: String?

    public init() {}

    /// The catalog to load specs from; an explicit directory that does not exist is a user error.
    func catalog() throws -> EnvironmentCatalog {
        if let d = environments {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue else {
                throw UserError("--environments \(d): directory not found")
            }
        }
        return EnvironmentCatalog(directory: environments)
    }
}

/// Parses `--seeds A..B` (inclusive) or a single seed.
public enum SeedRange {
    public static func parse(_ text: String) throws -> [UInt64] {
        let parts = text.components(separatedBy: "..")
        if parts.count == 1, let s = UInt64(text) { return [s] }
        guard parts.count == 2, let a = UInt64(parts[0]), let b = UInt64(parts[1]), a <= b, b - a < 10_000 else {
            throw UserError("--seeds \(text): expected A..B with integers 0 ≤ A ≤ B (at most 10,000 seeds)")
        }
        return Array(a...b)
    }
}
