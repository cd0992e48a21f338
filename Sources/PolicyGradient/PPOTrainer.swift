import Foundation
import Linalg

/// Trains a `PolicyNetwork` with PPO (or REINFORCE with baseline) on N vectorized environments.
///
/// Read it like CleanRL's `ppo.py`: `step()` collects one rollout, computes GAE and runs the
/// minibatch epochs. Every run is a pure function of (config, environments, seed): environments
/// reset from per-index seed streams, actions and minibatch shuffles draw from their own streams,
/// BLAS runs single-threaded, so results do not depend on `environmentWorkers`.
///
///     let trainer = PPOTrainer(config: PPOConfig(), environmentFactory: { _ in CartPole() }, seed: 1)
///     trainer.train(until: 100_000) { print($0.globalStep, $0.meanEpisodeReturn ?? .nan) }
///     let score = trainer.evaluate(episodes: 20, seed: 7)
public final class PPOTrainer<Env: RLEnvironment> {
    public let config: PPOConfig
    public let seed: UInt64
    public let network: PolicyNetwork
    public internal(set) var normalizer: ObservationNormalizer
    public internal(set) var optimizer: Adam
    /// Completed iterations.
    public internal(set) var iteration = 0
    /// Environment steps taken so far (all environments).
    public internal(set) var globalStep = 0

    let environmentFactory: (Int) -> Env
    var environments: VectorEnvironment<Env>
    var actionSource: RandomSource
    var minibatchSource: RandomSource
    /// Normalized observations the next rollout starts from (N × observationSize).
    var nextObservation: [Float]
    var nextDone: [Float]
    var rollout: RolloutBuffer
    let loss: PPOLoss
    // Minibatch workspace.
    private var mbObservations: [Float] = []
    private var mbActions: [Int32] = []
    private var mbOldLogProbs: [Float] = []
    private var mbAdvantages: [Float] = []
    private var mbReturns: [Float] = []
    private var mbOldValues: [Float] = []
    private var dLogits: [Float] = []
    private var dValues: [Float] = []

    /// - Parameters:
    ///   - environmentFactory: makes environment `i` of `config.numEnvs` (also used by `evaluate`).
    ///   - seed: the run's seed; every random stream is split from it.
    public init(config: PPOConfig, environmentFactory: @escaping (Int) -> Env, seed: UInt64) {
        precondition(config.batchSize % config.numMinibatches == 0, "numEnvs·numSteps must be divisible by numMinibatches")
        self.config = config
        self.seed = seed
        self.environmentFactory = environmentFactory
        let root = RandomSource(seed: seed)
        environments = VectorEnvironment(count: config.numEnvs, seed: root.split("environments"),
                                         workers: config.environmentWorkers, factory: environmentFactory)
        let architecture = NetworkArchitecture(
            observationSize: environments.observationSize, actionSizes: environments.actionSizes,
            hiddenSizes: config.hiddenSizes, activation: config.activation, sharedTrunk: config.sharedTrunk)
        var initSource = root.split("initialization")
        network = PolicyNetwork(architecture: architecture, rng: &initSource)
        // A prior of the wrong length is refused by `TrainingRun`; here (e.g. a checkpoint about to
        // be checked against another environment) it is skipped.
        if let prior = config.firstBinPrior, prior.count == architecture.actionSizes.count {
            var p = network.parameterVector
            for (offset, value) in zip(architecture.headOffsets, prior) { p[network.policyHead.biasOffset + offset] += value }
            network.parameterVector = p
        }
        optimizer = Adam(parameterCount: network.parameterCount, epsilon: config.adamEpsilon)
        normalizer = ObservationNormalizer(size: architecture.observationSize, clip: config.observationClip)
        actionSource = root.split("actions")
        minibatchSource = root.split("minibatches")
        rollout = RolloutBuffer(numSteps: config.numSteps, numEnvs: config.numEnvs,
                                observationSize: architecture.observationSize, heads: architecture.actionSizes.count)
        loss = PPOLoss(
            clipCoefficient: config.algorithm == .ppo ? config.clipCoefficient : nil,
            valueClip: config.algorithm == .ppo && config.clipValueLoss ? config.clipCoefficient : nil,
            entropyCoefficient: config.entropyCoefficient, valueCoefficient: config.valueCoefficient,
            actionSizes: architecture.actionSizes)
        nextDone = [Float](repeating: 0, count: config.numEnvs)
        nextObservation = []
        nextObservation = observe(environments.reset())
    }

    var architecture: NetworkArchitecture { network.architecture }

    /// Updates the normalizer with raw observations and returns them normalized.
    private func observe(_ raw: [Float]) -> [Float] {
        guard config.normalizeObservations else { return raw }
        let rows = raw.count / architecture.observationSize
        normalizer.update(raw, rows: rows)
        return normalizer.normalized(raw, rows: rows)
    }

