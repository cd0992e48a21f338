import Foundation
import GRDB
import PolicyRuntime

/// A registry of policy versions in one SQLite file: every pushed file (its bytes, verified),
/// a canary and a production channel per policy name, and the history that rollback walks back.
///
///     let registry = try Registry(path: "policies.sqlite")
///     let v = try registry.push(fileAt: "network.policy")                 // version 1
///     try registry.promote(v.version, to: .canary) { candidate, production in try replay(candidate, production) }
///     try registry.promote(v.version, to: .production)
///     try registry.rollback(name: "network-diagnosis")
///
/// Every change is one SQLite transaction: a crash in the middle of a promotion leaves the
/// registry as it was before it, readable and consistent.
public final class Registry: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    /// How long an operation waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 30

    /// Opens (creating if needed) the registry file at `path`. The file must be a regular file (or
    /// a symbolic link to one, or not exist yet in an existing folder): SQLite keeps `-wal`/`-shm`
    /// files beside it, which must never land beside a device or FIFO. The database is in WAL
    /// mode with a busy timeout, so several processes can share it.
    public init(path: String) throws {
        self.path = path
        let file = try Self.regularFilePath(path)
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(Self.busyTimeout)
        do {
            queue = try DatabaseQueue(path: file, configuration: config)
            // Two processes creating the same new registry may race on the first migration; retry.
            var attempt = 0
            while true {
                do {
                    try Self.migrator.migrate(queue)
                    break
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 20 {
                    attempt += 1
                    usleep(50_000)
                }
            }
        } catch let error as DatabaseError {
            throw RegistryError.database(path: path, message: error.message ?? "\(error)")
        }
    }

    /// The path SQLite may open for `path`: a regular file, the regular file a symbolic link
    /// points to, or a new file in an existing folder. Anything else is refused.
    static func regularFilePath(_ path: String) throws -> String {
        guard !path.isEmpty else { throw RegistryError.notARegularFile(path: path, reason: "an empty path") }
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw RegistryError.notARegularFile(path: path, reason: String(cString: strerror(errno))) }
            let dir = (path as NSString).deletingLastPathComponent
            var ds = stat()
            guard stat(dir.isEmpty ? "." : dir, &ds) == 0, ds.st_mode & S_IFMT == S_IFDIR else {
                throw RegistryError.notARegularFile(path: path, reason: "the folder \(dir) does not exist")
            }
            return path
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return path
        case S_IFLNK:
            guard let real = realpath(path, nil) else {
                throw RegistryError.notARegularFile(path: path, reason: "a symbolic link whose target does not exist")
            }
            defer { free(real) }
            let target = String(cString: real)
            var ts = stat()
            guard stat(target, &ts) == 0, ts.st_mode & S_IFMT == S_IFREG else {
                throw RegistryError.notARegularFile(path: path, reason: "a symbolic link to something that is not a regular file")
            }
            return target
        case S_IFDIR:
            throw RegistryError.notARegularFile(path: path, reason: "a folder")
        default:
            throw RegistryError.notARegularFile(path: path, reason: "a device, FIFO or socket")
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE policy_version (
                    version INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    environment TEXT NOT NULL,
                    pushed_at TEXT NOT NULL,
                    file BLOB NOT NULL);
                CREATE TABLE channel (
                    name TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('canary', 'production')),
                    version INTEGER NOT NULL REFERENCES policy_version(version),
                    PRIMARY KEY (name, channel));
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    action TEXT NOT NULL,
                    channel TEXT,
                    version INTEGER,
                    previous_version INTEGER,
                    at TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '');
                """)
        }
        return m
    }

    // MARK: Reading

    /// Every version, oldest first, with the channels each currently holds.
    public func list(name: String? = nil) throws -> [PolicyVersion] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT version, name, sha256, environment, pushed_at FROM policy_version
                WHERE ?1 IS NULL OR name = ?1 ORDER BY version
                """, arguments: [name])
            let channels = try Row.fetchAll(db, sql: "SELECT name, channel, version FROM channel")
            return rows.map { row in
                let version: Int64 = row["version"]
                let held = channels.filter { ($0["version"] as Int64) == version }.compactMap { Channel(rawValue: $0["channel"]) }
                return PolicyVersion(version: version, name: row["name"], sha256: row["sha256"], environment: row["environment"],
                                     pushedAt: row["pushed_at"], channels: held.sorted { $0.rawValue < $1.rawValue })
            }
        }
    }

    /// The version a channel of `name` points at, if any.
    public func current(name: String, channel: Channel) throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM channel WHERE name = ? AND channel = ?", arguments: [name, channel.rawValue])
        }
    }

    /// The file bytes of a version, verified again on the way out.
    public func fileData(version: Int64) throws -> Data {
        let data = try read { db in
            try Data.fetchOne(db, sql: "SELECT file FROM policy_version WHERE version = ?", arguments: [version])
        }
        guard let data else { throw RegistryError.unknownVersion(version) }
        _ = try PolicyFile.decode(data, file: "\(path)#\(version)")
        return data
    }

    /// The loaded policy of a version.
    public func policy(version: Int64, seed: UInt64 = 0) throws -> TunedPolicy {
        TunedPolicy(document: try PolicyFile.decode(try fileData(version: version), file: "\(path)#\(version)"), seed: seed)
    }

    /// Loads `NAME@canary` or `NAME@production` (what `learn --policy registry:NAME@CHANNEL` asks for).
    public func policy(reference: String, seed: UInt64 = 0) throws -> TunedPolicy {
        let parts = reference.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let channel = Channel(rawValue: String(parts[1])) else {
            throw RegistryError.badReference(reference)
        }
        guard let version = try current(name: String(parts[0]), channel: channel) else {
            throw RegistryError.emptyChannel(name: String(parts[0]), channel: channel)
        }
        return try policy(version: version, seed: seed)
    }

    /// Everything that happened to `name`, oldest first.
    public func history(name: String) throws -> [RegistryEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE name = ? ORDER BY id", arguments: [name]).map { row in
                RegistryEvent(action: row["action"], channel: (row["channel"] as String?).flatMap(Channel.init(rawValue:)),
                              version: row["version"], previousVersion: row["previous_version"], at: row["at"], note: row["note"])
            }
        }
    }

    // MARK: Changing

    /// Stores a verified policy file. The same content pushed twice is the same version.
    @discardableResult
    public func push(fileAt filePath: String, name: String? = nil) throws -> PolicyVersion {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: filePath)) } catch {
            throw PolicyFileError.unreadable(file: filePath, reason: FileManager.default.fileExists(atPath: filePath) ? "not readable" : "no such file")
        }
        return try push(data: data, file: filePath, name: name)
    }

    /// Stores verified policy bytes; `file` names them in errors.
    @discardableResult
    public func push(data: Data, file: String, name: String? = nil) throws -> PolicyVersion {
        let document = try PolicyFile.decode(data, file: file)
        let digest = SHA256.hex(of: data)
        let policyName = name ?? document.provenance.environment
        guard !policyName.isEmpty else { throw RegistryError.noName(file: file) }
        let version: Int64 = try write { db in
            if let existing = try Int64.fetchOne(db, sql: "SELECT version FROM policy_version WHERE sha256 = ?", arguments: [digest]) {
                return existing
            }
            try db.execute(sql: "INSERT INTO policy_version (name, sha256, environment, pushed_at, file) VALUES (?, ?, ?, ?, ?)",
                           arguments: [policyName, digest, document.provenance.environment, Self.now(), data])
            let v = db.lastInsertedRowID
            try Self.log(db, name: policyName, action: "push", channel: nil, version: v, previous: nil, note: file)
            return v
        }
        guard let stored = try list().first(where: { $0.version == version }) else { throw RegistryError.unknownVersion(version) }
        return stored
    }

    /// Points a channel at `version`. A canary promotion first runs `gate` (candidate, current
    /// production or nil) and is refused when it says so; a production promotion requires the
    /// version to be the current canary unless `force`. `beforeCommit` runs inside the
    /// transaction after the change is written (crash tests use it).
    public func promote(_ version: Int64, to channel: Channel, force: Bool = false,
                        gate: ((TunedPolicy, TunedPolicy?) throws -> CanaryVerdict)? = nil,
                        beforeCommit: (() throws -> Void)? = nil) throws {
        guard let entry = try list().first(where: { $0.version == version }) else { throw RegistryError.unknownVersion(version) }
        let name = entry.name
        var note = ""
        switch channel {
        case .canary:
            if let gate {
                let production = try current(name: name, channel: .production).map { try policy(version: $0) }
                let verdict = try gate(try policy(version: version), production)
                guard verdict.accepted else { throw RegistryError.canaryRefused(version: version, verdict: verdict) }
                note = verdict.summary
            } else if !force {
                throw RegistryError.canaryNeedsReplay(version: version)
            }
        case .production:
            if !force, try current(name: name, channel: .canary) != version {
                throw RegistryError.notCanary(version: version, name: name)
            }
        }
        try write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT version FROM channel WHERE name = ? AND channel = ?",
                                              arguments: [name, channel.rawValue])
            try db.execute(sql: "INSERT OR REPLACE INTO channel (name, channel, version) VALUES (?, ?, ?)",
                           arguments: [name, channel.rawValue, version])
            try Self.log(db, name: name, action: "promote", channel: channel, version: version, previous: previous, note: note)
            try beforeCommit?()
        }
    }

    /// Returns production to the version it held before its last promotion. Promotions and
    /// rollbacks form a stack, so rolling back twice goes back two promotions. Returns the
    /// version production now points at.
    @discardableResult
    public func rollback(name: String) throws -> Int64 {
        try write { db in
            var stack: [Int64] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT action, version FROM event WHERE name = ? AND channel = 'production' ORDER BY id
                """, arguments: [name]) {
                if (row["action"] as String) == "rollback" { stack.removeLast() } else { stack.append(row["version"]) }
            }
            guard let current = stack.last else { throw RegistryError.emptyChannel(name: name, channel: .production) }
            guard stack.count >= 2 else { throw RegistryError.nothingToRollBack(name: name) }
            let target = stack[stack.count - 2]
            try db.execute(sql: "UPDATE channel SET version = ? WHERE name = ? AND channel = 'production'", arguments: [target, name])
            try Self.log(db, name: name, action: "rollback", channel: .production, version: target, previous: current, note: "")
            return target
        }
    }

    // MARK: Plumbing

    private static func log(_ db: Database, name: String, action: String, channel: Channel?, version: Int64?, previous: Int64?,
                            note: String) throws {
        try db.execute(sql: "INSERT INTO event (name, action, channel, version, previous_version, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [name, action, channel?.rawValue, version, previous, now(), note])
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as DatabaseError {
            throw RegistryError.database(path: path, message: error.message ?? "\(error)")
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch let error as DatabaseError {
            throw RegistryError.database(path: path, message: error.message ?? "\(error)")
        }
    }
}
