import Testing
@testable import Simulation

@Test func fixedSettingsTableHasAColumnPerDriftKindAndStarsTheBest() throws {
    var spec = try loadSpec("network-diagnosis")
    spec.episodeLength = 6
    spec.periodLength = 100
    let settings = [FixedSetting(learningRateBin: 0, batchSizeBin: 0, retrainEvery: 0),
                    FixedSetting(learningRateBin: 2, batchSizeBin: 1, retrainEvery: 2)]
    let table = try FixedSettingsTable.compute(specs: [spec], settings: settings, seeds: [0, 1], components: .test)
    #expect(table.columns == ["network-diagnosis/gradual", "network-diagnosis/incremental",
                              "network-diagnosis/recurring", "network-diagnosis/all"])
    #expect(table.scores.count == 2 && table.scores.allSatisfy { $0.count == 4 && $0.allSatisfy(\.isFinite) })
    #expect(table.settingLabels == ["lr=0.003 b=8 K=never", "lr=0.0306 b=32 K=2"])
    let lines = table.markdown().split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines.dropFirst(2).map { $0.filter { $0 == "*" }.count }.reduce(0, +) == 4)
    let (best, regret) = table.minimaxRegret
    #expect(settings.indices.contains(best) && regret >= 0)
    #expect(regret == 0 || table.noSingleBest)
    // The same computation is deterministic.
    let again = try FixedSettingsTable.compute(specs: [spec], settings: settings, seeds: [0, 1], components: .test)
    #expect(again.scores == table.scores)
}