    /// The learning rate for the next update (linear annealing over `steps`).
    public var currentLearningRate: Float {
        guard config.annealLearningRate else { return config.learningRate }
        let frac = 1 - Double(iteration) / Double(config.numIterations)
        return Float(max(frac, 0)) * config.learningRate
    }

    /// Samples one index per head for each of `rows` rows of the network's last forward pass.
    private func sampleActions(rows: Int, into actions: inout [Int32], logProbs: inout [Float]) {
        let probs = network.probabilities, lps = network.logProbs
        let width = architecture.logitCount, heads = architecture.actionSizes.count
        for r in 0..<rows {
            var logp: Float = 0
            var offset = 0
            for h in 0..<heads {
                let n = architecture.actionSizes[h]
                let u = actionSource.nextFloat()
                var cumulative: Float = 0
                var choice = n - 1
                for j in 0..<n {
                    cumulative += probs[r * width + offset + j]
                    if u < cumulative { choice = j; break }
                }
                actions[r * heads + h] = Int32(choice)
                logp += lps[r * width + offset + choice]
                offset += n
            }
            logProbs[r] = logp
        }
    }

    /// Runs one iteration: a rollout of `numSteps` steps in each environment, then the update.
    @discardableResult
    public func step() -> IterationStats {
        // One BLAS thread: a multithreaded gemm splits sums differently, so results would depend on it.
        BLAS.withThreadCount(1) { iterate() }
    }

    private func iterate() -> IterationStats {
        let start = DispatchTime.now().uptimeNanoseconds
        let n = config.numEnvs, d = architecture.observationSize, heads = architecture.actionSizes.count
        let lr = currentLearningRate
        var finishedReturns: [Double] = []
        var stepActions = [Int32](repeating: 0, count: n * heads)
        var stepLogProbs = [Float](repeating: 0, count: n)

        // Rollout.
        for t in 0..<config.numSteps {
            globalStep += n
            let base = t * n
            rollout.observations.replaceSubrange((base * d)..<((base + n) * d), with: nextObservation)
            rollout.dones.replaceSubrange(base..<(base + n), with: nextDone)
            network.forward(nextObservation, batch: n)
            for e in 0..<n { rollout.values[base + e] = network.values[e] }
            sampleActions(rows: n, into: &stepActions, logProbs: &stepLogProbs)
            rollout.actions.replaceSubrange((base * heads)..<((base + n) * heads), with: stepActions)
            rollout.logProbs.replaceSubrange(base..<(base + n), with: stepLogProbs)

            let s = environments.step(stepActions)
            var rewards = s.rewards
            nextObservation = observe(s.observations)
            if config.bootstrapTruncation {
                // A time limit is not a terminal state: fold γ·V(s_final) into the reward.
                let cut = (0..<n).filter { s.truncated[$0] && !s.terminated[$0] }
                if !cut.isEmpty {
                    var finals: [Float] = []
                    for e in cut { finals += s.finalObservations[e]! }
                    if config.normalizeObservations { finals = normalizer.normalized(finals, rows: cut.count) }
                    network.forward(finals, batch: cut.count)
                    for (k, e) in cut.enumerated() { rewards[e] += config.gamma * Double(network.values[k]) }
                }
            }
            for e in 0..<n {
                rollout.rewards[base + e] = Float(rewards[e])
                nextDone[e] = s.terminated[e] || s.truncated[e] ? 1 : 0
            }
            finishedReturns += s.finishedEpisodes.map(\.episodeReturn)
        }
        network.forward(nextObservation, batch: n)
        let nextValues = Array(network.values)
        rollout.computeAdvantages(nextValues: nextValues, nextDones: nextDone, gamma: config.gamma, lambda: config.gaeLambda)

        // Update.
        var stats = update(learningRate: lr)
        iteration += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        stats.iteration = iteration
        stats.globalStep = globalStep
        stats.stepsPerSecond = Double(config.batchSize) / max(seconds, 1e-9)
        stats.episodesFinished = finishedReturns.count
        stats.meanEpisodeReturn = finishedReturns.isEmpty ? nil : finishedReturns.reduce(0, +) / Double(finishedReturns.count)
        stats.explainedVariance = explainedVariance()
        return stats
    }

