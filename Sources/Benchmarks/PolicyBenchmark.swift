import Foundation
import Linalg
import PolicyGradient

/// Throughput of one training pass of the policy network: forward, PPO loss gradient, backward.
public struct PolicyBenchmarkResult: Sendable, Codable, Equatable {
    public var batch: Int
    public var parameterCount: Int
    /// Timed passes.
    public var passes: Int
    public var secondsPerPass: Double
    public var samplesPerSecond: Double
    /// gemm FLOPs per pass, counted as 2·m·n·k per gemm call (forward and backward).
    public var flopsPerPass: Double
    public var gflopsPerSecond: Double
    /// The same for the forward pass alone.
    public var forwardSecondsPerPass: Double
    public var forwardGflopsPerSecond: Double
}

/// Measures the policy network's forward+backward speed on one BLAS thread.
public enum PolicyBenchmark {
    /// The reference shape: 24 observations, tanh 64-64 actor and critic trunks, heads of
    /// 10 + 5 + 3 = 18 logits, and the value head.
    public static let referenceArchitecture = NetworkArchitecture(
        observationSize: 24, actionSizes: [10, 5, 3], hiddenSizes: [64, 64])

    /// gemm FLOPs of one forward (`forward`) and one backward (`backward`) pass for `batch` rows.
    public static func gemmFlops(_ a: NetworkArchitecture, batch: Int) -> (forward: Double, backward: Double) {
        let macs = Double(a.multiplyAddsPerSample)
        // Backward: every layer's weight gradient, plus every input gradient except the first trunk
        // layer's (nobody needs ∂/∂observation).
        let firstLayer = Double(a.hiddenSizes.isEmpty ? 0 : a.observationSize * a.hiddenSizes[0])
        let skipped = a.sharedTrunk ? firstLayer : 2 * firstLayer
        let b = Double(batch)
        return (2 * b * macs, 2 * b * (2 * macs - skipped))
    }

    /// Times `passes` forward + PPO-loss + backward passes on `batch` random states (after warm-up).
    public static func run(
        architecture: NetworkArchitecture = referenceArchitecture, batch: Int = 4_096, passes: Int = 50, seed: UInt64 = 1
    ) -> PolicyBenchmarkResult {
        BLAS.withThreadCount(1) { measure(architecture: architecture, batch: batch, passes: passes, seed: seed) }
    }

    private static func measure(architecture: NetworkArchitecture, batch: Int, passes: Int, seed: UInt64) -> PolicyBenchmarkResult {
        var rng = RandomSource(seed: seed)
        let net = PolicyNetwork(architecture: architecture, rng: &rng)
        let d = architecture.observationSize, heads = architecture.actionSizes.count
        let observations = (0..<(batch * d)).map { _ in Float(rng.nextGaussian()) }
        let actions = (0..<(batch * heads)).map { Int32(rng.nextInt(below: architecture.actionSizes[$0 % heads])) }
        let oldLogProbs = (0..<batch).map { _ in Float(-2 - rng.nextDouble()) }
        let advantages = (0..<batch).map { _ in Float(rng.nextGaussian()) }
        let returns = (0..<batch).map { _ in Float(rng.nextGaussian()) }
        let oldValues = (0..<batch).map { _ in Float(rng.nextGaussian()) }
        var dLogits = [Float](repeating: 0, count: batch * architecture.logitCount)
        var dValues = [Float](repeating: 0, count: batch)
        let loss = PPOLoss(clipCoefficient: 0.2, valueClip: 0.2, entropyCoefficient: 0.01, valueCoefficient: 0.5,
                           actionSizes: architecture.actionSizes)

        func pass() {
            observations.withUnsafeBufferPointer { net.forward($0.baseAddress!, batch: batch) }
            _ = loss.evaluate(
                batch: batch, logProbs: net.logProbs.baseAddress!, probabilities: net.probabilities.baseAddress!,
                values: net.values.baseAddress!, actions: actions, oldLogProbs: oldLogProbs, advantages: advantages,
                returns: returns, oldValues: oldValues, dLogits: &dLogits, dValues: &dValues)
            dLogits.withUnsafeBufferPointer { dz in
                dValues.withUnsafeBufferPointer { dv in net.backward(dLogits: dz.baseAddress!, dValues: dv.baseAddress!) }
            }
        }
        for _ in 0..<3 { pass() }
        var start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<passes { pass() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(passes)
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<passes { observations.withUnsafeBufferPointer { net.forward($0.baseAddress!, batch: batch) } }
        let forwardSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(passes)
        let flops = gemmFlops(architecture, batch: batch)
        return PolicyBenchmarkResult(
            batch: batch, parameterCount: net.parameterCount, passes: passes, secondsPerPass: seconds,
            samplesPerSecond: Double(batch) / seconds, flopsPerPass: flops.forward + flops.backward,
            gflopsPerSecond: (flops.forward + flops.backward) / seconds / 1e9,
            forwardSecondsPerPass: forwardSeconds, forwardGflopsPerSecond: flops.forward / forwardSeconds / 1e9)
    }
}

extension PolicyBenchmark {
    /// The `policy` figures of `drifttune bench`: the reference network (actor 24-64-64-18 plus a
    /// critic 24-64-64-1) on 4,096 states, one BLAS thread, against `sgemmPeak` (GFLOP/s of sgemm
    /// measured in the same run). With `--reference`, numpy's pass of the same network is measured
    /// in the same run too (`ratio_vs_reference.policy_vs_numpy`).
    public static func figures(passes: Int, sgemmPeak: Double) -> [String: Any] {
        let r = run(batch: 4_096, passes: passes)
        return [
            "network": "actor 24-64-64-(10+5+3) + critic 24-64-64-1, tanh",
            "batch": r.batch,
            "parameters": r.parameterCount,
            "samples_per_second": r.samplesPerSecond.rounded(),
            "gflops": r.gflopsPerSecond,
            "forward_gflops": r.forwardGflopsPerSecond,
            "sgemm_peak_gflops_1_thread": sgemmPeak,
            "fraction_of_sgemm_peak": r.gflopsPerSecond / sgemmPeak,
        ]
    }
}
