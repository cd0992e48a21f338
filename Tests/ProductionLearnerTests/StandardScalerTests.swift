import Foundation
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

private struct ScalerFixture: Decodable {
    struct Outputs: Decodable { var before: [[Double]]; var after: [[Double]] }
    var rows: [[Double]]
    var with_std: Outputs
    var without_std: Outputs
}

/// River's `preprocessing.StandardScaler`, row by row: `transform_one` before and after `learn_one`
/// (scripts/fixtures/standard_scaler_fixture.py), within 1e-6 (relative beyond 1).
@Test func standardScalerMatchesRiver() throws {
    let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    let fx = try JSONDecoder().decode(ScalerFixture.self, from: Data(contentsOf: dir.appendingPathComponent("standard_scaler.json")))
    for (withStd, expected) in [(true, fx.with_std), (false, fx.without_std)] {
        var s = StandardScaler(featureCount: 4, withStd: withStd)
        var worst = 0.0
        for (i, row) in fx.rows.enumerated() {
            let x = row.map { Float($0) }
            var z = [Float](repeating: 0, count: 4)
            s.transform(x, rows: 1, into: &z)
            for j in 0..<4 { worst = max(worst, abs(Double(z[j]) - expected.before[i][j]) / max(1, abs(expected.before[i][j]))) }
            s.learn(x, rows: 1)
            s.transform(x, rows: 1, into: &z)
            for j in 0..<4 { worst = max(worst, abs(Double(z[j]) - expected.after[i][j]) / max(1, abs(expected.after[i][j]))) }
        }
        #expect(worst < 1e-6, "with_std \(withStd): worst difference \(worst)")
    }
}

/// A binary stream whose two informative columns live at scales 1e-3 and 1e5; `standardized`
/// gives its globally standardized copy.
private func scaledStream(rows: Int, standardized: Bool) -> LabelledCSV {
    var rng = RandomSource(seed: 21)
    var x: [Float] = [], y: [Int32] = []
    for _ in 0..<rows {
        let a = Float(rng.nextGaussian()), b = Float(rng.nextGaussian()), c = Float(rng.nextGaussian())
        y.append(a + 0.7 * b - 0.3 * c + 0.3 * Float(rng.nextGaussian()) > 0 ? 1 : 0)
        x += standardized ? [a, b, c] : [0.002 + 1e-3 * a, 3e5 + 1e5 * b, c]
    }
    return LabelledCSV(featureNames: ["small", "large", "unit"], features: x, labels: y)
}

@Test func columnsAtScales1eMinus3And1e5LearnAsWellAsTheirStandardizedCopy() throws {
    func accuracy(_ stream: LabelledCSV, standardize: Bool) throws -> Double {
        let settings = LoopSettings(model: "logistic", periodLength: 1000, window: 4000, computeBudget: 100, episodeLength: 100,
                                    warmupPeriods: 1, standardize: standardize)
        let run = ProductionRun(model: .logistic, metric: .accuracy, settings: settings,
                                actions: ActionBins(learningRates: [0.05], batchSizes: [32]),
                                defaultAction: TuningAction(learningRateBin: 0, batchSizeBin: 0), seed: 1)
        return try run.run(stream, policy: HandWrittenRule.parse("fixed")!).meanMetric
    }
    let raw = try accuracy(scaledStream(rows: 20_000, standardized: false), standardize: true)
    let reference = try accuracy(scaledStream(rows: 20_000, standardized: true), standardize: false)
    let unscaled = try accuracy(scaledStream(rows: 20_000, standardized: false), standardize: false)
    #expect(reference > 0.85)
    #expect(abs(raw - reference) <= 0.01, "raw+standardize \(raw), pre-standardized \(reference)")
    #expect(unscaled < reference - 0.05, "without standardization the raw stream should suffer (\(unscaled))")
}

@Test func loopSettingsDecodeStandardizeAsFalseWhenAbsentAndWriteItOnlyWhenTrue() throws {
    let old = #"{"model":"logistic","period_length":100,"window":400,"label_delay":0,"fine_tune_epochs":1,"retrain_epochs":3,"update_overhead":0,"compute_budget":10,"episode_length":10,"warmup_periods":1}"#
    var loop = try JSONDecoder().decode(LoopSettings.self, from: Data(old.utf8))
    #expect(loop.standardize == false)
    let encoder = JSONEncoder()
    #expect(!String(decoding: try encoder.encode(loop), as: UTF8.self).contains("standardize"))
    #expect(try JSONDecoder().decode(LoopSettings.self, from: encoder.encode(loop)) == loop)
    loop.standardize = true
    #expect(String(decoding: try encoder.encode(loop), as: UTF8.self).contains("\"standardize\":true"))
    #expect(try JSONDecoder().decode(LoopSettings.self, from: encoder.encode(loop)).standardize)
}
