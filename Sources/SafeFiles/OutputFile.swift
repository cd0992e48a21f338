#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why an output could not be written; `description` is the one line a user reads.
public struct OutputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let problem: String
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

/// The one way DriftTune writes an output file (`--out`, `--log`, results, checkpoints, policies).
///
/// - A regular file, or a path that does not exist yet, is replaced atomically: the bytes go to a
///   temporary file in the same folder, which is renamed over the target by `commit()`. A reader
///   never sees half a file, and a failed write leaves the previous file as it was.
/// - A symbolic link is written through: its target gets the same treatment (a dangling link is refused).
/// - A FIFO or a character device is opened and written through, never replaced or truncated by rename.
/// - Anything else (a folder, a socket, a block device) is refused.
///
/// Every failure, including a short or failed `write(2)` and a failed `close(2)`, throws an
/// `OutputFileError` with a one-line message.
public final class OutputFile {
    /// The path as given (what messages name).
    public let path: String
    private var fd: Int32
    private let temporaryPath: String?
    private let finalPath: String
    private var finished = false

    /// Opens `path` for writing as described above.
    public init(path: String) throws {
        self.path = path
        let (target, kind) = try Self.resolve(path)
        finalPath = target
        switch kind {
        case .replace(let mode):
            let dir = (target as NSString).deletingLastPathComponent
            let base = (target as NSString).lastPathComponent
            let temp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            let opened = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
            guard opened >= 0 else { throw OutputFileError(path: path, problem: "cannot create a file in its folder (\(Self.lastError()))") }
            if let mode { _ = fchmod(opened, mode) }
            fd = opened
            temporaryPath = temp
        case .writeThrough:
            let opened = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard opened >= 0 else { throw OutputFileError(path: path, problem: "cannot open for writing (\(Self.lastError()))") }
            fd = opened
            temporaryPath = nil
        }
    }

    deinit { if !finished { discard() } }

    /// Appends `data`.
    public func write(_ data: Data) throws {
        guard !finished else { throw OutputFileError(path: path, problem: "already closed") }
        try Self.writeAll(data, to: fd, name: path)
    }

    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Finishes the file: flushes and closes it, and renames a temporary file over the target.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        if temporaryPath != nil, fsync(fd) != 0 {
            let problem = "cannot write (\(Self.lastError()))"
            _ = close(fd)
            removeTemporary()
            throw OutputFileError(path: path, problem: problem)
        }
        if close(fd) != 0 {
            let problem = "cannot write (\(Self.lastError()))"
            removeTemporary()
            throw OutputFileError(path: path, problem: problem)
        }
        if let temporaryPath, rename(temporaryPath, finalPath) != 0 {
            let problem = "cannot replace the file (\(Self.lastError()))"
            removeTemporary()
            throw OutputFileError(path: path, problem: problem)
        }
    }

    /// Abandons the write: the target keeps what it had (for a regular file).
    public func discard() {
        guard !finished else { return }
        finished = true
        _ = close(fd)
        removeTemporary()
    }

    private func removeTemporary() { if let temporaryPath { _ = unlink(temporaryPath) } }

    /// Writes `data` to `path` in one go (see the type's rules).
    public static func write(_ data: Data, to path: String) throws {
        let file = try OutputFile(path: path)
        do { try file.write(data) } catch {
            file.discard()
            throw error
        }
        try file.commit()
    }

    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    /// Writes `text` to standard output unbuffered, throwing when the write fails (a full disk, a closed descriptor).
    public static func standardOutput(_ text: String) throws {
        try writeAll(Data(text.utf8), to: 1, name: "standard output")
    }

    /// Creates the folder `path` and any missing parents; a clear one-line error when a component
    /// is a file or cannot be created (no raw Foundation error dump).
    public static func createFolder(_ path: String) throws {
        guard !path.isEmpty else { return }
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw OutputFileError(path: path, problem: "exists and is not a folder") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createFolder(parent) }
        if mkdir(path, 0o777) != 0, errno != EEXIST {
            throw OutputFileError(path: path, problem: "cannot create the folder (\(lastError()))")
        }
    }

    // MARK: Plumbing

    enum Kind {
        /// Temporary file and rename; the mode of the file replaced, if any.
        case replace(mode: mode_t?)
        case writeThrough
    }

    /// Where the bytes go for `path`, following symbolic links.
    static func resolve(_ path: String) throws -> (String, Kind) {
        guard !path.isEmpty else { throw OutputFileError(path: "''", problem: "an empty path") }
        var st = stat()
        if lstat(path, &st) != 0 {
            let code = errno
            guard code == ENOENT else { throw OutputFileError(path: path, problem: "cannot write (\(String(cString: strerror(code))))") }
            let dir = (path as NSString).deletingLastPathComponent
            var ds = stat()
            if stat(dir.isEmpty ? "." : dir, &ds) != 0 {
                throw OutputFileError(path: path, problem: "the folder \(dir) does not exist")
            }
            guard ds.st_mode & S_IFMT == S_IFDIR else { throw OutputFileError(path: path, problem: "\(dir) is not a folder") }
            return (path, .replace(mode: nil))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            return (path, .replace(mode: st.st_mode & 0o7777))
        case S_IFLNK:
            guard let real = realpath(path, nil) else {
                throw OutputFileError(path: path, problem: "a symbolic link whose target does not exist; refusing to write")
            }
            defer { free(real) }
            let target = String(cString: real)
            var ts = stat()
            guard lstat(target, &ts) == 0, ts.st_mode & S_IFMT != S_IFLNK else {
                throw OutputFileError(path: path, problem: "cannot follow the symbolic link")
            }
            let (resolved, kind) = try resolve(target)
            return (resolved, kind)
        case S_IFIFO, S_IFCHR:
            return (path, .writeThrough)
        case S_IFDIR:
            throw OutputFileError(path: path, problem: "is a folder, not a file")
        default:
            throw OutputFileError(path: path, problem: "is not a regular file, FIFO or character device; refusing to write")
        }
    }

    static func writeAll(_ data: Data, to fd: Int32, name: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = systemWrite(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputFileError(path: name, problem: "cannot write (\(lastError()))")
                }
                if n == 0 { throw OutputFileError(path: name, problem: "cannot write (no progress)") }
                p += n
                left -= n
            }
        }
    }

    private static func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, n)
        #elseif canImport(Musl)
        return Musl.write(fd, p, n)
        #else
        return Darwin.write(fd, p, n)
        #endif
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
