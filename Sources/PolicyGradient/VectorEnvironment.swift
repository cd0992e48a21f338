import Foundation
import Linalg

/// What `VectorEnvironment.step` returns for N environments.
public struct VectorStep: Sendable {
    /// `N × observationSize` observations; for environments whose episode ended, the first
    /// observation of the next episode (auto-reset).
    public var observations: [Float]
    public var rewards: [Double]
    public var terminated: [Bool]
    public var truncated: [Bool]
    /// The last observation of each episode that ended this step (nil where none ended).
    public var finalObservations: [[Float]?]
    /// (return, length) of each episode that ended this step, in environment order.
    public var finishedEpisodes: [(episodeReturn: Double, length: Int)]
}

/// N copies of an environment stepped together, auto-resetting finished episodes.
///
/// Each environment owns a reset-seed stream split from the run's seed by its index, so the
/// episodes it plays depend only on (seed, index, actions) — stepping serially or on `workers`
/// threads gives bitwise identical results.
public struct VectorEnvironment<Env: RLEnvironment> {
    public private(set) var environments: [Env]
    /// Per-environment generators of reset seeds.
    public private(set) var resetSources: [RandomSource]
    public private(set) var episodeReturns: [Double]
    public private(set) var episodeLengths: [Int]
    /// Threads used to step environments (1: serial on the caller's thread).
    public var workers: Int

    public init(count: Int, seed: RandomSource, workers: Int = 1, factory: (Int) -> Env) {
        precondition(count > 0, "a vector environment needs at least one environment")
        environments = (0..<count).map(factory)
        resetSources = (0..<count).map { seed.split(UInt64($0)) }
        episodeReturns = [Double](repeating: 0, count: count)
        episodeLengths = [Int](repeating: 0, count: count)
        self.workers = max(1, workers)
    }

    public var count: Int { environments.count }
    public var observationSize: Int { environments[0].observationSize }
    public var actionSizes: [Int] { environments[0].actionSizes }

    /// Resets every environment; returns `N × observationSize` observations.
    public mutating func reset() -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(count * observationSize)
        for i in 0..<count {
            out += environments[i].reset(seed: resetSources[i].next())
            episodeReturns[i] = 0
            episodeLengths[i] = 0
        }
        return out
    }

    /// Steps every environment with its action (`N × actionSizes.count` indices, row-major).
    public mutating func step(_ actions: [Int32]) -> VectorStep {
        let n = count, d = observationSize, heads = actionSizes.count
        precondition(actions.count == n * heads, "expected \(n * heads) action indices, got \(actions.count)")
        typealias Outcome = (observation: [Float], reward: Double, done: Bool, truncated: Bool, final: [Float]?)
        var outcomes = [Outcome](repeating: ([], 0, false, false, nil), count: n)
        let w = min(workers, n)
        environments.withUnsafeMutableBufferPointer { envs in
            resetSources.withUnsafeMutableBufferPointer { sources in
                outcomes.withUnsafeMutableBufferPointer { out in
                    // Index i touches only environment i and slot i of `sources` and `out`.
                    Parallel.forEach(n, workers: w) { i in
                        let action = (0..<heads).map { Int(actions[i * heads + $0]) }
                        let s = envs[i].step(action)
                        var o: Outcome = (s.observation, s.reward, s.done, s.truncated, nil)
                        if s.done || s.truncated {
                            o.final = s.observation
                            o.observation = envs[i].reset(seed: sources[i].next())
                        }
                        out[i] = o
                    }
                }
            }
        }
        var result = VectorStep(
            observations: [], rewards: [], terminated: [], truncated: [], finalObservations: [], finishedEpisodes: [])
        result.observations.reserveCapacity(n * d)
        for i in 0..<n {
            let o = outcomes[i]
            precondition(o.observation.count == d, "environment \(i) returned \(o.observation.count) observation values, expected \(d)")
            result.observations += o.observation
            result.rewards.append(o.reward)
            result.terminated.append(o.done)
            result.truncated.append(o.truncated)
            result.finalObservations.append(o.final)
            episodeReturns[i] += o.reward
            episodeLengths[i] += 1
            if o.final != nil {
                result.finishedEpisodes.append((episodeReturns[i], episodeLengths[i]))
                episodeReturns[i] = 0
                episodeLengths[i] = 0
            }
        }
        return result
    }
}

/// The part of a `VectorEnvironment` a checkpoint needs to continue exactly where it stopped.
public struct VectorEnvironmentState: Codable, Sendable, Equatable {
    public var resetSources: [RandomSource]
    public var episodeReturns: [Double]
    public var episodeLengths: [Int]
    /// JSON of the environments when `Env` is `Codable`; nil otherwise.
    public var environments: Data?
    /// Each environment's `savedState()` when `Env` is a `RestorableEnvironment`; nil otherwise.
    public var savedStates: [Data]?
}

extension VectorEnvironment {
    /// A snapshot for checkpoints.
    public var state: VectorEnvironmentState {
        var data: Data?
        var saved: [Data]?
        if Env.self is any RestorableEnvironment.Type {
            saved = try? environments.map { try ($0 as! any RestorableEnvironment).savedState() }
        } else if let encodable = environments as? any Encodable {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]    // byte-stable snapshots
            data = try? encoder.encode(encodable)
        }
        return VectorEnvironmentState(resetSources: resetSources, episodeReturns: episodeReturns,
                                      episodeLengths: episodeLengths, environments: data, savedStates: saved)
    }

    /// Restores a snapshot taken from a vector environment of the same size.
    /// - Returns: false when the environments themselves could not be restored (neither `Codable`
    ///   nor `RestorableEnvironment`, or absent from the snapshot); the caller must then reset them.
    public mutating func restore(_ s: VectorEnvironmentState) throws -> Bool {
        guard s.resetSources.count == count else {
            throw CheckpointError.mismatch(what: "environment count", expected: "\(count)", found: "\(s.resetSources.count)")
        }
        resetSources = s.resetSources
        episodeReturns = s.episodeReturns
        episodeLengths = s.episodeLengths
        if let saved = s.savedStates, Env.self is any RestorableEnvironment.Type {
            guard saved.count == count else {
                throw CheckpointError.mismatch(what: "saved environment states", expected: "\(count)", found: "\(saved.count)")
            }
            for i in 0..<count {
                var e = environments[i] as! any RestorableEnvironment
                try e.restore(from: saved[i])
                environments[i] = e as! Env
            }
            return true
        }
        guard let data = s.environments, let type = [Env].self as? any Decodable.Type else { return false }
        guard let envs = try JSONDecoder().decode(type, from: data) as? [Env], envs.count == count else {
            throw CheckpointError.mismatch(what: "environments", expected: "\(count) of \(Env.self)", found: "something else")
        }
        environments = envs
        return true
    }
}
