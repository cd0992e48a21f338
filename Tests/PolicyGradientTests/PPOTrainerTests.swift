import Foundation
import PolicyGradient
import Testing

func smallCartPoleConfig(workers: Int = 1) -> PPOConfig {
    var c = PPOConfig()
    c.steps = 20_480
    c.environmentWorkers = workers
    return c
}

@Test func ppoImprovesCartPoleOverRandomPolicy() {
    let start = Date()
    let trainer = PPOTrainer(config: smallCartPoleConfig(), environmentFactory: { _ in CartPole() }, seed: 1)
    let before = trainer.evaluate(episodes: 20, seed: 99, greedy: false)
    var last: IterationStats?
    trainer.train(until: 20_480) { last = $0 }
    let after = trainer.evaluate(episodes: 20, seed: 99, greedy: true)
    print("CartPole 20k steps: sampled-policy return before \(before.meanReturn), greedy after \(after.meanReturn), \(Date().timeIntervalSince(start)) s")
    #expect(before.meanReturn < 40)
    #expect(after.meanReturn > 3 * before.meanReturn)
    #expect(after.meanReturn > 100)
    #expect(last?.iteration == 40)
    #expect(last?.globalStep == 20_480)
}

@Test func reinforceWithBaselineImprovesCartPole() {
    var config = PPOConfig.reinforce()
    config.steps = 20_480
    let trainer = PPOTrainer(config: config, environmentFactory: { _ in CartPole() }, seed: 2)
    let before = trainer.evaluate(episodes: 20, seed: 99, greedy: false)
    trainer.train(until: 20_480)
    let after = trainer.evaluate(episodes: 20, seed: 99, greedy: false)
    print("REINFORCE 20k steps: sampled return before \(before.meanReturn), after \(after.meanReturn)")
    #expect(after.meanReturn > 2 * before.meanReturn)
}

@Test func trainingIsDeterministicSeriallyAndInParallel() {
    var config = smallCartPoleConfig()
    config.numEnvs = 8
    config.numSteps = 32
    let serial = PPOTrainer(config: config, environmentFactory: { _ in CartPole() }, seed: 7)
    config.environmentWorkers = 2
    let parallel = PPOTrainer(config: config, environmentFactory: { _ in CartPole() }, seed: 7)
    var config3 = config
    config3.environmentWorkers = 1
    let again = PPOTrainer(config: config3, environmentFactory: { _ in CartPole() }, seed: 7)
    let a = serial.train(until: 2_560), b = parallel.train(until: 2_560), c = again.train(until: 2_560)
    #expect(serial.network.parameterVector == parallel.network.parameterVector)
    #expect(serial.network.parameterVector == again.network.parameterVector)
    #expect(a.map(\.policyLoss) == b.map(\.policyLoss))
    #expect(a.map(\.meanEpisodeReturn) == c.map(\.meanEpisodeReturn))
    let other = PPOTrainer(config: config3, environmentFactory: { _ in CartPole() }, seed: 8)
    other.train(until: 2_560)
    #expect(other.network.parameterVector != serial.network.parameterVector)
}

@Test func statsAreFiniteAndNamedQuantitiesMoveSensibly() {
    let trainer = PPOTrainer(config: smallCartPoleConfig(), environmentFactory: { _ in CartPole() }, seed: 3)
    let s = trainer.step()
    #expect(s.iteration == 1 && s.globalStep == 512)
    #expect(s.entropy > 0.6 && s.entropy <= Foundation.log(2.0) + 1e-6)
    #expect(s.approxKL >= 0 && s.approxKL < 0.1)
    #expect(s.clipFraction >= 0 && s.clipFraction <= 1)
    #expect(s.valueLoss.isFinite && s.policyLoss.isFinite)
    #expect(s.stepsPerSecond > 0)
    #expect(s.meanEpisodeReturn != nil)
    #expect(abs(Double(s.learningRate) - 2.5e-4) < 1e-9)
    #expect(trainer.currentLearningRate < s.learningRate)
    #expect(trainer.act([0, 0, 0.01, 0]).count == 1)
}
