import Foundation
import PolicyGradient
import PolicyRuntime
import Simulation

/// A randomized family of drift environments as one `RLEnvironment`: every `reset(seed:)` draws
/// the episode's spec from the family (`EnvironmentFamily.spec(seed:subfamilies:)`), builds its
/// `TuningEnvironment` and resets it with the same seed, so an episode is a pure function of the
/// seed and the actions, as with one spec.
///
/// Every drawn spec keeps the base spec's action bins, so the heads are the same in every episode;
/// the observation schema is shared by construction (the base spec's loop decides v1 or v2).
///
///     let family = try EnvironmentFamily.load(file: "environments/families/binary.yaml")
///     let env = try FamilyEnvironmentAdapter(family: family, subfamilies: family.train, components: .standard)
public struct FamilyEnvironmentAdapter: RestorableEnvironment, Sendable {
    public let family: EnvironmentFamily
    /// The subfamilies episodes are drawn from.
    public let subfamilies: [String]
    public let components: EnvironmentComponents
    /// The environment of the current episode.
    public private(set) var current: TuningEnvironmentAdapter
    /// Used when a drawn spec cannot be built (`EnvironmentFamily.load` checks that drawn specs
    /// validate, so this is a guard, not a path training relies on): the spec of seed 0.
    private let fallback: TuningEnvironment

    public init(family: EnvironmentFamily, subfamilies: [String], components: EnvironmentComponents) throws {
        self.family = family
        self.subfamilies = subfamilies
        self.components = components
        fallback = try TuningEnvironment(spec: family.spec(seed: 0, subfamilies: subfamilies), components: components)
        current = TuningEnvironmentAdapter(fallback)
    }

    public var observationSize: Int { current.observationSize }
    public var actionSizes: [Int] { current.actionSizes }
    /// What the last step reported besides observation and reward.
    public var lastInfo: StepInfo? { current.lastInfo }

    /// The environment of the episode with `seed` (its spec drawn from the family).
    public func environment(seed: UInt64) -> TuningEnvironment {
        guard let spec = try? family.spec(seed: seed, subfamilies: subfamilies),
              let env = try? TuningEnvironment(spec: spec, components: components) else { return fallback }
        return env
    }

    public mutating func reset(seed: UInt64) -> [Float] {
        current = TuningEnvironmentAdapter(environment(seed: seed))
        return current.reset(seed: seed)
    }

    public mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
        current.step(action)
    }

    private struct Saved: Codable {
        var family: String
        var subfamilies: [String]
        var seed: UInt64?
        var actions: [Int]
    }

    public func savedState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(Saved(family: family.name, subfamilies: subfamilies, seed: current.episodeSeed,
                                        actions: current.episodeActions))
    }

    public mutating func restore(from state: Data) throws {
        let s = try JSONDecoder().decode(Saved.self, from: state)
        guard s.family == family.name, s.subfamilies == subfamilies else {
            throw CheckpointError.mismatch(what: "environment family", expected: "\(family.name) \(subfamilies)",
                                           found: "\(s.family) \(s.subfamilies)")
        }
        guard let seed = s.seed else {
            current = TuningEnvironmentAdapter(fallback)
            return
        }
        _ = reset(seed: seed)
        for start in stride(from: 0, to: s.actions.count, by: 3) { _ = step(Array(s.actions[start..<(start + 3)])) }
    }
}
