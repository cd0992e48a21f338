import Foundation
import PolicyRuntime
import Testing
import YAMLConfig
@testable import Simulation

/// Writes `text` to a fresh temporary `.yaml` file and returns its path.
private func temporarySpec(_ text: String, name: String = "bad-spec.yaml") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-spec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// The shipped network-diagnosis spec with `old` replaced by `new` (which must occur once).
private func edited(_ old: String, _ new: String) throws -> (text: String, line: Int) {
    let text = try String(contentsOfFile: environmentsDirectory + "/network-diagnosis.yaml", encoding: .utf8)
    let parts = text.components(separatedBy: old)
    #expect(parts.count == 2, "'\(old)' must occur exactly once")
    let line = parts[0].filter { $0 == "\n" }.count + 1
    return (parts.joined(separator: new), line)
}

/// Loads the edited spec from a file and returns the error's message (failing if it loads).
private func loadError(_ old: String, _ new: String) throws -> (message: String, path: String, line: Int, error: ConfigError?) {
    let (text, line) = try edited(old, new)
    let path = try temporarySpec(text)
    do {
        _ = try EnvironmentSpec.load(file: path)
        Issue.record("the spec loaded; expected an error")
        return ("", path, line, nil)
    } catch let e as ConfigError {
        return (e.description, path, line, e)
    }
}

@Test func shippedSpecsLoad() throws {
    for name in ["network-diagnosis", "intent-recognition", "recommendation"] {
        let spec = try loadSpec(name)
        #expect(spec.name == name)
        #expect(!spec.drift.isEmpty)
        try spec.validate()
        _ = try TuningEnvironment(spec: spec, components: .standard)
    }
}

@Test func unknownKeyNamesFileLineColumnAndKey() throws {
    let r = try loadError("  noise: 0.01", "  noise: 0.01\n  nosie: 0.02")
    #expect(r.message.hasPrefix("\(r.path):\(r.line + 1):3: unknown key 'labels.nosie'"), "\(r.message)")
    #expect(r.message.contains("expected one of: delay, noise"))
}

@Test func wrongTypeNamesFileLineColumnAndField() throws {
    let r = try loadError("period_length: 1000", "period_length: lots")
    #expect(r.message.hasPrefix("\(r.path):\(r.line):16: 'period_length' has the wrong type (string 'lots')"), "\(r.message)")
    #expect(r.message.contains("expected an integer"))
}

@Test func outOfRangeNamesFileLineColumnAndField() throws {
    let r = try loadError("    strength: 0.9", "    strength: 1.5")
    #expect(r.message.hasPrefix("\(r.path):\(r.line):15: 'drift[0].strength' is 1.5, out of range"), "\(r.message)")
    #expect(r.message.contains("expected a number in 0...1"))
}

@Test func outOfRangeEnumerationListsTheChoices() throws {
    let r = try loadError("    kind: gradual", "    kind: sideways")
    #expect(r.message.hasPrefix("\(r.path):\(r.line):11: 'drift[0].kind' is 'sideways', out of range"), "\(r.message)")
    #expect(r.message.contains("sudden, gradual, incremental, recurring"))
}

@Test func unknownLearnerModelIsRejectedAtLoad() throws {
    let r = try loadError("  model: logistic", "  model: forest")
    #expect(r.message.hasPrefix("\(r.path):\(r.line):10: 'learner.model' is 'forest'"), "\(r.message)")
}

@Test func missingKeyNamesTheMapping() throws {
    let r = try loadError("  window: 3000\n", "")
    #expect(r.message.contains("missing required key 'learner.window'"), "\(r.message)")
    #expect(r.message.hasPrefix("\(r.path):"))
}

@Test func missingFileNamesThePath() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).yaml").path
    #expect(throws: ConfigError.fileNotFound(path: path, expected: EnvironmentSpec.expectedFile)) { try EnvironmentSpec.load(file: path) }
    #expect(ConfigError.fileNotFound(path: path, expected: EnvironmentSpec.expectedFile).description.hasPrefix("\(path): file not found"))
    // By name, through the catalog: the message says where it looked.
    let catalog = EnvironmentCatalog(directory: environmentsDirectory)
    do {
        _ = try catalog.load("no-such-environment")
        Issue.record("expected an error")
    } catch let e as ConfigError {
        #expect(e.description.contains("'no-such-environment' not found"))
        #expect(e.description.contains(environmentsDirectory))
    }
}

