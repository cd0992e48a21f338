import ArgumentParser
import Experiments
import Foundation
import PolicyGradient
import PolicyRuntime
import Simulation

/// `drifttune export`: a training checkpoint → the policy file a production learner loads.
public struct ExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trained policy to a versioned policy file (docs/policy-format.md).",
        discussion: """
            The file holds the observation schema, frozen normalization statistics, the environment's \
            action bins and learner loop, the actor network, and provenance: environment, algorithm, \
            seed, git commit, tool version and a greedy evaluation on the run's evaluation seeds.
            """)

    @Argument(help: "A checkpoint.json written by `drifttune train`, or its run directory.") var checkpoint: String
    @Option(help: "Output policy file.") var out: String
    @Option(help: "Environment (default: the one the checkpoint was trained on).") var env: String?
    @Option(help: "Scenario name recorded in the provenance.") var scenario = ""
    @Flag(help: "Skip the evaluation recorded in the provenance.") var noEvaluation = false
    @Flag(help: "Print one JSON object (file, environment, SHA-256, provenance).") var json = false
    @OptionGroup var location: EnvironmentOptions

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            var saved = try TrainingCheckpoint.read(fileOrRunDirectory: checkpoint)
            saved.trainer.config.environmentWorkers = ProcessInfo.processInfo.activeProcessorCount
            let base = try TuningEnvironment(spec: location.catalog().load(env ?? saved.environment), components: .standard)
            var provenance = PolicyDocument.Provenance(
                environment: base.spec.name, scenario: scenario, algorithm: saved.settings.config.algorithm.rawValue,
                seeds: [saved.trainer.seed], gitCommit: Manifest.gitCommit(), toolVersion: DriftTuneVersion.current)
            if !noEvaluation {
                let seeds = saved.settings.evaluationSeeds
                let result = try PPOTrainer(checkpoint: saved.trainer, environmentFactory: { _ in TuningEnvironmentAdapter(base) })
                    .evaluate(seeds: seeds)
                provenance.evaluationMeanReward = result.meanReturn
                provenance.evaluationStdReward = result.stdReturn
                provenance.evaluationEpisodes = seeds.count
            }
            let document = try PolicyExport.document(checkpoint: saved, spec: base.spec, provenance: provenance)
            try PolicyFile.write(document, to: out)
            let digest = SHA256.hex(of: try PolicyFile.encode(document))
            if json {
                try emit(try SimulationOutput.json(ExportJSON(file: out, environment: base.spec.name, sha256: digest,
                                                           evaluationMeanReward: provenance.evaluationMeanReward,
                                                           evaluationStdReward: provenance.evaluationStdReward,
                                                           evaluationEpisodes: provenance.evaluationEpisodes)))
            } else {
                try emit("wrote \(out): \(base.spec.name) policy, sha256 \(digest.prefix(16))…"
                      + (provenance.evaluationMeanReward.map { String(format: ", evaluation mean reward %.4f", $0) } ?? ""))
            }
        }
    }
}

/// What `export --json` prints.
struct ExportJSON: Encodable {
    var file: String
    var environment: String
    var sha256: String
    var evaluationMeanReward: Double?
    var evaluationStdReward: Double?
    var evaluationEpisodes: Int?
}
