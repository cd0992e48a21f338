import Foundation
import SafeFiles
import Linalg
import YAMLConfig

/// Everything needed to continue a training run bitwise exactly: config, weights, Adam moments,
/// observation statistics, random streams, counters and the environments' mid-episode state.
///
///     try trainer.checkpoint().write(to: url)
///     let resumed = try PPOTrainer(checkpoint: .read(from: url), environmentFactory: { _ in CartPole() })
public struct PPOCheckpoint: Codable, Sendable, Equatable {
    /// 2: snake_case keys (`SnakeCaseJSON`); 1 had camelCase keys.
    public static let formatVersion = 2
    public var formatVersion: Int
    public var config: PPOConfig
    public var seed: UInt64
    public var architecture: NetworkArchitecture
    public var parameters: [Float]
    public var optimizer: Adam
    public var normalizer: ObservationNormalizer
    public var actionSource: RandomSource
    public var minibatchSource: RandomSource
    public var iteration: Int
    public var globalStep: Int
    public var nextObservation: [Float]
    public var nextDone: [Float]
    public var environments: VectorEnvironmentState

    /// Writes the checkpoint as JSON (floats round-trip exactly).
    public func write(to url: URL) throws {
        try OutputFile.write(try SnakeCaseJSON.encoder().encode(self), to: url.path)
    }

    public static func read(from url: URL) throws -> PPOCheckpoint {
        let data = try Data(contentsOf: url)
        if TrainingCheckpoint.isCamelCase(data) {
            throw CheckpointError.unsupportedVersion(found: 1, supported: formatVersion)
        }
        let c = try SnakeCaseJSON.decoder().decode(PPOCheckpoint.self, from: data)
        guard c.formatVersion == formatVersion else {
            throw CheckpointError.unsupportedVersion(found: c.formatVersion, supported: formatVersion)
        }
        return c
    }
}

extension PPOTrainer {
    /// A snapshot of the run after `iteration` iterations.
    public func checkpoint() -> PPOCheckpoint {
        PPOCheckpoint(
            formatVersion: PPOCheckpoint.formatVersion, config: config, seed: seed, architecture: architecture,
            parameters: network.parameterVector, optimizer: optimizer, normalizer: normalizer,
            actionSource: actionSource, minibatchSource: minibatchSource, iteration: iteration, globalStep: globalStep,
            nextObservation: nextObservation, nextDone: nextDone, environments: environments.state)
    }

    /// Continues the run a checkpoint describes. Environments that are `Codable` resume mid-episode;
    /// others start new episodes (training then continues correctly but not bitwise as uninterrupted).
    public convenience init(checkpoint c: PPOCheckpoint, environmentFactory: @escaping (Int) -> Env) throws {
        self.init(config: c.config, environmentFactory: environmentFactory, seed: c.seed)
        guard c.architecture == architecture else {
            throw CheckpointError.mismatch(what: "network architecture", expected: "\(architecture)", found: "\(c.architecture)")
        }
        guard c.parameters.count == network.parameterCount else {
            throw CheckpointError.mismatch(what: "parameter count", expected: "\(network.parameterCount)", found: "\(c.parameters.count)")
        }
        network.parameterVector = c.parameters
        optimizer = c.optimizer
        normalizer = c.normalizer
        actionSource = c.actionSource
        minibatchSource = c.minibatchSource
        iteration = c.iteration
        globalStep = c.globalStep
        nextDone = c.nextDone
        if try environments.restore(c.environments) {
            nextObservation = c.nextObservation
        } else {
            nextObservation = config.normalizeObservations
                ? normalizer.normalized(environments.reset(), rows: config.numEnvs) : environments.reset()
            nextDone = [Float](repeating: 1, count: config.numEnvs)
        }
    }
}
