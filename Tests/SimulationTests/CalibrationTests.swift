import PolicyRuntime
import Testing
@testable import Simulation

/// A cheap version of the calibration targets of issue 3 (the full figures use 10 seeds with the
/// release CLI: `drifttune simulate --env NAME --policy P --seeds 0..9`). One seed per policy (debug builds are slow); the policies run in parallel.
private func summaries(_ name: String, _ policies: [String], seeds: [UInt64] = [0]) throws -> [String: EpisodeSummary] {
    let spec = try loadSpec(name)
    let jobs = policies.flatMap { p in seeds.map { (p, $0) } }
    var envs = try VectorizedEnvironment(spec: spec, count: jobs.count, components: .standard)
    let episodes = envs.map { env, i in env.runEpisode(policy: PolicyName.parse(jobs[i].0, spec: spec)!, seed: jobs[i].1) }
    var out: [String: EpisodeSummary] = [:]
    for p in policies {
        out[p] = EpisodeSummary(episodes: zip(jobs, episodes).filter { $0.0.0 == p }.map(\.1), events: spec.drift)
    }
    return out
}

@Test func networkDiagnosisIsCalibrated() throws {
    let s = try summaries("network-diagnosis", ["never", "adwin", "oracle"])
    let never = s["never"]!, adwin = s["adwin"]!, oracle = s["oracle"]!
    #expect(never.firstTenMetric >= 0.88, "never, periods 1–10: \(never.firstTenMetric)")
    #expect(never.lastTwentyMetric <= 0.75, "never, last 20: \(never.lastTwentyMetric)")
    for m in [oracle.firstTenMetric, oracle.lastTwentyMetric, oracle.meanMetric] { #expect(m >= 0.86, "oracle: \(m)") }
    #expect(adwin.meanMetric > never.meanMetric)
    #expect(oracle.meanMetric > adwin.meanMetric)
}

@Test func intentRecognitionIsCalibrated() throws {
    let s = try summaries("intent-recognition", ["never", "ddm", "oracle"])
    let never = s["never"]!
    let before = never.periods[1..<20].map(\.metric).reduce(0, +) / 19
    let after = never.periods[21...].map(\.metric).reduce(0, +) / Double(never.periods.count - 21)
    #expect(before - after >= 0.15, "never: \(before) before the new intents, \(after) after")
    #expect(s["ddm"]!.meanMetric > never.meanMetric)
    #expect(s["oracle"]!.meanMetric > s["ddm"]!.meanMetric)
}

@Test func recommendationIsCalibrated() throws {
    let s = try summaries("recommendation", ["never", "ddm", "oracle"])
    let never = s["never"]!
    #expect(never.firstTenMetric - never.lastTwentyMetric >= 0.08,
            "never: AUC \(never.firstTenMetric) in periods 1–10, \(never.lastTwentyMetric) in the last 20")
    #expect(s["ddm"]!.meanMetric > never.meanMetric)
    #expect(s["oracle"]!.meanMetric > s["ddm"]!.meanMetric)
}
