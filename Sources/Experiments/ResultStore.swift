import Foundation
import SafeFiles
import YAMLConfig

/// The files of one results folder: `runs/<id>.json`, `train/<id>.json`, the tables, the
/// exported policies (`policies/<environment>.policy`) and the
/// manifest. Every file is written atomically (temporary file, then rename), so an interrupted
/// sweep leaves either a whole file or none.
public struct ResultStore: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
    func runPath(_ id: String) -> String { path("runs/\(id).json") }
    func trainingPath(_ id: String) -> String { path("train/\(id).json") }

    /// Creates the folder and its subfolders.
    public func prepare() throws {
        for sub in ["", "runs", "train", "policies"] {
            do {
                try OutputFile.createFolder(path(sub))
            } catch let e as OutputFileError {
                throw SweepError.io(path: e.path, problem: e.problem)
            }
        }
    }

    /// Writes `data` to `name` (relative to the folder) via a temporary file and a rename.
    public func writeAtomically(_ data: Data, to name: String) throws {
        let final = path(name)
        do {
            try OutputFile.write(data, to: final)
        } catch let e as OutputFileError {
            throw SweepError.io(path: final, problem: e.problem)
        }
    }

    public func writeAtomically(_ text: String, to name: String) throws { try writeAtomically(Data(text.utf8), to: name) }

    /// Run and training records: snake_case keys (`SnakeCaseJSON`).
    static func encoder() -> JSONEncoder { SnakeCaseJSON.encoder() }

    func save(_ record: RunRecord) throws {
        try writeAtomically(try ResultStore.encoder().encode(record), to: "runs/\(record.id).json")
    }

    func save(_ record: TrainingRecord) throws {
        try writeAtomically(try ResultStore.encoder().encode(record), to: "train/\(record.id).json")
    }

    /// The stored run `id`, or nil if absent or unreadable (a partial file from an old crash).
    func run(_ id: String) -> RunRecord? {
        guard let d = FileManager.default.contents(atPath: runPath(id)) else { return nil }
        return try? SnakeCaseJSON.decoder().decode(RunRecord.self, from: d)
    }

    func training(_ id: String) -> TrainingRecord? {
        guard let d = FileManager.default.contents(atPath: trainingPath(id)) else { return nil }
        return try? SnakeCaseJSON.decoder().decode(TrainingRecord.self, from: d)
    }

    /// Removes leftover temporary files of interrupted writes: all of them, or with `olderThan`
    /// only those not modified for that many seconds (other writers may share the folder).
    func removeTemporaries(olderThan age: TimeInterval? = nil) {
        let fm = FileManager.default
        let now = Date()
        for sub in ["", "runs", "train", "policies"] {
            let files = (try? fm.contentsOfDirectory(atPath: path(sub))) ?? []
            for f in files where f.contains(".tmp-") {
                let p = path(sub.isEmpty ? f : "\(sub)/\(f)")
                if let age {
                    guard let modified = (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date,
                          now.timeIntervalSince(modified) > age else { continue }
                }
                try? fm.removeItem(atPath: p)
            }
        }
    }
}
