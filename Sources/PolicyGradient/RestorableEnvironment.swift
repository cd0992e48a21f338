import Foundation

/// An environment that can save its mid-episode state and load it into a fresh instance made by
/// the same factory. Environments that hold things `Codable` cannot (learners behind existentials,
/// closures) conform to this instead of `Codable` so checkpoints still resume bitwise exactly.
///
///     let saved = try env.savedState()
///     var copy = factory(i)
///     try copy.restore(from: saved)      // copy now continues exactly like env
public protocol RestorableEnvironment: RLEnvironment {
    /// The state needed to continue the current episode exactly.
    func savedState() throws -> Data
    /// Replaces this environment's state with one from `savedState()`.
    mutating func restore(from state: Data) throws
}
