import Foundation
import PolicyGradient
import Testing

/// The acceptance run (release build, a few minutes):
/// `DRIFTTUNE_SLOW=1 swift test -c release --filter CartPoleValidationTests`.
@Test(.enabled(if: ProcessInfo.processInfo.environment["DRIFTTUNE_SLOW"] == "1"))
func ppoSolvesCartPoleInThreeOfFiveSeeds() {
    let results = CartPoleValidation.run(seeds: [1, 2, 3, 4, 5], steps: 150_000) { r in
        print(String(format: "cartpole seed %llu: %d steps, %.1f s, final greedy return %.1f ± %.1f, first ≥ %.0f at %@",
                     r.seed, r.steps, r.wallSeconds, r.finalMeanReturn, r.finalStdReturn, r.threshold,
                     r.firstStepReachingThreshold.map { "\($0) steps" } ?? "never"))
    }
    #expect(results.filter(\.solved).count >= 3)
}

@Test func validationReportsEachSeed() {
    var config = PPOConfig()
    config.numSteps = 32
    let results = CartPoleValidation.run(seeds: [1, 2], steps: 512, episodes: 2, evaluationInterval: 2, config: config)
    #expect(results.map(\.seed) == [1, 2])
    #expect(results.allSatisfy { $0.steps == 512 && $0.finalMeanReturn > 0 })
}
