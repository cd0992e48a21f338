import Foundation
import PolicyGradient
import Testing

private struct Trajectory: Decodable {
    var initialState: [Double]
    var actions: [Int]
    var states: [[Double]]
    var observations: [[Double]]
    var rewards: [Double]
    var terminated: [Bool]
    var truncated: [Bool]
}

private struct FixtureFile: Decodable {
    var gymnasium: String
    var trajectories: [Trajectory]
}

private func loadFixtures() throws -> FixtureFile {
    let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    let data = try Data(contentsOf: dir.appendingPathComponent("cartpole_trajectories.json"))
    return try JSONDecoder().decode(FixtureFile.self, from: data)
}

@Test func cartPoleMatchesGymnasiumTrajectories() throws {
    let fixtures = try loadFixtures()
    #expect(fixtures.gymnasium == "1.4.0")
    #expect(fixtures.trajectories.count == 6)
    var maxError = 0.0
    var sawTruncation = false
    for trajectory in fixtures.trajectories {
        var env = CartPole()
        _ = env.reset(state: trajectory.initialState)
        for (t, action) in trajectory.actions.enumerated() {
            let s = env.step([action])
            for j in 0..<4 {
                maxError = max(maxError, abs(env.state[j] - trajectory.states[t][j]))
                #expect(abs(Double(s.observation[j]) - trajectory.observations[t][j]) <= 1e-5)
            }
            #expect(s.reward == trajectory.rewards[t])
            #expect(s.done == trajectory.terminated[t], "step \(t)")
            #expect(s.truncated == trajectory.truncated[t], "step \(t)")
            sawTruncation = sawTruncation || s.truncated
        }
    }
    #expect(maxError <= 1e-5)
    #expect(sawTruncation)
}

@Test func cartPoleResetIsSeededAndSmall() {
    var a = CartPole(), b = CartPole()
    let x = a.reset(seed: 42), y = b.reset(seed: 42)
    #expect(x == y)
    #expect(x.allSatisfy { abs($0) <= 0.05 })
    #expect(a.reset(seed: 43) != x)
    #expect(a.observationSize == 4 && a.actionSizes == [2])
}
