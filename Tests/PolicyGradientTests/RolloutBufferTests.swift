import PolicyGradient
import Testing

@Test func gaeMatchesDirectSumOfDiscountedTDErrors() {
    var buffer = RolloutBuffer(numSteps: 5, numEnvs: 2, observationSize: 1, heads: 1)
    buffer.rewards = [1, 0, 0.5, 1, 2, 0, 1, 1, 0, 3]
    buffer.values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    // Env 1 starts a new episode at t = 3 (the transition at t = 2 ended one).
    buffer.dones = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    let gamma = 0.9, lambda = 0.8
    buffer.computeAdvantages(nextValues: [2, 3], nextDones: [0, 1], gamma: gamma, lambda: lambda)
    for e in 0..<2 {
        for t in 0..<5 {
            // A_t = Σ_k (γλ)^k δ_{t+k}, stopping after the step that ends an episode.
            var a = 0.0, factor = 1.0
            for k in t..<5 {
                let i = k * 2 + e
                let nextDone = k == 4 ? [0.0, 1.0][e] : Double(buffer.dones[i + 2])
                let nextValue = k == 4 ? [2.0, 3.0][e] : Double(buffer.values[i + 2])
                let delta = Double(buffer.rewards[i]) + gamma * nextValue * (1 - nextDone) - Double(buffer.values[i])
                a += factor * delta
                if nextDone == 1 { break }
                factor *= gamma * lambda
            }
            #expect(abs(Double(buffer.advantages[t * 2 + e]) - a) < 1e-5)
            #expect(abs(buffer.returns[t * 2 + e] - (buffer.advantages[t * 2 + e] + buffer.values[t * 2 + e])) < 1e-6)
        }
    }
}
