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
    // The regret is recomputed here from the scores: each setting's worst shortfall against the
    // column's best, minimized over settings.
    let shortfalls = table.scores.map { row in table.columns.indices.map { c in table.scores.map { $0[c] }.max()! - row[c] }.max()! }
    let (best, regret) = table.minimaxRegret
    #expect(regret == shortfalls.min()! && shortfalls[best] == regret)
    #expect(table.noSingleBest == (regret > 0))
    // The same computation is deterministic.
    let again = try FixedSettingsTable.compute(specs: [spec], settings: settings, seeds: [0, 1], components: .test)
    #expect(again.scores == table.scores)
}

private func table(_ scores: [[Double]]) -> FixedSettingsTable {
    FixedSettingsTable(columns: scores[0].indices.map { "env/\($0)" },
                       settings: scores.indices.map { FixedSetting(learningRateBin: $0, batchSizeBin: 0, retrainEvery: 0) },
                       settingLabels: scores.indices.map { "s\($0)" }, scores: scores)
}

@Test func minimaxRegretPicksTheSmallestWorstShortfall() {
    // s0 wins column 0, s1 column 1; s2 wins nothing but gives up least: 0.1 and 0.3 against 0.8 and 0.4.
    let split = table([[1.0, 0.0], [0.6, 0.8], [0.9, 0.5]])
    #expect(split.best == [0, 1] && split.noSingleBest)
    #expect(split.minimaxRegret.setting == 2 && abs(split.minimaxRegret.regret - 0.3) < 1e-12)
    // A setting best in every column has no regret.
    let dominated = table([[0.2, 0.1], [0.5, 0.4], [0.3, 0.3]])
    #expect(dominated.best == [1, 1] && !dominated.noSingleBest)
    #expect(dominated.minimaxRegret.setting == 1 && dominated.minimaxRegret.regret == 0)
}
