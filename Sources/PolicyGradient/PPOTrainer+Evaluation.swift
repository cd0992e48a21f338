import Linalg

/// Mean and spread of evaluation returns.
public struct EvaluationResult: Sendable, Equatable, Codable {
    public var meanReturn: Double
    public var stdReturn: Double
    public var returns: [Double]
}

extension PPOTrainer {
    /// The most probable action per factor for one raw observation (normalized with the frozen
    /// running statistics).
    public func act(_ observation: [Float]) -> [Int] {
        actBatch(observation, rows: 1)
    }

    /// Greedy actions for `rows` raw observations, `rows × actionSizes.count` indices.
    func actBatch(_ observations: [Float], rows: Int) -> [Int] {
        BLAS.withThreadCount(1) { greedyActions(observations, rows: rows) }
    }

    private func greedyActions(_ observations: [Float], rows: Int) -> [Int] {
        let x = config.normalizeObservations ? normalizer.normalized(observations, rows: rows) : observations
        network.forward(x, batch: rows)
        let width = architecture.logitCount
        var out: [Int] = []
        out.reserveCapacity(rows * architecture.actionSizes.count)
        network.logits.withMemoryRebound(to: Float.self) { logits in
            for r in 0..<rows {
                for (offset, n) in zip(architecture.headOffsets, architecture.actionSizes) {
                    out.append(Kernels.argmax(logits.baseAddress! + r * width + offset, count: n))
                }
            }
        }
        return out
    }

    /// Plays `episodes` fresh episodes (environment `i` from the factory, reset with a seed split
    /// from `seed`) and returns the mean and population standard deviation of their returns.
    ///
    /// - Parameter greedy: take the most probable action; otherwise sample from the policy.
    public func evaluate(episodes: Int, seed: UInt64, greedy: Bool = true, maxSteps: Int = 100_000) -> EvaluationResult {
        let root = RandomSource(seed: seed)
        let seeds = (0..<episodes).map { i -> UInt64 in
            var episodeSource = root.split(UInt64(i))
            return episodeSource.next()
        }
        return evaluate(seeds: seeds, greedy: greedy, samplingSeed: seed, maxSteps: maxSteps)
    }

    /// Plays one episode per reset seed (environment `i` from the factory, reset with `seeds[i]`),
    /// all side by side so each step is one batched forward pass; environments step on
    /// `config.environmentWorkers` threads. Returns the mean and population standard deviation of
    /// the episode returns.
    ///
    /// - Parameters:
    ///   - greedy: take the most probable action; otherwise sample from the policy with a stream
    ///     split from `samplingSeed`.
    ///   - maxSteps: steps after which unfinished episodes are cut off.
    public func evaluate(seeds: [UInt64], greedy: Bool = true, samplingSeed: UInt64 = 0,
                         maxSteps: Int = 100_000) -> EvaluationResult {
        BLAS.withThreadCount(1) { play(seeds: seeds, greedy: greedy, samplingSeed: samplingSeed, maxSteps: maxSteps) }
    }

    private func play(seeds: [UInt64], greedy: Bool, samplingSeed: UInt64, maxSteps: Int) -> EvaluationResult {
        let episodes = seeds.count
        var envs = (0..<episodes).map(environmentFactory)
        var sampler = RandomSource(seed: samplingSeed).split("evaluation-actions")
        var observations: [Float] = []
        for i in 0..<episodes { observations += envs[i].reset(seed: seeds[i]) }
        var returns = [Double](repeating: 0, count: episodes)
        var active = [Bool](repeating: true, count: episodes)
        let d = architecture.observationSize, heads = architecture.actionSizes.count, width = architecture.logitCount
        let workers = max(1, min(config.environmentWorkers, episodes))
        var steps = 0
        while active.contains(true) && steps < maxSteps {
            steps += 1
            var actions: [Int]
            if greedy {
                actions = actBatch(observations, rows: episodes)
            } else {
                let x = config.normalizeObservations ? normalizer.normalized(observations, rows: episodes) : observations
                network.forward(x, batch: episodes)
                actions = []
                let probs = network.probabilities
                for r in 0..<episodes {
                    for (offset, n) in zip(architecture.headOffsets, architecture.actionSizes) {
                        let u = sampler.nextFloat()
                        var c: Float = 0, choice = n - 1
                        for j in 0..<n {
                            c += probs[r * width + offset + j]
                            if u < c { choice = j; break }
                        }
                        actions.append(choice)
                    }
                }
            }
            let live = (0..<episodes).filter { active[$0] }
            var outcomes = [(observation: [Float], reward: Double, done: Bool, truncated: Bool)](
                repeating: ([], 0, false, false), count: live.count)
            envs.withUnsafeMutableBufferPointer { e in
                outcomes.withUnsafeMutableBufferPointer { out in
                    // Index k touches only environment live[k] and slot k of `out`.
                    Parallel.forEach(live.count, workers: workers) { k in
                        let i = live[k]
                        out[k] = e[i].step(Array(actions[(i * heads)..<((i + 1) * heads)]))
                    }
                }
            }
            for (k, i) in live.enumerated() {
                let s = outcomes[k]
                returns[i] += s.reward
                for j in 0..<d { observations[i * d + j] = s.observation[j] }
                if s.done || s.truncated { active[i] = false }
            }
        }
        let mean = returns.reduce(0, +) / Double(max(episodes, 1))
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(episodes, 1))
        return EvaluationResult(meanReturn: mean, stdReturn: variance.squareRoot(), returns: returns)
    }
}
