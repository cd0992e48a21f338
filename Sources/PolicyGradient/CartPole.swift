import Foundation
import Linalg

/// The classic cart-pole balancing task with exactly the dynamics, termination and reward of
/// Gymnasium's `CartPole-v1` (Euler integration, τ = 0.02 s, force 10 N, failure past ±12° or
/// ±2.4 m, reward 1 per step including the failing one, truncation after 500 steps).
///
/// The state is integrated in `Double` as Gymnasium does in float64; observations are `Float`.
/// `reset(seed:)` draws the initial state uniformly from [-0.05, 0.05]⁴ with a `RandomSource`.
///
///     var env = CartPole()
///     var obs = env.reset(seed: 1)
///     let (next, reward, done, truncated) = env.step([1])
public struct CartPole: RLEnvironment, Codable, Sendable, Equatable {
    public static let gravity = 9.8
    public static let massCart = 1.0
    public static let massPole = 0.1
    public static let totalMass = massPole + massCart
    /// Half the pole's length.
    public static let length = 0.5
    public static let poleMassLength = massPole * length
    public static let forceMagnitude = 10.0
    public static let tau = 0.02
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4

    /// (x, ẋ, θ, θ̇).
    public var state: [Double]
    /// Steps taken in the current episode.
    public private(set) var elapsedSteps: Int
    /// Episode length after which `step` reports `truncated`.
    public var maxEpisodeSteps: Int

    public init(maxEpisodeSteps: Int = 500) {
        self.state = [0, 0, 0, 0]
        self.elapsedSteps = 0
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var observationSize: Int { 4 }
    public var actionSizes: [Int] { [2] }
    public var observation: [Float] { state.map { Float($0) } }

    public mutating func reset(seed: UInt64) -> [Float] {
        var rng = RandomSource(seed: seed)
        state = (0..<4).map { _ in rng.nextDouble() * 0.1 - 0.05 }
        elapsedSteps = 0
        return observation
    }

    /// Starts an episode from an explicit state (as Gymnasium's `env.unwrapped.state = …`).
    public mutating func reset(state: [Double]) -> [Float] {
        precondition(state.count == 4, "CartPole state has 4 components")
        self.state = state
        elapsedSteps = 0
        return observation
    }

    public mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
        let x = state[0], xDot = state[1], theta = state[2], thetaDot = state[3]
        let force = action[0] == 1 ? Self.forceMagnitude : -Self.forceMagnitude
        let cosTheta = cos(theta), sinTheta = sin(theta)
        // Same operation order as Gymnasium so float64 results agree to the last bits.
        let temp = (force + Self.poleMassLength * (thetaDot * thetaDot) * sinTheta) / Self.totalMass
        let thetaAcc = (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.length * (4.0 / 3.0 - Self.massPole * (cosTheta * cosTheta) / Self.totalMass))
        let xAcc = temp - Self.poleMassLength * thetaAcc * cosTheta / Self.totalMass
        state = [x + Self.tau * xDot, xDot + Self.tau * xAcc, theta + Self.tau * thetaDot, thetaDot + Self.tau * thetaAcc]
        elapsedSteps += 1
        let done = state[0] < -Self.xThreshold || state[0] > Self.xThreshold
            || state[2] < -Self.thetaThreshold || state[2] > Self.thetaThreshold
        return (observation, 1.0, done, elapsedSteps >= maxEpisodeSteps)
    }
}
