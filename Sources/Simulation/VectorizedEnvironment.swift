import Dispatch
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
        let savedThreads = BLAS.threadCount
        BLAS.threadCount = 1
        defer { BLAS.threadCount = savedThreads }
        var results = [R?](repeating: nil, count: n)
        environments.withUnsafeMutableBufferPointer { envs in
            results.withUnsafeMutableBufferPointer { res in
                let e = UnsafeSendable(envs.baseAddress!), r = UnsafeSendable(res.baseAddress!)
                withoutActuallyEscaping(body) { body in
                    let b = UnsafeSendable(body)
                    // Each index is touched by exactly one worker.
                    DispatchQueue.concurrentPerform(iterations: n) { i in
                        r.value[i] = b.value(&e.value[i], i)
                    }
                }
            }
        }
        return results.map { $0! }
    }
}

/// Hands a pointer or closure to workers that each touch a disjoint part of what it points to.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
