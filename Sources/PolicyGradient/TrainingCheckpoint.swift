import Foundation
import SafeFiles
import YAMLConfig

/// What a training run saves in its output directory: the trainer's exact state plus the run's
/// bookkeeping (environment name, settings, wall time so far).
public struct TrainingCheckpoint: Codable, Sendable, Equatable {
    /// File name inside the run's directory.
    public static let fileName = "checkpoint.json"
    public var environment: String
    public var settings: TrainingSettings
    /// Wall seconds spent training so far, over all sessions of the run.
    public var wallSeconds: Double
    public var trainer: PPOCheckpoint

    /// Writes the checkpoint as JSON, atomically (an interrupted write leaves the previous one).
    public func write(to url: URL) throws {
        try OutputFile.write(try SnakeCaseJSON.encoder().encode(self), to: url.path)
    }

    /// The checkpoint file `path` names: `path` itself, or `path/checkpoint.json` for a run directory.
    public static func location(fileOrRunDirectory path: String) -> URL {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url.appendingPathComponent(fileName)
        }
        return url
    }

    /// Reads the checkpoint at `path`, or in the run directory `path`.
    public static func read(fileOrRunDirectory path: String) throws -> TrainingCheckpoint {
        try read(from: location(fileOrRunDirectory: path))
    }

    /// Reads a checkpoint written by `write(to:)`.
    /// - Throws: `CheckpointError.unreadable` when the file is missing or not a training checkpoint.
    public static func read(from url: URL) throws -> TrainingCheckpoint {
        guard let data = try? Data(contentsOf: url) else {
            throw CheckpointError.unreadable(path: url.path, reason: "no such file")
        }
        if isCamelCase(data) {
            throw CheckpointError.unreadable(path: url.path, reason: "written by an older drifttune (format version 1, camelCase keys); "
                                             + "expected format version \(PPOCheckpoint.formatVersion) (snake_case keys): train the run again")
        }
        let c: TrainingCheckpoint
        do {
            c = try SnakeCaseJSON.decoder().decode(TrainingCheckpoint.self, from: data)
        } catch {
            throw CheckpointError.unreadable(path: url.path, reason: "not a drifttune training checkpoint (\(ConfigError.excerpt("\(error)", limit: 200)))")
        }
        guard c.trainer.formatVersion == PPOCheckpoint.formatVersion else {
            throw CheckpointError.unsupportedVersion(found: c.trainer.formatVersion, supported: PPOCheckpoint.formatVersion)
        }
        return c
    }

    /// True for checkpoints of format version 1, whose keys were camelCase.
    static func isCamelCase(_ data: Data) -> Bool {
        data.range(of: Data("\"formatVersion\"".utf8)) != nil
    }
}
