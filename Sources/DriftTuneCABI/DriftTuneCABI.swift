import Foundation
import PolicyRuntime
import Simulation

// The C ABI of the tuning environments, for Python (ctypes) and any other host: a handle holds
// `count` copies of one environment spec (`VectorizedEnvironment`), stepped together in one call.
// The header is python/drifttune_gym/drifttune_cabi.h; the Gymnasium package is python/drifttune_gym. Every function reports bad input through a
// return code and an error text, never a trap.
//
// Layout of the `info` rows written by `drifttune_env_step` (doubles, `infoFields` per environment).
let infoFields = ["period", "metric", "compute", "learning_rate", "batch_size", "retrain", "diverged", "compute_used"]

/// What a handle points at.
final class EnvironmentHandle {
    var environments: VectorizedEnvironment
    let spec: EnvironmentSpec
    let schema: ObservationSchema
    /// Drift events active in each environment's last period.
    var events: [[String]]

    init(spec: EnvironmentSpec, count: Int) throws {
        self.spec = spec
        schema = spec.loopSettings.observationSchema
        environments = try VectorizedEnvironment(spec: spec, count: count, components: .standard)
        events = Array(repeating: [], count: count)
    }
}

/// Reads a spec from YAML text (when it holds a newline), a file path, or a name in the catalog
/// (`$DRIFTTUNE_ENVIRONMENTS`, else the first `environments/` at or above the current directory).
func loadSpec(_ text: String) throws -> EnvironmentSpec {
    if text.contains("\n") { return try EnvironmentSpec.parse(yaml: text, file: "<yaml>") }
    return try EnvironmentCatalog().load(text)
}

func handle(_ p: UnsafeMutableRawPointer?) -> EnvironmentHandle? {
    p.map { Unmanaged<EnvironmentHandle>.fromOpaque($0).takeUnretainedValue() }
}