@Test func yamlSyntaxErrorHasAPosition() throws {
    let (text, _) = try edited("metric: accuracy", "metric: [accuracy")
    let path = try temporarySpec(text)
    #expect(throws: ConfigError.self) { try EnvironmentSpec.load(file: path) }
    do { _ = try EnvironmentSpec.load(file: path) } catch {
        #expect(String(describing: error).hasPrefix("\(path):"))
    }
}

@Test func catalogListsAndResolvesPaths() throws {
    let catalog = EnvironmentCatalog(directory: environmentsDirectory)
    #expect(catalog.names() == ["intent-recognition", "network-diagnosis", "recommendation"])
    let path = environmentsDirectory + "/recommendation.yaml"
    #expect(try catalog.load(path).name == "recommendation")
    let yml = try temporarySpec(try String(contentsOfFile: path, encoding: .utf8), name: "copy.yml")
    #expect(try catalog.load(yml).name == "recommendation")
    #expect(throws: ConfigError.fileNotFound(path: "./nowhere", expected: EnvironmentSpec.expectedFile)) { try catalog.load("./nowhere") }
}

@Test func validateRejectsBadOverrides() throws {
    var spec = try loadSpec("network-diagnosis")
    spec.labels.delay = spec.periodLength
    #expect(throws: ConfigError.self) { try TuningEnvironment(spec: spec, components: .standard) }
}

@Test func duplicateKeyIsRefusedWithFileLineAndKey() throws {
    let r = try loadError("  noise: 0.01", "  noise: 0.01\n  noise: 0.02")
    #expect(r.message.hasPrefix("\(r.path):\(r.line):3: duplicate key 'noise' (again at line \(r.line + 1))"), "\(r.message)")
}

@Test func specErrorMessageSaysWhereWhatAndExpected() throws {
    let r = try loadError("  batch_size: 32", "  batch_size: 0")
    #expect(r.error == .outOfRange(file: r.path, line: r.line, column: 15, field: "learner.batch_size", value: "0",
                                   expected: "an integer in 1...65536"))
    #expect(r.message == "\(r.path):\(r.line):15: 'learner.batch_size' is 0, out of range; expected an integer in 1...65536")
}

/// An expert pool learns online and replaces the shadow learners: a spec that asks for it with
/// deployed updates or with shadows is refused on the `experts` line; a decay or a tolerance outside
/// [0, 1] on its own.
@Test func anExpertPoolThatCannotRunIsRefusedOnItsLine() throws {
    let deployed = try loadError("  window: 3000\n", "  window: 3000\n  updates: deployed\n  experts: true\n")
    #expect(deployed.message.hasPrefix("\(deployed.path):\(deployed.line + 2):"), "\(deployed.message)")
    #expect(deployed.message.contains("an expert pool learns online"))
    let shadowed = try loadError("  window: 3000\n", "  window: 3000\n  shadow_learners: true\n  experts: true\n")
    #expect(shadowed.message.contains("an expert pool replaces the shadow learners"), "\(shadowed.message)")
    let decay = try loadError("  window: 3000\n", "  window: 3000\n  experts: true\n  expert_decay: 1.5\n")
    #expect(decay.message.contains("'learner.expert_decay' is 1.5, out of range"), "\(decay.message)")
    let tolerance = try loadError("  window: 3000\n", "  window: 3000\n  experts: true\n  expert_tolerance: -0.01\n")
    #expect(tolerance.message.hasPrefix("\(tolerance.path):\(tolerance.line + 2):"), "\(tolerance.message)")
    #expect(tolerance.message.contains("'learner.expert_tolerance' is -0.01, out of range"), "\(tolerance.message)")
    let halfLife = try loadError("  window: 3000\n", "  window: 3000\n  experts: true\n  expert_half_life: -1\n")
    #expect(halfLife.message.hasPrefix("\(halfLife.path):\(halfLife.line + 2):"), "\(halfLife.message)")
    #expect(halfLife.message.contains("'learner.expert_half_life' is -1, out of range"), "\(halfLife.message)")
    let unpooled = try loadError("  window: 3000\n", "  window: 3000\n  expert_half_life: 1000\n")
    #expect(unpooled.message.hasPrefix("\(unpooled.path):\(unpooled.line + 1):"), "\(unpooled.message)")
    #expect(unpooled.message.contains("set experts: true too"), "\(unpooled.message)")
    // The loop a pool spec derives reads schema v4, and a policy file's loop refuses the same combination.
    var spec = try EnvironmentCatalog(directory: environmentsDirectory).load("network-diagnosis")
    spec.learner.experts = true
    #expect(spec.loopSettings.observationSchema == .v4)
    var loop = spec.loopSettings
    loop.updates = .deployed
    let json = try JSONEncoder().encode(loop)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(LoopSettings.self, from: json) }
}
