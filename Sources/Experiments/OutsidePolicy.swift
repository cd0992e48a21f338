import Foundation
import Linalg
import PolicyRuntime
import Simulation

/// A policy file from outside the sweep (scenario method `policy:PATH`): any DriftTune policy
/// (`docs/policy-format.md`) — trained elsewhere, converted from another trainer, or exported by an
/// earlier sweep — evaluated on the held-out seeds beside the built-in methods, through the same
/// `TunedPolicy` that `drifttune learn` runs.
///
/// The path is relative to the scenario file. The scenario reader loads and checks the file once
/// (format, digest, observation schema, the action bins of every environment), so a bad file is a
/// scenario error naming the file; runs are identified by the file's SHA-256, so a changed file is
/// evaluated again rather than resumed.
public struct OutsidePolicy: Sendable {
    /// How a scenario names such a method.
    public static let prefix = "policy:"

    /// The path as the scenario writes it.
    public var name: String
    /// The path the file was read from.
    public var resolvedPath: String
    /// SHA-256 of the file's bytes.
    public var digest: String
    public var document: PolicyDocument

    /// Reads and validates the policy file `name`, relative to `scenarioFile`'s folder unless absolute.
    /// - Throws: a message naming the file (`PolicyFileError`'s description or why it cannot be read).
    public static func load(_ name: String, scenarioFile: String) throws -> OutsidePolicy {
        let dir = (scenarioFile as NSString).deletingLastPathComponent
        let path = name.hasPrefix("/") || dir.isEmpty ? name : (dir as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw OutsidePolicyError("policy file \(path): \(why)")
        }
        let document = try PolicyFile.decode(data, file: path)
        // The simulator produces the schema of the file's own loop: v2 (shadow learners on) or v1.
        let schema = document.observationSchema, current = document.loop?.observationSchema ?? .v1
        if schema.version != current.version || schema.features.map(\.name) != current.names {
            throw OutsidePolicyError("policy file \(path): observation schema version \(schema.version) with "
                                     + "\(schema.features.count) features; its loop makes the simulator produce version \(current.version) "
                                     + "with \(current.names.count) (\(current.names.prefix(3).joined(separator: ", ")), …)")
        }
        return OutsidePolicy(name: name, resolvedPath: path, digest: SHA256.hex(of: [UInt8](data)), document: document)
    }

    /// Refuses a policy whose action bins are not `spec`'s (the simulator runs a policy in its own
    /// environment's bins, as `drifttune simulate` does).
    public func check(against spec: EnvironmentSpec, label: String) throws {
        guard document.actions == spec.actionBins else {
            throw OutsidePolicyError("policy file \(resolvedPath): its action bins differ from environment '\(label)' "
                                     + "(\(spec.name)); a policy runs in the bins of the environment it was made for")
        }
    }

    /// The policy under its method name in tables.
    func policy() -> any TuningPolicy {
        NamedPolicy(name: Method.policyFile(name).description, inner: TunedPolicy(document: document))
    }
}

/// Why a `policy:PATH` file cannot be evaluated.
public struct OutsidePolicyError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Plays a `policy:PATH` method: no training; the scenario holds the loaded file.
struct OutsidePolicyProvider: MethodProvider {
    var path: String

    func train(environment: ScenarioEnvironment, scenario: Scenario, rng: RandomSource) throws -> TrainingRecord? { nil }

    func policy(training: TrainingRecord?, spec: EnvironmentSpec) throws -> any TuningPolicy {
        throw SweepError.missingTraining(method: Method.policyFile(path).description, environment: spec.name)
    }

    func episode(training: TrainingRecord?, environment: ScenarioEnvironment, scenario: Scenario,
                 seed: UInt64) throws -> EpisodeResult {
        guard let outside = scenario.outsidePolicies[path] else {
            throw SweepError.missingTraining(method: Method.policyFile(path).description, environment: environment.label)
        }
        var spec = environment.spec  // with shadow learners when the file's loop runs them
        spec.learner.shadowLearners = spec.learner.shadowLearners || outside.document.loop?.shadowLearners == true
        spec.learner.experts = spec.learner.experts || outside.document.loop?.experts == true
        if let loop = outside.document.loop, loop.experts { spec.learner.adoptExpertScoring(of: loop) }
        var tuning = try TuningEnvironment(spec: spec, components: .standard)
        return tuning.runEpisode(policy: AnyPolicy(outside.policy()), seed: seed)
    }
}