    private func update(learningRate lr: Float) -> IterationStats {
        let batch = config.batchSize, mb = config.minibatchSize
        let d = architecture.observationSize, heads = architecture.actionSizes.count, width = architecture.logitCount
        if mbObservations.count != mb * d {
            mbObservations = [Float](repeating: 0, count: mb * d)
            mbActions = [Int32](repeating: 0, count: mb * heads)
            mbOldLogProbs = [Float](repeating: 0, count: mb)
            mbAdvantages = [Float](repeating: 0, count: mb)
            mbReturns = [Float](repeating: 0, count: mb)
            mbOldValues = [Float](repeating: 0, count: mb)
            dLogits = [Float](repeating: 0, count: mb * width)
            dValues = [Float](repeating: 0, count: mb)
        }
        var indices = Array(0..<batch)
        var terms = PPOLossTerms()
        var clipFractions: [Double] = []
        var epochKL: [Double] = []
        epochs: for _ in 0..<config.updateEpochs {
            minibatchSource.shuffle(&indices)
            epochKL.removeAll(keepingCapacity: true)
            for start in stride(from: 0, to: batch, by: mb) {
                gather(indices[start..<(start + mb)])
                if config.normalizeAdvantages { normalizeAdvantages() }
                mbObservations.withUnsafeBufferPointer { network.forward($0.baseAddress!, batch: mb) }
                terms = loss.evaluate(
                    batch: mb, logProbs: network.logProbsBuffer.pointer, probabilities: network.probsBuffer.pointer,
                    values: network.valuesBuffer.pointer, actions: mbActions, oldLogProbs: mbOldLogProbs,
                    advantages: mbAdvantages, returns: mbReturns, oldValues: mbOldValues,
                    dLogits: &dLogits, dValues: &dValues)
                clipFractions.append(terms.clipFraction)
                epochKL.append(terms.approxKL)
                dLogits.withUnsafeBufferPointer { dz in
                    dValues.withUnsafeBufferPointer { dv in network.backward(dLogits: dz.baseAddress!, dValues: dv.baseAddress!) }
                }
                clipGradientNorm()
                optimizer.step(parameters: network.parameters.pointer, gradients: network.gradients.pointer,
                               count: network.parameterCount, learningRate: lr)
            }
            if let target = config.targetKL, let last = epochKL.last, last > Double(target) { break epochs }
        }
        return IterationStats(
            iteration: 0, globalStep: 0, stepsPerSecond: 0, meanEpisodeReturn: nil, episodesFinished: 0,
            learningRate: lr, policyLoss: terms.policyLoss, valueLoss: terms.valueLoss, entropy: terms.entropy,
            approxKL: epochKL.reduce(0, +) / Double(max(epochKL.count, 1)),
            clipFraction: clipFractions.reduce(0, +) / Double(max(clipFractions.count, 1)),
            explainedVariance: 0)
    }

    private func gather(_ rows: ArraySlice<Int>) {
        let d = architecture.observationSize, heads = architecture.actionSizes.count
        for (k, i) in rows.enumerated() {
            for j in 0..<d { mbObservations[k * d + j] = rollout.observations[i * d + j] }
            for h in 0..<heads { mbActions[k * heads + h] = rollout.actions[i * heads + h] }
            mbOldLogProbs[k] = rollout.logProbs[i]
            mbAdvantages[k] = rollout.advantages[i]
            mbReturns[k] = rollout.returns[i]
            mbOldValues[k] = rollout.values[i]
        }
    }

    /// `(A − mean) / (std + 1e-8)` with the unbiased std, as `torch.std`.
    private func normalizeAdvantages() {
        let n = mbAdvantages.count
        guard n > 1 else { return }
        var mean = 0.0
        for a in mbAdvantages { mean += Double(a) }
        mean /= Double(n)
        var v = 0.0
        for a in mbAdvantages { v += (Double(a) - mean) * (Double(a) - mean) }
        let std = (v / Double(n - 1)).squareRoot()
        for k in 0..<n { mbAdvantages[k] = Float((Double(mbAdvantages[k]) - mean) / (std + 1e-8)) }
    }

    /// Scales the gradient so its global L2 norm is at most `maxGradNorm` (torch's clip_grad_norm_).
    private func clipGradientNorm() {
        let g = network.gradients.pointer, count = network.parameterCount
        var sq = 0.0
        for i in 0..<count { sq += Double(g[i]) * Double(g[i]) }
        let norm = sq.squareRoot()
        let coef = Double(config.maxGradNorm) / (norm + 1e-6)
        if coef < 1 { BLAS.scal(n: count, alpha: Float(coef), x: g) }
    }

    private func explainedVariance() -> Double {
        let n = rollout.count
        var meanR = 0.0, meanD = 0.0
        for i in 0..<n {
            meanR += Double(rollout.returns[i])
            meanD += Double(rollout.returns[i] - rollout.values[i])
        }
        meanR /= Double(n)
        meanD /= Double(n)
        var varR = 0.0, varD = 0.0
        for i in 0..<n {
            let r = Double(rollout.returns[i]) - meanR
            let dd = Double(rollout.returns[i] - rollout.values[i]) - meanD
            varR += r * r
            varD += dd * dd
        }
        return varR == 0 ? .nan : 1 - varD / varR
    }

    /// Trains until at least `steps` environment steps have been taken, calling `progress` after
    /// each iteration. Returns every iteration's stats.
    @discardableResult
    public func train(until steps: Int, progress: (IterationStats) -> Void = { _ in }) -> [IterationStats] {
        var all: [IterationStats] = []
        while globalStep < steps {
            let s = step()
            all.append(s)
            progress(s)
        }
        return all
    }
}
