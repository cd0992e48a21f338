import DriftTuneCLI
import Foundation
import PolicyRuntime
import Simulation
import Testing

/// `learn --policy general`: the learner model picks the file, the folder is found, a missing file
/// is a clear error. Every file is written inside a temporary folder.
@Suite struct GeneralPolicyTests {
    /// A temporary folder holding `results/general/` with the given policy files (random weights,
    /// the shipped specs' loops with a tag in the window so the test can tell which was loaded).
    static func folder(with models: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-general-\(UUID().uuidString)")
        let general = root.appendingPathComponent("results/general")
        try FileManager.default.createDirectory(at: general, withIntermediateDirectories: true)
        for model in models {
            var spec = try ContractParityTests.spec(model == "softmax" ? "intent-recognition" : "network-diagnosis")
            spec.learner.model = model
            spec.learner.window = model == "softmax" ? 2_222 : 1_111
            spec.learner.standardize = true
            try PolicyFile.write(ContractParityTests.randomPolicy(spec: spec, seed: 3), to: general.appendingPathComponent("\(model).policy").path)
        }
        return root
    }

    @Test func generalResolvesTheModelFromClassesAndModel() throws {
        #expect(try GeneralPolicy.model(explicit: nil, classes: nil) == "logistic")
        #expect(try GeneralPolicy.model(explicit: nil, classes: 2) == "logistic")
        #expect(try GeneralPolicy.model(explicit: nil, classes: 5) == "softmax")
        #expect(try GeneralPolicy.model(explicit: "softmax", classes: nil) == "softmax")
        #expect(try GeneralPolicy.model(explicit: "mlp", classes: nil) == "mlp")
        #expect(try GeneralPolicy.model(explicit: "fm", classes: 2) == "fm")
        #expect(throws: UserError.self) { try GeneralPolicy.model(explicit: "tree", classes: nil) }
    }

    @Test func generalFindsResultsGeneralAboveTheCurrentDirectory() throws {
        let root = try Self.folder(with: ["logistic"])
        let nested = root.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let found = try GeneralPolicy.path(model: "logistic", environment: [:], currentDirectory: nested.path)
        #expect(URL(fileURLWithPath: found).standardizedFileURL.path
                == root.appendingPathComponent("results/general/logistic.policy").standardizedFileURL.path)
        // The environment variable wins over the search.
        let viaVariable = try GeneralPolicy.path(model: "logistic", environment: ["DRIFTTUNE_GENERAL_POLICIES": root.appendingPathComponent("results/general").path],
                                                 currentDirectory: "/")
        #expect(viaVariable.hasSuffix("results/general/logistic.policy"))
        // A missing file names the file and the folder it looked in.
        do {
            _ = try GeneralPolicy.path(model: "softmax", environment: [:], currentDirectory: nested.path)
            Issue.record("a missing softmax.policy was not reported")
        } catch let e as UserError {
            #expect(e.description.contains("no softmax.policy"))
            #expect(e.description.contains("results/general"))
        }
        // With no results/general/ anywhere above (here: from the file system's root), the message
        // says so instead of naming a folder that does not exist.
        do {
            _ = try GeneralPolicy.path(model: "logistic", environment: [:], currentDirectory: "/")
            Issue.record("a missing results/general/ was not reported")
        } catch let e as UserError {
            #expect(e.description.contains("results/general/ of / or any folder above it (there is none)"))
        }
    }

    @Test func learnSetupLoadsTheGeneralPolicyOfTheLearnerModel() throws {
        let root = try Self.folder(with: ["logistic", "softmax"])
        let dir = root.appendingPathComponent("results/general").path
        let binary = try LearnSetup.make(policy: "general", registry: "unused.sqlite", generalDirectory: dir)
        #expect(binary.run.settings.model == "logistic")
        #expect(binary.run.settings.window == 1_111)
        let multiclass = try LearnSetup.make(policy: "general", registry: "unused.sqlite", classes: 5, generalDirectory: dir)
        #expect(multiclass.run.settings.model == "softmax")
        #expect(multiclass.run.settings.window == 2_222)
        let explicit = try LearnSetup.make(policy: "general", registry: "unused.sqlite", model: "softmax", generalDirectory: dir)
        #expect(explicit.run.settings.window == 2_222)
    }

    /// The FM's general policy was trained on the binary family, whose metric is accuracy: `learn`
    /// computes the metric the file's loop records, not the FM's own default (AUC), so the
    /// observation's metric features are the ones the policy was trained on. `--metric` still wins.
    @Test func learnComputesTheMetricThePolicyWasTrainedWith() throws {
        let root = try Self.folder(with: ["fm"])
        let dir = root.appendingPathComponent("results/general").path
        let fm = try LearnSetup.make(policy: "general", registry: "unused.sqlite", model: "fm", generalDirectory: dir)
        #expect(fm.run.settings.model == "fm" && fm.run.settings.metric == "accuracy" && fm.run.metric == .accuracy)
        let asked = try LearnSetup.make(policy: "general", registry: "unused.sqlite", model: "fm", metric: "auc", generalDirectory: dir)
        #expect(asked.run.metric == .auc)
        // Without a policy file or spec, the FM's default stays AUC.
        #expect(try LearnSetup.make(policy: "fixed", registry: "unused.sqlite", model: "fm").run.metric == .auc)
    }

    @Test func learnGeneralRunsTheShippedFileOrSaysItIsMissing() throws {
        let root = try Self.folder(with: ["logistic"])
        var lines = ["a,b,label"]
        for i in 0..<1_200 {
            let a = Double((i * 37) % 101) / 50 - 1, b = Double((i * 53) % 97) / 48 - 1
            lines.append("\(a),\(b),\(a + 0.5 * b > 0 ? 1 : 0)")
        }
        let data = root.appendingPathComponent("s.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let ok = try CLIProcess.run(["learn", "--policy", "general", "--data", data.path, "--label", "label", "--period", "200",
                                     "--warmup", "1", "--json"], in: root)
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"model\":\"logistic\""))
        let missing = try CLIProcess.run(["learn", "--policy", "general", "--classes", "3", "--data", data.path, "--label", "label"], in: root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no softmax.policy"))
    }
}
