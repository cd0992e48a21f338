import DriftDetection
import Foundation
import Linalg
import Testing
@testable import DriftTuneCLI

/// A stream with a mean shift at 1,000 of 2,000 values.
private let shifted: [Double] = {
    var rng = RandomSource(seed: 5)
    return (0..<2000).map { ($0 < 1000 ? 0 : 1) + 0.5 * rng.nextGaussian() }
}()

@Test func detectionsAreTheDetectorsOwn() throws {
    var d: any DriftDetector = try DetectorRegistry.make(name: "adwin", parameters: [:])
    let indices = DetectionRun.detections(of: &d, in: shifted)
    var reference = ADWIN()
    let expected = shifted.indices.filter { reference.update(shifted[$0]) }
    #expect(indices == expected)
    #expect(indices.count >= 1 && indices[0] > 1000 && indices[0] < 1100)
}

@Test func detectPrintsIndicesAndJSON() throws {
    let file = try CLIProcess.temporaryFile(shifted.map { "\($0)" }.joined(separator: "\n"))
    let plain = try CLIProcess.run(["detect", "--detector", "page-hinkley", "--param", "threshold=20", file.path])
    #expect(plain.status == 0)
    var ph = PageHinkley(threshold: 20)
    let expected = shifted.indices.filter { ph.update(shifted[$0]) }
    #expect(!expected.isEmpty)
    #expect(plain.stdout == expected.map { "\($0)\n" }.joined())

    let json = try CLIProcess.run(["detect", "--detector", "page-hinkley", "--param", "threshold=20", "--json", file.path])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect(object?["detections"] as? [Int] == expected)
    #expect(object?["count"] as? Int == 2000)
    #expect(object?["detector"] as? String == "page-hinkley")
}

@Test func detectReadsStandardInputAndCSVColumns() throws {
    let csv = "t,err\n" + shifted.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: "\n")
    let fromColumn = try CLIProcess.run(["detect", "--detector", "adwin", "--column", "err", "-"], stdin: csv)
    let fromLines = try CLIProcess.run(["detect", "--detector", "adwin"], stdin: shifted.map { "\($0)" }.joined(separator: "\n"))
    #expect(fromColumn.status == 0 && fromLines.status == 0)
    #expect(fromColumn.stdout == fromLines.stdout)
    #expect(!fromLines.stdout.isEmpty)
}

@Test(arguments: [
    (["detect", "--detector", "adwin"], "1\n2\nx1\n", "<stdin>:3: expected a number, found \"x1\""),
    (["detect", "--detector", "nope"], "1\n", "unknown detector 'nope'"),
    (["detect", "--detector", "adwin", "--param", "clocks=3"], "1\n", "unknown parameter 'clocks'"),
    (["detect", "--detector", "adwin", "--param", "delta=2"], "1\n", "invalid value '2' for parameter 'delta'"),
    (["detect", "--detector", "ddm"], "", "<stdin>: no values"),
])
func badInputIsOneLineAndExitStatus2(arguments: [String], stdin: String, message: String) throws {
    let r = try CLIProcess.run(arguments, stdin: stdin)
    #expect(r.status == 2)
    #expect(r.stderr.contains(message))
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(r.stdout.isEmpty)
}