/// Copies `text` into a C buffer of `capacity` bytes, NUL-terminated, cut on overflow; returns the
/// bytes `text` needs (without the NUL).
@discardableResult
func copyOut(_ text: String, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Int32 {
    let bytes = Array(text.utf8)
    if let out, capacity > 0 {
        let n = min(bytes.count, Int(capacity) - 1)
        for i in 0..<n { out[i] = CChar(bitPattern: bytes[i]) }
        out[n] = 0
    }
    return Int32(bytes.count)
}

/// Creates `count` environments of a spec (YAML text, path or name). Returns NULL and writes the
/// reason into `error` on failure.
@_cdecl("drifttune_env_create")
public func drifttune_env_create(_ spec: UnsafePointer<CChar>?, _ count: Int32, _ errorText: UnsafeMutablePointer<CChar>?,
                                 _ errorCapacity: Int32) -> UnsafeMutableRawPointer? {
    guard let spec else { copyOut("spec is NULL", errorText, errorCapacity); return nil }
    guard count >= 1 && count <= 4096 else { copyOut("count \(count): expected 1…4096", errorText, errorCapacity); return nil }
    do {
        let h = try EnvironmentHandle(spec: try loadSpec(String(cString: spec)), count: Int(count))
        return Unmanaged.passRetained(h).toOpaque()
    } catch {
        copyOut("\(error)", errorText, errorCapacity)
        return nil
    }
}

@_cdecl("drifttune_env_free")
public func drifttune_env_free(_ p: UnsafeMutableRawPointer?) {
    guard let p else { return }
    Unmanaged<EnvironmentHandle>.fromOpaque(p).release()
}

@_cdecl("drifttune_env_count")
public func drifttune_env_count(_ p: UnsafeMutableRawPointer?) -> Int32 { Int32(handle(p)?.environments.count ?? 0) }

@_cdecl("drifttune_env_observation_size")
public func drifttune_env_observation_size(_ p: UnsafeMutableRawPointer?) -> Int32 { Int32(handle(p)?.schema.count ?? 0) }

/// Writes each observation feature's documented range (`ObservationSchema`).
@_cdecl("drifttune_env_observation_bounds")
public func drifttune_env_observation_bounds(_ p: UnsafeMutableRawPointer?, _ lower: UnsafeMutablePointer<Float>?,
                                             _ upper: UnsafeMutablePointer<Float>?) {
    guard let h = handle(p), let lower, let upper else { return }
    for (i, f) in h.schema.features.enumerated() { lower[i] = f.lower; upper[i] = f.upper }
}

/// Writes the three action head sizes (learning-rate bins, batch-size bins, retrain choices).
@_cdecl("drifttune_env_action_sizes")
public func drifttune_env_action_sizes(_ p: UnsafeMutableRawPointer?, _ sizes: UnsafeMutablePointer<Int32>?) {
    guard let h = handle(p), let sizes else { return }
    for (i, n) in h.spec.actionBins.headSizes.enumerated() { sizes[i] = Int32(n) }
}

/// Writes the head outputs of the default action (the spec's learning rate and batch size, no
/// retrain; with a `steps` learning-rate head, "stay", which keeps the default rate period 0 ran).
@_cdecl("drifttune_env_default_action")
public func drifttune_env_default_action(_ p: UnsafeMutableRawPointer?, _ action: UnsafeMutablePointer<Int32>?) {
    guard let h = handle(p), let action else { return }
    for (i, b) in h.spec.actionBins.holdingOutputs(of: h.spec.defaultAction).enumerated() { action[i] = Int32(b) }
}

@_cdecl("drifttune_env_episode_length")
public func drifttune_env_episode_length(_ p: UnsafeMutableRawPointer?) -> Int32 { Int32(handle(p)?.spec.episodeLength ?? 0) }

/// The spec's name; returns the bytes it needs.
@_cdecl("drifttune_env_name")
public func drifttune_env_name(_ p: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Int32 {
    copyOut(handle(p)?.spec.name ?? "", out, capacity)
}

/// Names of the observation features, comma-separated; returns the bytes they need.
@_cdecl("drifttune_env_feature_names")
public func drifttune_env_feature_names(_ p: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Int32 {
    copyOut(handle(p)?.schema.names.joined(separator: ",") ?? "", out, capacity)
}

/// Names of the `info` fields of `drifttune_env_step`, comma-separated.
@_cdecl("drifttune_env_info_names")
public func drifttune_env_info_names(_ out: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Int32 {
    copyOut(infoFields.joined(separator: ","), out, capacity)
}

/// Resets environment `index` (or all, with `index` −1 and one seed per environment in `seeds`)
/// and writes the observations (`count × observation_size` floats, or one row for one index).
@_cdecl("drifttune_env_reset")
public func drifttune_env_reset(_ p: UnsafeMutableRawPointer?, _ index: Int32, _ seeds: UnsafePointer<UInt64>?,
                                _ observations: UnsafeMutablePointer<Float>?) -> Int32 {
    guard let h = handle(p), let seeds, let observations else { return -1 }
    let n = h.environments.count, size = h.schema.count
    guard index >= -1 && index < Int32(n) else { return -1 }
    let s = (0..<(index == -1 ? n : 1)).map { seeds[$0] }
    let target = Int(index)
    let results: [[Float]?] = h.environments.map { env, i in
        if target == -1 { return env.reset(seed: s[i]) }
        return i == target ? env.reset(seed: s[0]) : nil
    }
    var row = 0
    for (i, obs) in results.enumerated() {
        guard let obs else { continue }
        h.events[i] = []
        for j in 0..<size { observations[row * size + j] = j < obs.count ? obs[j] : .nan }
        row += 1
    }
    return 0
}

/// Steps every environment with its action (`count × 3` bins: learning rate, batch size, retrain
/// choice) in one call, in parallel across cores. Writes observations, rewards, done flags and
/// `info` rows. Returns 0, or −1 with the reason in `error` (an action out of its bins).
@_cdecl("drifttune_env_step")
public func drifttune_env_step(_ p: UnsafeMutableRawPointer?, _ actions: UnsafePointer<Int32>?,
                               _ observations: UnsafeMutablePointer<Float>?, _ rewards: UnsafeMutablePointer<Double>?,
                               _ dones: UnsafeMutablePointer<UInt8>?, _ info: UnsafeMutablePointer<Double>?,
                               _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int32) -> Int32 {
    guard let h = handle(p), let actions, let observations, let rewards, let dones, let info else {
        copyOut("a NULL argument", error, errorCapacity)
        return -1
    }
    let n = h.environments.count, size = h.schema.count, bins = h.spec.actionBins
    var tuning: [TuningAction] = []
    let last = h.environments.map { env, _ in env.lastAction }
    for i in 0..<n {
        let a = (0..<3).map { Int(actions[i * 3 + $0]) }
        for (k, limit) in bins.headSizes.enumerated() where !(0..<limit).contains(a[k]) {
            copyOut("environment \(i): action head \(k) bin \(a[k]) outside 0..<\(limit)", error, errorCapacity)
            return -1
        }
        tuning.append(bins.action(bins: a, after: last[i]))
    }
    let results = h.environments.step(tuning)
    let used = h.environments.map { env, _ in env.computeUsed }
    for (i, r) in results.enumerated() {
        for j in 0..<size { observations[i * size + j] = j < r.observation.count ? r.observation[j] : .nan }
        rewards[i] = r.reward
        dones[i] = r.done ? 1 : 0
        let retrain: Double = r.info.retrain == .none ? 0 : r.info.retrain == .fineTune ? 1 : 2
        let row: [Double] = [Double(r.info.period), r.info.metric, r.info.compute, Double(r.info.learningRate),
                             Double(r.info.batchSize), retrain, r.info.terminationReason == nil ? 0 : 1, used[i]]
        for (k, v) in row.enumerated() { info[i * infoFields.count + k] = v }
        h.events[i] = r.info.activeEvents
    }
    return 0
}

/// Drift events active in environment `index`'s last period, comma-separated; returns the bytes
/// they need.
@_cdecl("drifttune_env_events")
public func drifttune_env_events(_ p: UnsafeMutableRawPointer?, _ index: Int32, _ out: UnsafeMutablePointer<CChar>?,
                                 _ capacity: Int32) -> Int32 {
    guard let h = handle(p), index >= 0, Int(index) < h.events.count else { return copyOut("", out, capacity) }
    return copyOut(h.events[Int(index)].joined(separator: ","), out, capacity)
}
