import Foundation
import Testing

private func kind(_ path: String) -> mode_t {
    var st = stat()
    _ = lstat(path, &st)
    return st.st_mode & S_IFMT
}

/// Reads a FIFO to its end on another thread (or closes it at once); `wait()` returns what was read.
private final class FIFODrain: @unchecked Sendable {
    let path: String
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    init(_ path: String, closeAtOnce: Bool = false) {
        self.path = path
        Thread.detachNewThread { [self] in
            let fd = open(path, O_RDONLY)
            if fd >= 0 {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while !closeAtOnce {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    data.append(contentsOf: buffer[..<n])
                }
                close(fd)
            }
            done.signal()
        }
    }
    func wait() -> String {
        if done.wait(timeout: .now() + 2) == .timedOut {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            done.wait()
        }
        return String(decoding: data, as: UTF8.self)
    }
}

private func stream(rows: Int) -> String {
    var lines = ["a,b,label"]
    for i in 0..<rows {
        let a = Double((i * 37) % 101) / 50 - 1, b = Double((i * 53) % 97) / 48 - 1
        lines.append("\(a),\(b),\(a + 0.5 * b > 0 ? 1 : 0)")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Test func streamOutWritesThroughASymlinkAndAFIFOAndNamesAMissingFolder() throws {
    let spec = try shortSpecFile()
    let dir = spec.deletingLastPathComponent().path
    try "old".write(toFile: dir + "/target.csv", atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: dir + "/target.csv")
    let viaLink = try CLIProcess.run(["stream", "--env", spec.path, "--out", dir + "/link.csv"])
    #expect(viaLink.status == 0)
    #expect(kind(dir + "/link.csv") == S_IFLNK)
    #expect(try String(contentsOfFile: dir + "/target.csv", encoding: .utf8).hasPrefix("x0,"))

    let fifo = dir + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    let drain = FIFODrain(fifo)
    let viaFIFO = try CLIProcess.run(["stream", "--env", spec.path, "--out", fifo])
    #expect(viaFIFO.status == 0)
    #expect(drain.wait().hasPrefix("x0,"))
    #expect(kind(fifo) == S_IFIFO)

    let missing = try CLIProcess.run(["stream", "--env", spec.path, "--out", dir + "/no/such/out.csv"])
    #expect(missing.status == 2)
    #expect(missing.stderr == "drifttune: error: \(dir)/no/such/out.csv: the folder \(dir)/no/such does not exist\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") } == [])
}

@Test func learnLogWritesThroughAFIFOAndReportsABrokenOne() throws {
    let data = try CLIProcess.temporaryFile(stream(rows: 1_200), name: "s.csv")
    let dir = data.deletingLastPathComponent().path
    let args = ["learn", "--policy", "periodic:2", "--data", data.path, "--label", "label", "--period", "200", "--warmup", "1"]
    let fifo = dir + "/log.fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let drain = FIFODrain(fifo)
    let ok = try CLIProcess.run(args + ["--log", fifo])
    #expect(ok.status == 0)
    #expect(drain.wait().split(separator: "\n").count == 5)
    #expect(kind(fifo) == S_IFIFO)

    // The reader goes away: a write error, reported, non-zero, no trap.
    let gone = FIFODrain(fifo, closeAtOnce: true)
    let broken = try CLIProcess.run(args + ["--log", fifo])
    _ = gone.wait()
    #expect(broken.status == 2)
    #expect(broken.stderr.hasPrefix("drifttune: error: \(fifo): cannot write"))

    let missing = try CLIProcess.run(args + ["--log", dir + "/no/such/log.jsonl"])
    #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
    // A failed run keeps the previous regular log whole.
    try "previous\n".write(toFile: dir + "/log.jsonl", atomically: false, encoding: .utf8)
    let failed = try CLIProcess.run(["learn", "--policy", "periodic:2", "--data", data.path, "--label", "label", "--period", "5000",
                                     "--log", dir + "/log.jsonl"])
    #expect(failed.status == 2)
    #expect(try String(contentsOfFile: dir + "/log.jsonl", encoding: .utf8) == "previous\n")
}

@Test func aFailedWriteToStandardOutputExitsNonZeroWithAMessage() throws {
    guard let exe = CLIProcess.executable else { Issue.record("no drifttune binary"); return }
    let file = try CLIProcess.temporaryFile("", name: "readonly.txt")
    let p = Process()
    p.executableURL = exe
    p.arguments = ["registry", "list", "--registry", file.deletingLastPathComponent().appendingPathComponent("r.sqlite").path]
    p.standardOutput = try FileHandle(forReadingFrom: file)  // writing to it fails (EBADF)
    let err = Pipe()
    p.standardError = err
    try p.run()
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(e.hasPrefix("drifttune: error: standard output: cannot write"))
}

@Test func anOutputFolderUnderAFileIsAOneLineMessage() throws {
    let file = try CLIProcess.temporaryFile("x", name: "plain.txt")
    let train = try CLIProcess.run(["train", "--env", "cartpole", "--steps", "64", "--out", file.path + "/run"])
    #expect(train.status == 2)
    #expect(train.stderr.hasPrefix("drifttune: error: \(file.path): ") && train.stderr.contains("exists and is not a folder"))
    #expect(!train.stderr.contains("NSCocoaErrorDomain"))
    let sweep = try CLIProcess.run(["sweep", repositoryRoot.appendingPathComponent("scenarios/quickstart.yaml").path, "--out", file.path + "/res", "--quiet"])
    #expect(sweep.status == 2)
    #expect(sweep.stderr.contains("\(file.path): exists and is not a folder") && !sweep.stderr.contains("NSCocoaErrorDomain"))
}
