import Foundation
import Testing
@testable import DriftTuneCLI

@Test func envsListNamesEveryEnvironment() throws {
    let r = try CLIProcess.run(["envs", "list"], in: repositoryRoot)
    #expect(r.status == 0, "\(r.stderr)")
    for name in ["network-diagnosis", "intent-recognition", "recommendation"] { #expect(r.stdout.contains(name)) }
    #expect(r.stdout.split(separator: "\n").count == 3)
}

@Test func envsFindsTheDirectoryFromASubdirectoryOrAnOption() throws {
    let sub = try CLIProcess.run(["envs", "list"], in: repositoryRoot.appendingPathComponent("Sources"))
    #expect(sub.status == 0 && sub.stdout.contains("recommendation"))
    let elsewhere = FileManager.default.temporaryDirectory
    let explicit = try CLIProcess.run(["envs", "list", "--environments", repositoryRoot.appendingPathComponent("environments").path],
                                      in: elsewhere)
    #expect(explicit.status == 0 && explicit.stdout.contains("intent-recognition"))
}

@Test func envsReportsAMissingDirectoryInOneLine() throws {
    let r = try CLIProcess.run(["envs", "list", "--environments", "/no/such/dir"], in: repositoryRoot)
    #expect(r.status == 2)
    #expect(r.stderr == "drifttune: error: --environments /no/such/dir: directory not found\n")
    let none = try CLIProcess.run(["envs", "list"], in: URL(fileURLWithPath: "/"))
    #expect(none.status == 2)
    #expect(none.stderr.hasPrefix("drifttune: error: no environments/ directory found"), "\(none.stderr)")
}

@Test func envsDescribeShowsFeaturesDriftAndSchemas() throws {
    let r = try CLIProcess.run(["envs", "describe", "network-diagnosis"], in: repositoryRoot)
    #expect(r.status == 0, "\(r.stderr)")
    for text in ["features:", "rx_power", "firmware-rollout: gradual decision_boundary", "drift events:",
                 "observation schema v1 (18 features)", "episode_progress", "action schema", "retrain: none, fine_tune, full_retrain"] {
        #expect(r.stdout.contains(text), "missing \(text)")
    }
}

@Test func envsDescribeRejectsUnknownNamesAndBadSpecs() throws {
    let unknown = try CLIProcess.run(["envs", "describe", "weather"], in: repositoryRoot)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("environment 'weather' not found; expected weather.yaml in one of:"))
    let bad = try shortSpecFile(replacing: "  noise: 0.01", with: "  noise: 0.9")
    let r = try CLIProcess.run(["envs", "describe", bad.path], in: repositoryRoot)
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("drifttune: error: \(bad.path):"), "\(r.stderr)")
    #expect(r.stderr.contains("'labels.noise' is 0.9, out of range"))
    #expect(r.stdout.isEmpty)
}

@Test func envsListAndDescribePrintJSON() throws {
    let list = try CLIProcess.run(["envs", "list", "--json"], in: repositoryRoot)
    #expect(list.status == 0, "\(list.stderr)")
    let specs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(specs.compactMap { $0["name"] as? String } == ["intent-recognition", "network-diagnosis", "recommendation"])
    #expect(specs[0]["episode_length"] is Int && specs[0]["drift_events"] is Int)
    let one = try CLIProcess.run(["envs", "describe", "network-diagnosis", "--json"], in: repositoryRoot)
    #expect(one.status == 0, "\(one.stderr)")
    let spec = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
    let actions = try #require(spec["actions"] as? [String: Any])
    #expect((actions["batch_sizes"] as? [Int]) == [8, 32, 128, 512])
    let loop = try #require(spec["loop"] as? [String: Any])
    #expect(loop["period_length"] as? Int == 1000 && loop["model"] as? String == "logistic")
    #expect((spec["observation_schema"] as? [String: Any]) != nil && (spec["drift"] as? [Any])?.isEmpty == false)
    #expect(allKeys(spec).allSatisfy { $0 == $0.lowercased() }, "\(allKeys(spec).filter { $0 != $0.lowercased() })")
}
