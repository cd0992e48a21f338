import Foundation
import PolicyGradient
import Testing

private func config() -> PPOConfig {
    var c = PPOConfig()
    c.steps = 10_000
    c.numSteps = 64
    return c
}

@Test func resumedTrainingEqualsUninterruptedTraining() throws {
    let straight = PPOTrainer(config: config(), environmentFactory: { _ in CartPole() }, seed: 21)
    let straightStats = (0..<7).map { _ in straight.step() }

    let first = PPOTrainer(config: config(), environmentFactory: { _ in CartPole() }, seed: 21)
    for _ in 0..<4 { first.step() }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ppo-resume-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try first.checkpoint().write(to: url)
    let resumed = try PPOTrainer(checkpoint: PPOCheckpoint.read(from: url), environmentFactory: { _ in CartPole() })
    #expect(resumed.iteration == 4 && resumed.globalStep == 4 * 256)
    let resumedStats = (0..<3).map { _ in resumed.step() }

    #expect(resumed.network.parameterVector == straight.network.parameterVector)
    #expect(resumed.optimizer == straight.optimizer)
    #expect(resumed.normalizer == straight.normalizer)
    #expect(resumedStats.map(\.policyLoss) == straightStats.suffix(3).map(\.policyLoss))
    #expect(resumedStats.map(\.meanEpisodeReturn) == straightStats.suffix(3).map(\.meanEpisodeReturn))
    let (a, b) = (resumed.checkpoint(), straight.checkpoint())
    #expect(a.environments == b.environments)
    #expect(a.actionSource == b.actionSource && a.minibatchSource == b.minibatchSource)
    #expect(a.nextObservation == b.nextObservation)
}

@Test func checkpointRoundTripsThroughJSON() throws {
    let trainer = PPOTrainer(config: config(), environmentFactory: { _ in CartPole() }, seed: 4)
    trainer.step()
    let c = trainer.checkpoint()
    let decoded = try JSONDecoder().decode(PPOCheckpoint.self, from: JSONEncoder().encode(c))
    #expect(decoded == c)
    #expect(c.environments.environments != nil)
    #expect(c.parameters.count == trainer.network.parameterCount)
}

@Test func checkpointRejectsMismatchedEnvironment() throws {
    struct Wide: RLEnvironment {
        var observationSize: Int { 6 }
        var actionSizes: [Int] { [2] }
        mutating func reset(seed: UInt64) -> [Float] { [Float](repeating: 0, count: 6) }
        mutating func step(_ action: [Int]) -> (observation: [Float], reward: Double, done: Bool, truncated: Bool) {
            ([Float](repeating: 0, count: 6), 0, false, false)
        }
    }
    let c = PPOTrainer(config: config(), environmentFactory: { _ in CartPole() }, seed: 4).checkpoint()
    #expect(throws: CheckpointError.self) { _ = try PPOTrainer(checkpoint: c, environmentFactory: { _ in Wide() }) }
}
