import Foundation
import YAMLConfig

/// `manifest.json`: enough to reproduce a results folder (snake_case keys, `SnakeCaseJSON`).
public struct Manifest: Sendable, Equatable, Codable {
    public var scenario: String
    public var scenarioFile: String
    /// SHA-256 of the scenario file's bytes.
    public var scenarioHash: String
    public var gitCommit: String
    public var toolVersion: String
    public var trainSeeds: [UInt64]
    public var testSeeds: [UInt64]
    public var environments: [String]
    public var methods: [String]
    /// Concurrent jobs of the sweep that wrote the tables, and BLAS threads inside each job.
    public var jobs: Int
    public var blasThreadsPerJob: Int
    /// Wall seconds per phase of the last sweep invocation (training, evaluation, tables).
    public var wallSeconds: [String: Double]
    public var runs: Int
    public var statistics: StatisticsSettings
    public var trainingSteps: Int
    /// Agents trained per environment (`agent_seeds`), present only when more than one.
    public var agentSeeds: Int? = nil
    /// The OpenBLAS kernel set of the machine that wrote the tables (`BLAS.coreName`), which computed
    /// the results unless shards ran elsewhere: another set may change their last bits
    /// (`OPENBLAS_CORETYPE` chooses it). Absent in manifests written before it was recorded.
    public var blasCore: String? = nil

    public static func load(directory: String) throws -> Manifest {
        let path = (directory as NSString).appendingPathComponent("manifest.json")
        guard let d = FileManager.default.contents(atPath: path) else {
            throw ResultsError.missingResults(path: path, problem: "no manifest.json; expected a folder written by drifttune sweep")
        }
        do { return try SnakeCaseJSON.decoder().decode(Manifest.self, from: d) } catch {
            throw ResultsError.missingResults(path: path, problem: "unreadable manifest (\(error))")
        }
    }

    /// The commit of the git work tree around `directory`, or "unknown".
    public static func gitCommit(in directory: String = FileManager.default.currentDirectoryPath) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", directory, "rev-parse", "HEAD"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "unknown" }
        let d = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let s = String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return p.terminationStatus == 0 && !s.isEmpty ? s : "unknown"
    }
}
