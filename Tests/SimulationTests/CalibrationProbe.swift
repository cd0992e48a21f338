import Foundation
import PolicyRuntime
import Testing
@testable import Simulation

/// A calibration script run as an opt-in test: prints per-policy figures for the environments in
/// DRIFTTUNE_PROBE (comma-separated; skipped when unset), e.g.
///
///     DRIFTTUNE_PROBE=network-diagnosis DRIFTTUNE_SEEDS=5 swift test --filter calibrationProbe
///
/// It checks only that every policy name parses and every figure is a finite number; the
/// calibration targets themselves are asserted in CalibrationTests.
@Test(.enabled(if: ProcessInfo.processInfo.environment["DRIFTTUNE_PROBE"] != nil, "a tuning script; set DRIFTTUNE_PROBE=ENV[,ENV]"))
func calibrationProbe() throws {
    let names = (ProcessInfo.processInfo.environment["DRIFTTUNE_PROBE"] ?? "").split(separator: ",").map(String.init)
    let seeds = Int(ProcessInfo.processInfo.environment["DRIFTTUNE_SEEDS"] ?? "3") ?? 3
    for name in names {
        let spec = try loadSpec(name)
        var env = try TuningEnvironment(spec: spec, components: ProcessInfo.processInfo.environment["DRIFTTUNE_TEST_LEARNER"] != nil ? .test : .standard)
        let policies = (ProcessInfo.processInfo.environment["DRIFTTUNE_POLICIES"] ?? "never,fixed,periodic:10,adwin,ddm,ks,oracle").split(separator: ",").map(String.init)
        for policyName in policies {
            _ = try #require(PolicyName.parse(policyName, spec: spec), "DRIFTTUNE_POLICIES: unknown policy '\(policyName)'")
            var results: [EpisodeResult] = []
            for s in 0..<seeds {
                results.append(env.runEpisode(policy: PolicyName.parse(policyName, spec: spec)!, seed: UInt64(s)))     // a fresh policy per episode
            }
            let first = mean(results.map { $0.meanMetric(periods: 1..<11) })
            let last = mean(results.map { $0.meanMetric(periods: (spec.episodeLength - 19)..<(spec.episodeLength + 1)) })
            let all = mean(results.map(\.meanMetric))
            let minP = results.map { r in r.periods.dropFirst().map(\.metric).min()! }.min()!
            let curve = (0...spec.episodeLength).map { p in mean(results.map { $0.periods[p].metric }) }
            #expect([first, last, all, minP].allSatisfy(\.isFinite) && curve.allSatisfy(\.isFinite), "\(name) \(policyName)")
            print(String(format: "%@ %-12@ first10 %.3f last20 %.3f all %.3f min %.3f retrains %.1f reward %.2f", name, policyName,
                         first, last, all, minP, mean(results.map { Double($0.retrains) }), mean(results.map(\.totalReward))))
            print("   " + curve.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
    }
}
