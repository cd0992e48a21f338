import Linalg
import PolicyGradient
import Testing

/// A deterministic toy environment whose episodes last `1 + seed % 5` steps.
struct CountingEnvironment: RLEnvironment, Codable {
    var remaining = 0
    var value: Float = 0
    var observationSize: Int { 2 }
    var actionSizes: [Int] { [3, 2] }
    mutating func reset(seed: UInt64) -> [Float] {
        remaining = 1 + Int(seed % 5)
        value = Float(seed % 1000)
        return [value, Float(remaining)]
    }
    mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
        remaining -= 1
        value += Float(action[0] * 2 + action[1])
        return ([value, Float(remaining)], Double(action[0]), remaining == 0, false)
    }
}

@Test func parallelSteppingEqualsSerialStepping() {
    let seed = RandomSource(seed: 5)
    var serial = VectorEnvironment(count: 7, seed: seed, workers: 1) { _ in CountingEnvironment() }
    var parallel = VectorEnvironment(count: 7, seed: seed, workers: 3) { _ in CountingEnvironment() }
    #expect(serial.reset() == parallel.reset())
    var rng = RandomSource(seed: 1)
    var finished = 0
    for _ in 0..<50 {
        let actions = (0..<7).flatMap { _ in [Int32(rng.nextInt(below: 3)), Int32(rng.nextInt(below: 2))] }
        let a = serial.step(actions), b = parallel.step(actions)
        #expect(a.observations == b.observations)
        #expect(a.rewards == b.rewards && a.terminated == b.terminated)
        #expect(a.finishedEpisodes.map(\.episodeReturn) == b.finishedEpisodes.map(\.episodeReturn))
        #expect(a.finishedEpisodes.map(\.length) == b.finishedEpisodes.map(\.length))
        finished += a.finishedEpisodes.count
        for i in 0..<7 where a.terminated[i] {
            #expect(a.finalObservations[i]?[1] == 0)    // last observation of the ended episode
            #expect(a.observations[i * 2 + 1] >= 1)    // auto-reset: first observation of the next
        }
    }
    #expect(finished > 50)
}

@Test func environmentStateRestoresExactly() throws {
    var envs = VectorEnvironment(count: 3, seed: RandomSource(seed: 9)) { _ in CountingEnvironment() }
    _ = envs.reset()
    _ = envs.step([1, 0, 2, 1, 0, 1])
    let snapshot = envs.state
    let expected = envs.step([2, 1, 2, 1, 2, 1])
    var restored = VectorEnvironment(count: 3, seed: RandomSource(seed: 0)) { _ in CountingEnvironment() }
    #expect(try restored.restore(snapshot))
    let actual = restored.step([2, 1, 2, 1, 2, 1])
    #expect(actual.observations == expected.observations)
    #expect(actual.rewards == expected.rewards)
}
