import Linalg
import PolicyRuntime
import Simulation

/// Tuning-environment speed for `drifttune bench`: whole periods (generate, predict, learn,
/// monitor, observe) per second under a uniformly random policy, the figure a Gymnasium user's
/// random-policy loop is compared with (`scripts/check_gym.py`).
public enum EnvironmentStepThroughput {
    /// Periods per CPU second of the calling thread on `spec`, with actions drawn uniformly from the
    /// action bins by a seeded stream; episodes restart from fresh seeds when they end. Resets are
    /// timed too, as a Python loop pays for them.
    public static func periodsPerSecond(spec: EnvironmentSpec, seed: UInt64 = 1, minSeconds: Double = 0.5) throws -> Double {
        var env = try TuningEnvironment(spec: spec, components: .standard)
        var rng = RandomSource(seed: seed)
        let bins = env.actions
        let heads = bins.headSizes
        _ = env.reset(seed: rng.next())
        _ = env.step(bins.action(bins: heads.map { rng.nextInt(below: $0) }, after: env.lastAction))   // warm-up period
        var periods = 0
        let start = StreamThroughput.threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            let result = env.step(bins.action(bins: heads.map { rng.nextInt(below: $0) }, after: env.lastAction))
            periods += 1
            if result.done { _ = env.reset(seed: rng.next()) }
            elapsed = StreamThroughput.threadCPUSeconds() - start
        } while elapsed < minSeconds
        return Double(periods) / elapsed
    }
}
