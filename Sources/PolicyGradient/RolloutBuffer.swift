/// Storage for one rollout of T steps from N environments (index `t·N + e`), and GAE(λ).
public struct RolloutBuffer: Sendable {
    public let numSteps: Int
    public let numEnvs: Int
    public let observationSize: Int
    public let heads: Int
    public var observations: [Float]
    public var actions: [Int32]
    public var logProbs: [Float]
    public var rewards: [Float]
    /// 1 where the observation at this step starts a new episode (the previous step ended one).
    public var dones: [Float]
    public var values: [Float]
    public var advantages: [Float]
    public var returns: [Float]

    public init(numSteps: Int, numEnvs: Int, observationSize: Int, heads: Int) {
        self.numSteps = numSteps
        self.numEnvs = numEnvs
        self.observationSize = observationSize
        self.heads = heads
        let n = numSteps * numEnvs
        observations = [Float](repeating: 0, count: n * observationSize)
        actions = [Int32](repeating: 0, count: n * heads)
        logProbs = [Float](repeating: 0, count: n)
        rewards = [Float](repeating: 0, count: n)
        dones = [Float](repeating: 0, count: n)
        values = [Float](repeating: 0, count: n)
        advantages = [Float](repeating: 0, count: n)
        returns = [Float](repeating: 0, count: n)
    }

    public var count: Int { numSteps * numEnvs }

    /// Generalized advantage estimation (Schulman et al. 2016), as CleanRL computes it:
    /// `δ_t = r_t + γ·V(s_{t+1})·(1 − done_{t+1}) − V(s_t)`, `A_t = δ_t + γλ·(1 − done_{t+1})·A_{t+1}`,
    /// returns `R_t = A_t + V(s_t)`.
    ///
    /// - Parameters:
    ///   - nextValues: V of the observation after the last step, per environment.
    ///   - nextDones: whether that observation starts a new episode.
    public mutating func computeAdvantages(nextValues: [Float], nextDones: [Float], gamma: Double, lambda: Double) {
        let n = numEnvs
        var lastGAE = [Double](repeating: 0, count: n)
        for t in stride(from: numSteps - 1, through: 0, by: -1) {
            for e in 0..<n {
                let i = t * n + e
                let nextNonTerminal: Double
                let nextValue: Double
                if t == numSteps - 1 {
                    nextNonTerminal = 1 - Double(nextDones[e])
                    nextValue = Double(nextValues[e])
                } else {
                    nextNonTerminal = 1 - Double(dones[i + n])
                    nextValue = Double(values[i + n])
                }
                let delta = Double(rewards[i]) + gamma * nextValue * nextNonTerminal - Double(values[i])
                lastGAE[e] = delta + gamma * lambda * nextNonTerminal * lastGAE[e]
                advantages[i] = Float(lastGAE[e])
                returns[i] = Float(lastGAE[e]) + values[i]
            }
        }
    }
}
