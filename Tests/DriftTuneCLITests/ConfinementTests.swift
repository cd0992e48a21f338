import Foundation
import Testing

private func folderWithSecret() throws -> URL {
    let dir = try CLIProcess.temporaryFile("root:SECRET-HASH:0:0\nline two SECRET2\n", name: "secret.txt").deletingLastPathComponent()
    try Data([0xFF, 0xFE, 0x20, 0x62, 0x61, 0x64]).write(to: dir.appendingPathComponent("bad.yaml"))
    try "a: [SECRET-1\nb: {SECRET-2\n".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
    return dir
}

@Test func aScenarioNameMustBeAPlainName() throws {
    let dir = try folderWithSecret()
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/quickstart.yaml"), encoding: .utf8)
        .replacingOccurrences(of: "name: quickstart", with: "name: ../../x")
    let file = dir.appendingPathComponent("escape.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let r = try CLIProcess.run(["sweep", file.path, "--environments", repositoryRoot.appendingPathComponent("environments").path, "--quiet"],
                               in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("drifttune: error: scenario name '../../x' is not a plain name"))
    #expect(!FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("x").path))
}

@Test func anEnvironmentNameInAScenarioMustBeAPlainNameAndNoFileIsEchoed() throws {
    let dir = try folderWithSecret()
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/quickstart.yaml"), encoding: .utf8)
        .replacingOccurrences(of: "- name: network-diagnosis", with: "- name: ../../../..\(dir.path)/secret")
    let file = dir.appendingPathComponent("s.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let r = try CLIProcess.run(["sweep", file.path, "--environments", repositoryRoot.appendingPathComponent("environments").path,
                                "--quiet", "--out", dir.appendingPathComponent("out").path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("is not a plain name") && !r.stderr.contains("SECRET"))
}

@Test func anyFileGivenAsASpecOrSettingsIsNeverEchoed() throws {
    let dir = try folderWithSecret()
    let secret = dir.appendingPathComponent("secret.txt").path
    let broken = dir.appendingPathComponent("broken.yaml").path
    for args in [["simulate", "--env", secret], ["simulate", "--env", broken],
                 ["train", "--env", "cartpole", "--config", secret, "--out", dir.appendingPathComponent("r1").path],
                 ["train", "--env", "cartpole", "--config", broken, "--out", dir.appendingPathComponent("r2").path],
                 ["sweep", secret], ["sweep", broken]] {
        let r = try CLIProcess.run(args)
        #expect(r.status == 2, "\(args)")
        #expect(!r.stderr.contains("SECRET"), "\(args): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
}

@Test func invalidUTF8InASpecSaysSo() throws {
    let dir = try folderWithSecret()
    let bad = dir.appendingPathComponent("bad.yaml").path
    for args in [["simulate", "--env", bad], ["train", "--env", "cartpole", "--config", bad, "--out", dir.appendingPathComponent("r").path],
                 ["sweep", bad]] {
        let r = try CLIProcess.run(args)
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(bad): not valid UTF-8 text"), "\(args): \(r.stderr)")
        #expect(!r.stderr.contains("not found"))
    }
}
