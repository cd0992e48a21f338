import Linalg
import PolicyRuntime

/// Many environments stepped together, in parallel across cores. Each environment owns its state
/// and random streams, and BLAS runs single-threaded inside, so results are bitwise identical to
/// stepping the same environments one after another.
///
///     var envs = try VectorizedEnvironment(spec: spec, count: 8, components: .standard)
///     let observations = envs.reset(seeds: Array(0..<8))
///     let results = envs.step(actions)
public struct VectorizedEnvironment: Sendable {
    public private(set) var environments: [TuningEnvironment]
    /// Run serially instead of across cores (for comparisons and debugging).
    public var serial = false

    public init(spec: EnvironmentSpec, count: Int, components: EnvironmentComponents) throws {
        let one = try TuningEnvironment(spec: spec, components: components)
        environments = Array(repeating: one, count: count)
    }

    public init(environments: [TuningEnvironment]) {
        self.environments = environments
    }

    public var count: Int { environments.count }

    public mutating func reset(seeds: [UInt64]) -> [[Float]] {
        precondition(seeds.count == environments.count, "one seed per environment")
        return forEach { env, i in env.reset(seed: seeds[i]) }
    }

    /// Steps every environment with its action. Finished environments return a terminal result.
    public mutating func step(_ actions: [TuningAction]) -> [StepResult] {
        precondition(actions.count == environments.count, "one action per environment")
        return forEach { env, i in env.step(actions[i]) }
    }

    /// Runs one episode per seed with copies of `policy`, in parallel.
    public mutating func runEpisodes<P: TuningPolicy>(policy: P, seeds: [UInt64]) -> [EpisodeResult] {
        precondition(seeds.count == environments.count, "one seed per environment")
        return forEach { env, i in env.runEpisode(policy: policy, seed: seeds[i]) }
    }

    /// Applies `body` to every environment with its index, in parallel unless `serial`.
    public mutating func map<R: Sendable>(_ body: (inout TuningEnvironment, Int) -> R) -> [R] { forEach(body) }

    private mutating func forEach<R: Sendable>(_ body: (inout TuningEnvironment, Int) -> R) -> [R] {
        let n = environments.count
        if serial || n <= 1 {
            var out: [R] = []
            for i in 0..<n { out.append(body(&environments[i], i)) }
            return out
        }
        var results = [R?](repeating: nil, count: n)
        BLAS.withThreadCount(1) {
            environments.withUnsafeMutableBufferPointer { envs in
                results.withUnsafeMutableBufferPointer { res in
                    // Index i touches only environment i and result slot i.
                    Parallel.forEach(n, workers: n) { i in res[i] = body(&envs[i], i) }
                }
            }
        }
        return results.map { $0! }
    }
}
