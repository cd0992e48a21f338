import Foundation
import SafeFiles
import Testing

private func folder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-out-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func kind(_ path: String) -> mode_t {
    var st = stat()
    _ = lstat(path, &st)
    return st.st_mode & S_IFMT
}

/// Reads a FIFO to its end on another thread; `wait()` returns what was read.
final class FIFOReader: @unchecked Sendable {
    let path: String
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    init(_ path: String, closeAtOnce: Bool = false) {
        self.path = path
        Thread.detachNewThread { [self] in
            let fd = open(path, O_RDONLY)
            if fd >= 0 {
                if !closeAtOnce {
                    var buffer = [UInt8](repeating: 0, count: 65_536)
                    while true {
                        let n = read(fd, &buffer, buffer.count)
                        if n <= 0 { break }
                        data.append(contentsOf: buffer[..<n])
                    }
                }
                close(fd)
            }
            done.signal()
        }
    }
    /// What was read; unblocks a reader still waiting for a writer that never came.
    func wait() -> Data {
        if done.wait(timeout: .now() + 2) == .timedOut {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            done.wait()
        }
        return data
    }
}

@Test func outputFileReplacesRegularFilesAtomically() throws {
    let dir = try folder()
    let path = dir + "/out.txt"
    try OutputFile.write("first\n", to: path)
    chmod(path, 0o640)
    try OutputFile.write("second\n", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    var st = stat()
    lstat(path, &st)
    #expect(st.st_mode & 0o777 == 0o640)
    // An abandoned write leaves the previous file and no temporary.
    let file = try OutputFile(path: path)
    try file.write("partial")
    file.discard()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
}

@Test func outputFileWritesThroughASymlink() throws {
    let dir = try folder()
    try "old".write(toFile: dir + "/target.txt", atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: dir + "/target.txt")
    try OutputFile.write("new", to: dir + "/link.txt")
    #expect(kind(dir + "/link.txt") == S_IFLNK)
    #expect(try String(contentsOfFile: dir + "/target.txt", encoding: .utf8) == "new")
    try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/nowhere/x")
    #expect(throws: OutputFileError.self) { try OutputFile.write("x", to: dir + "/dangling") }
    #expect(kind(dir + "/dangling") == S_IFLNK)
}

@Test func outputFileWritesThroughAFIFOAndALinkToIt() throws {
    let dir = try folder()
    let fifo = dir + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: fifo)
    for target in [fifo, dir + "/link"] {
        let reader = FIFOReader(fifo)
        try OutputFile.write("through \(target)\n", to: target)
        #expect(String(decoding: reader.wait(), as: UTF8.self) == "through \(target)\n")
        #expect(kind(fifo) == S_IFIFO)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link", "pipe"])
}

@Test func outputFileReportsMissingFoldersAndWriteErrorsInOneLine() throws {
    let dir = try folder()
    do {
        try OutputFile.write("x", to: dir + "/no/such/out.txt")
        Issue.record("expected an error")
    } catch let e as OutputFileError {
        #expect(e.description == "\(dir)/no/such/out.txt: the folder \(dir)/no/such does not exist")
    }
    #expect(throws: OutputFileError.self) { try OutputFile.write("x", to: dir) }
    // A FIFO whose reader went away: the write fails with a message (SIGPIPE ignored here, as the CLI does).
    let fifo = dir + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
    let reader = FIFOReader(fifo, closeAtOnce: true)
    let file = try OutputFile(path: fifo)
    _ = reader.wait()
    #expect(throws: OutputFileError.self) { try file.write(Data(repeating: 65, count: 1 << 20)) }
    file.discard()
}
