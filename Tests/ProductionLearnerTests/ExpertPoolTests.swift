import Foundation
import Learners
import Linalg
import PolicyRuntime
import Testing
@testable import ProductionLearner

private func poolRun(_ bins: ActionBins, default action: TuningAction = TuningAction(learningRateBin: 0, batchSizeBin: 0),
                     seed: UInt64 = 1) -> ProductionRun {
    let settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 2, standardize: true)
    return ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins, defaultAction: action, seed: seed)
}

private func runPool(_ run: ProductionRun, _ stream: LabelledCSV, decay: Double = 0.9,
                     tolerance: Double = LoopSettings.defaultExpertTolerance) throws -> (RunSummary, [PeriodLog]) {
    var rows = InMemoryRows(stream)
    var logs: [PeriodLog] = []
    var pool = run  // `learn --policy leader`: the rule over the loop with an expert pool
    pool.settings.experts = true
    pool.settings.expertDecay = decay
    pool.settings.expertTolerance = tolerance
    let summary = try pool.run(&rows, policy: LeaderRule()) { logs.append($0) }
    return (summary, logs)
}

@Test func aOneExpertPoolIsTheFixedRuleWithTheSameFigures() throws {
    let stream = flipStream(rows: 8_000, flipAt: 4_000)
    let run = poolRun(ActionBins(learningRates: [0.05], batchSizes: [16]))
    var fixedLogs: [PeriodLog] = []
    let fixed = try run.run(stream, policy: FixedPolicy()) { fixedLogs.append($0) }
    let (pool, poolLogs) = try runPool(run, stream)
    #expect(pool.periods == fixed.periods && pool.meanMetric == fixed.meanMetric && pool.compute == fixed.compute)
    #expect(poolLogs.map(\.metric) == fixedLogs.map(\.metric))
    // Schema v4: the served stream's v1 vector, then the leader, who is the only expert (lead 0).
    #expect(poolLogs.map { Array($0.observation.prefix(18)) } == fixedLogs.map(\.observation))
    #expect(poolLogs.allSatisfy { $0.observation.count == ObservationSchema.v4.count && $0.observation.suffix(3) == [0, 0, 0] })
    #expect(poolLogs.allSatisfy { $0.expertMetrics == [$0.metric] })
    #expect(pool.controller == "leader")
}

/// The leader as docs/observation-schema.md defines it, written out apart from the pool: of the
/// experts whose decayed mean metric is within `tolerance` of the best, the one with the highest
/// learning rate per sample; then the higher score; then the first. Tolerance 0: the best score,
/// the first of equals.
private func expectedLeader(scores: [Double], weight: Double, tolerance: Double, experts: [TuningAction], bins: ActionBins) -> Int {
    let best = scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!
    guard tolerance > 0 else { return best }
    let tied = scores.indices.filter { scores[$0] >= scores[best] - tolerance * weight }
    func perSample(_ k: Int) -> Double { let (lr, b) = bins.values(of: experts[k]); return Double(lr) / Double(b) }
    return tied.max { (perSample($0), scores[$0], -$0) < (perSample($1), scores[$1], -$1) }!
}

@Test(arguments: [0, LoopSettings.defaultExpertTolerance, 0.05])
func thePoolServesTheLeaderOfTheDecayedScoresAndPaysForEveryExpert(tolerance: Double) throws {
    let stream = flipStream(rows: 12_000, flipAt: 5_000)
    let bins = ActionBins(learningRates: [0.0005, 0.05, 0.5], batchSizes: [8, 64])
    let (summary, logs) = try runPool(poolRun(bins, default: TuningAction(learningRateBin: 0, batchSizeBin: 1)), stream,
                                      decay: 0.7, tolerance: tolerance)
    let experts = ExpertPool.poolActions(bins)
    #expect(experts.count == 6)
    // Period 0 serves the default action's expert (lr bin 0, batch bin 1: index 3).
    #expect(logs[0].learningRate == 0.0005 && logs[0].batchSize == 64 && logs[0].metric == logs[0].expertMetrics?[3] ?? nil)
    var scores = [Double](repeating: 0, count: experts.count)
    var weight = 0.0
    var switches = 0, notTheBestScore = 0
    for t in logs.indices {
        let reported: [Double?] = try #require(logs[t].expertMetrics)
        let metrics: [Double] = try reported.map { try #require($0) }
        if t > 0 {
            let leader = expectedLeader(scores: scores, weight: weight, tolerance: tolerance, experts: experts, bins: bins)
            let (lr, batch) = bins.values(of: experts[leader])
            #expect(logs[t].learningRate == lr && logs[t].batchSize == batch, "period \(t)")
            #expect(logs[t].metric == metrics[leader], "period \(t)")
            if logs[t].learningRate != logs[t - 1].learningRate || logs[t].batchSize != logs[t - 1].batchSize { switches += 1 }
            if scores[leader] < scores.max()! { notTheBestScore += 1 }
        }
        for k in scores.indices { scores[k] = 0.7 * scores[k] + metrics[k] }
        weight = 0.7 * weight + 1
    }
    #expect(switches >= 1)  // the slow default expert is left once the others have shown their worth
    // Without tolerance the best score always serves; 5 points hand some period to a faster expert.
    if tolerance == 0 { #expect(notTheBestScore == 0) }
    if tolerance >= 0.05 { #expect(notTheBestScore > 0) }
    // Every expert learns every period: the compute is the sum over the pool, six times a lone learner's at least.
    let lone = try poolRun(ActionBins(learningRates: [0.05], batchSizes: [64])).run(stream, policy: FixedPolicy())
    #expect(summary.compute > 5 * lone.compute)
    // After the flip the slow expert stays wrong for long; the pool does not serve it.
    let served = logs[12...].map(\.metric).reduce(0, +) / Double(logs.count - 12)
    let slow = logs[12...].map { $0.expertMetrics![0]! }.reduce(0, +) / Double(logs.count - 12)
    #expect(served > slow + 0.3)
}

@Test func thePoolIsDeterministic() throws {
    let stream = flipStream(rows: 6_000, flipAt: 3_000)
    let bins = ActionBins(learningRates: [0.01, 0.1], batchSizes: [8, 32])
    let (a, la) = try runPool(poolRun(bins, seed: 7), stream)
    let (b, lb) = try runPool(poolRun(bins, seed: 7), stream)
    #expect(a == b && la == lb)
}

@Test func theLeaderIsTheFastestExpertWithinTheToleranceOfTheBestMeanMetric() {
    // Decayed sums over a weight of 10: mean metrics 0.9000, 0.8995, 0.8990, 0.8900.
    let scores = [9.0, 8.995, 8.99, 8.9]
    let adaptivity = [0.001, 0.01, 0.1, 1.0]
    let all = [true, true, true, true]
    func leader(_ tolerance: Double, active: [Bool] = all, adaptivity a: [Double] = adaptivity) -> Int? {
        ExpertPool.leader(scores: scores, active: active, adaptivity: a, tolerance: tolerance, weight: 10)
    }
    #expect(leader(0) == 0)  // the best score
    #expect(leader(0.0007) == 1)  // 0.8995 is within 0.0007 of 0.9; 0.8990 is not
    #expect(leader(0.0011) == 2)
    #expect(leader(0.02) == 3)
    #expect(leader(0.0011, active: [false, true, true, true]) == 2)  // the best of the rest is 0.8995
    #expect(leader(0.0011, active: [true, true, false, true]) == 1)
    #expect(leader(0.0011, adaptivity: [0.1, 0.1, 0.1, 1.0]) == 0)  // equally fast: the higher score
    #expect(leader(0.5, active: [false, false, false, false]) == nil)
}

@Test func aPoolToleranceOutsideZeroToOneIsRefusedInTheLoopAndInAPolicyFile() throws {
    let stream = flipStream(rows: 3_000, flipAt: 1_000)
    for tolerance in [-0.001, 1.5, Double.nan] {
        #expect(throws: LearnerError.self) {
            try runPool(poolRun(ActionBins(learningRates: [0.1], batchSizes: [8])), stream, tolerance: tolerance)
        }
    }
    var settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 2, experts: true)
    let written = try JSONEncoder().encode(settings)
    #expect(try JSONDecoder().decode(LoopSettings.self, from: written).expertTolerance == LoopSettings.defaultExpertTolerance)
    // A file written before the tolerance existed has none: its pool serves the best score, as it was trained to.
    var object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
    object["expert_tolerance"] = nil
    #expect(try JSONDecoder().decode(LoopSettings.self, from: JSONSerialization.data(withJSONObject: object)).expertTolerance == 0)
    object["expert_tolerance"] = 2
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(LoopSettings.self, from: JSONSerialization.data(withJSONObject: object)) }
    settings.experts = false  // written only with an expert pool
    #expect(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self).contains("expert_tolerance") == false)
}

@Test func aPoolDecayOutsideZeroToOneIsRefused() {
    let stream = flipStream(rows: 3_000, flipAt: 1_000)
    for decay in [-0.1, 1.5, Double.nan] {
        #expect(throws: LearnerError.self) { try runPool(poolRun(ActionBins(learningRates: [0.1], batchSizes: [8])), stream, decay: decay) }
    }
}

@Test func aPoolWhoseWindowsTogetherPassTheLimitIsRefusedBeforeAllocating() throws {
    // One learner's window fits (2^24 samples × 4 features); 24 of them do not.
    var settings = LoopSettings(model: "logistic", periodLength: 500, window: 1 << 24, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 2, standardize: true)
    settings.experts = true
    let bins = ActionBins(learningRates: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3], batchSizes: [8, 16, 32, 64])
    let run = ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins,
                            defaultAction: TuningAction(learningRateBin: 0, batchSizeBin: 0), seed: 1)
    var rows = InMemoryRows(flipStream(rows: 2_000, flipAt: 1_000))
    #expect(throws: StreamError.self) { try run.run(&rows, policy: LeaderRule()) }
}

@Test func thePoolLogsTheServedExpertsProbabilities() throws {
    let stream = flipStream(rows: 5_000, flipAt: 2_500)
    var run = poolRun(ActionBins(learningRates: [0.001, 0.2], batchSizes: [8]))
    run.recordProbabilities = true
    let (_, logs) = try runPool(run, stream)
    for (t, entry) in logs.enumerated() {
        let probabilities = try #require(entry.probabilities)
        #expect(probabilities.count == 500 * 2)
        // The served predictions score the logged metric: arg-max accuracy on the period's labels.
        let first = (2 + t) * 500
        let correct = (0..<500).filter { i in
            (probabilities[2 * i + 1] > probabilities[2 * i] ? 1 : 0) == stream.labels[first + i]
        }.count
        #expect(abs(Double(correct) / 500 - entry.metric) < 1e-9, "period \(t)")
    }
}

/// An expert whose learner diverges leaves the pool: a policy that names it is served by the leader
/// instead, and the run goes on; when every expert has diverged the run stops, saying so.
@Test func aDivergedExpertLeavesThePoolAndTheLeaderServesInItsPlace() throws {
    let stream = flipStream(rows: 8_000, flipAt: 4_000, scales: [1e18, 1e18, 1, 1])
    var settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 1, standardize: false)
    settings.experts = true
    let bins = ActionBins(learningRates: [1e-40, 1e20], batchSizes: [8])
    let run = ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins,
                            defaultAction: TuningAction(learningRateBin: 1, batchSizeBin: 0), seed: 3)
    var logs: [PeriodLog] = []
    // The fixed rule names the default action (the diverging expert) every period.
    let summary = try run.run(stream, policy: FixedPolicy()) { logs.append($0) }
    let left = try #require(logs.firstIndex { $0.expertMetrics?[1] == nil }, "the fast expert diverged and left")
    #expect(summary.stoppedEarly == nil && logs.count == 15)
    #expect(logs[left...].allSatisfy { $0.learningRate == 1e-40 && $0.metric == $0.expertMetrics?[0] ?? nil })

    var alone = run
    alone.actions = ActionBins(learningRates: [1e20], batchSizes: [8])
    alone.defaultAction = TuningAction(learningRateBin: 0, batchSizeBin: 0)
    let stopped = try alone.run(stream, policy: FixedPolicy())
    #expect(stopped.stoppedEarly?.hasPrefix("every expert's learner diverged by period") == true)
    #expect(stopped.periods < 15)
}

/// The pool standardizes once per batch size (`StandardizedPass`): every expert's metric is still,
/// period by period, that of the same learner run alone at its setting, standardizing for itself.
@Test func everyExpertOfAStandardizingPoolScoresAsTheSameLearnerRunAlone() throws {
    let stream = flipStream(rows: 9_000, flipAt: 4_000, scales: [1e-3, 1, 1e4, 50])
    let bins = ActionBins(learningRates: [0.005, 0.05, 0.5], batchSizes: [8, 64])
    var settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, labelDelay: 130, computeBudget: 60,
                                episodeLength: 30, warmupPeriods: 2, standardize: true)
    let (_, logs) = try runPool(ProductionRun(model: .logistic, metric: .accuracy, settings: settings, actions: bins,
                                              defaultAction: TuningAction(learningRateBin: 0, batchSizeBin: 0), seed: 4), stream)
    settings.experts = false
    for (k, expert) in ExpertPool.poolActions(bins).enumerated() {
        let (lr, batch) = bins.values(of: expert)
        let alone = ProductionRun(model: .logistic, metric: .accuracy, settings: settings,
                                  actions: ActionBins(learningRates: [lr], batchSizes: [batch]),
                                  defaultAction: TuningAction(learningRateBin: 0, batchSizeBin: 0), seed: 4)
        var metrics: [Double] = []
        _ = try alone.run(stream, policy: FixedPolicy()) { metrics.append($0.metric) }
        #expect(logs.map { $0.expertMetrics?[k] ?? nil } == metrics, "expert \(k): lr \(lr), batch \(batch)")
    }
}

/// Serving sample by sample, written out apart from the pool: every expert's predictions come from
/// a lone `fixed` run at its setting (a pool's expert learns exactly as one), and each row goes to
/// `expectedLeader` of the per-sample correctness over the labels that have arrived (all but the
/// last `delay` rows'), decayed to half in `halfLife` rows; the default action's expert serves until
/// a first label arrives.
@Test(arguments: [(0, LoopSettings.defaultExpertTolerance), (130, 0.0)])
func servingSampleBySampleGivesEveryRowToTheLeaderOfTheLabelsThatHaveArrived(delay: Int, tolerance: Double) throws {
    let stream = flipStream(rows: 6_000, flipAt: 3_250)
    let bins = ActionBins(learningRates: [0.0005, 0.05, 0.5], batchSizes: [8, 64])
    let halfLife = 200
    var run = poolRun(bins, default: TuningAction(learningRateBin: 0, batchSizeBin: 1))
    run.settings.labelDelay = delay
    run.recordProbabilities = true
    let experts = ExpertPool.poolActions(bins)
    var predictions: [[Float]] = []  // every expert's predicted probabilities, scored rows in order
    for action in experts {
        var lone = run
        (lone.defaultAction, lone.actions) = (action, bins)
        var rows: [Float] = []
        _ = try lone.run(stream, policy: FixedPolicy()) { rows += $0.probabilities ?? [] }
        predictions.append(rows)
    }
    var pool = run
    pool.settings.experts = true
    pool.settings.expertTolerance = tolerance
    pool.settings.expertHalfLife = halfLife
    var logs: [PeriodLog] = []
    var source = InMemoryRows(stream)
    _ = try pool.run(&source, policy: LeaderRule()) { logs.append($0) }
    let served = logs.flatMap { $0.probabilities ?? [] }
    let labels = Array(stream.labels.suffix(served.count / 2))
    #expect(served.count == predictions[0].count && served.count == 2 * 500 * logs.count)

    let decay = pow(0.5, 1 / Double(halfLife))
    var scores = [Double](repeating: 0, count: experts.count), weight = 0.0, arrived = 0
    var counts: [[Int]] = []
    var switches = 0, previous = 3
    for t in labels.indices {
        if t % 500 == 0 { counts.append([Int](repeating: 0, count: experts.count)) }
        while arrived < t - delay {  // row `arrived`'s label is in
            weight = decay * weight + 1
            for k in experts.indices {
                let right = (predictions[k][2 * arrived + 1] > predictions[k][2 * arrived] ? 1 : 0) == Int(labels[arrived])
                scores[k] = decay * scores[k] + (right ? 1 : 0)
            }
            arrived += 1
        }
        let k = weight > 0 ? expectedLeader(scores: scores, weight: weight, tolerance: tolerance, experts: experts, bins: bins) : 3
        if k != previous { switches += 1 }
        previous = k
        counts[counts.count - 1][k] += 1
        #expect(served[2 * t] == predictions[k][2 * t] && served[2 * t + 1] == predictions[k][2 * t + 1], "row \(t)")
        if served[2 * t] != predictions[k][2 * t] { break }
    }
    #expect(logs.map(\.servedRows) == counts.map { Optional($0) })
    // The period reports the expert that served most rows.
    for (log, count) in zip(logs, counts) {
        let (lr, batch) = bins.values(of: experts[count.indices.max { count[$0] < count[$1] }!])
        #expect(log.learningRate == lr && log.batchSize == batch)
    }
    #expect(switches >= 2)  // served by more than one expert, within periods too
    #expect(counts.contains { $0.filter { $0 > 0 }.count > 1 })
}

@Test func servingSampleBySampleRecoversFromAChangeMidPeriodFasterThanServingWholePeriods() throws {
    // The concept flips 250 rows into a period: a whole-period server keeps the stale expert to its end.
    let stream = flipStream(rows: 9_000, flipAt: 5_250)
    let bins = ActionBins(learningRates: [0.0005, 0.05, 1.0], batchSizes: [8, 64])
    var wholePeriods = poolRun(bins)
    wholePeriods.settings.experts = true
    var bySample = wholePeriods
    bySample.settings.expertHalfLife = 100
    let (a, b) = (try wholePeriods.run(stream, policy: LeaderRule()), try bySample.run(stream, policy: LeaderRule()))
    var logsA: [PeriodLog] = [], logsB: [PeriodLog] = []
    _ = try wholePeriods.run(stream, policy: LeaderRule()) { logsA.append($0) }
    _ = try bySample.run(stream, policy: LeaderRule()) { logsB.append($0) }
    #expect(logsA.allSatisfy { $0.servedRows == nil } && logsB.allSatisfy { $0.servedRows?.reduce(0, +) == 500 })
    #expect(b.compute == a.compute)  // every expert learns either way: serving changes no one's updates
    #expect(logsB[8].metric > logsA[8].metric + 0.1, "the period of the change: \(logsB[8].metric) vs \(logsA[8].metric)")
}

@Test func anExpertHalfLifeIsRefusedOutOfRangeAndWithoutAPool() throws {
    var settings = LoopSettings(model: "logistic", periodLength: 500, window: 1000, computeBudget: 60, episodeLength: 30,
                                warmupPeriods: 2, experts: true, expertHalfLife: 500)
    #expect(settings.expertPoolProblem == nil)
    let written = try JSONEncoder().encode(settings)
    #expect(try JSONDecoder().decode(LoopSettings.self, from: written).expertHalfLife == 500)
    var object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
    object["expert_half_life"] = nil  // a file written before it serves whole periods
    #expect(try JSONDecoder().decode(LoopSettings.self, from: JSONSerialization.data(withJSONObject: object)).expertHalfLife == 0)
    for bad in [-1, LoopSettings.maxExpertHalfLife + 1] {
        object["expert_half_life"] = bad
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LoopSettings.self, from: JSONSerialization.data(withJSONObject: object)) }
    }
    object["expert_half_life"] = 500
    object["experts"] = nil
    object["expert_decay"] = nil
    object["expert_tolerance"] = nil
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(LoopSettings.self, from: JSONSerialization.data(withJSONObject: object)) }
    settings.expertHalfLife = 0  // written only when above 0
    #expect(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self).contains("expert_half_life") == false)
    settings.expertHalfLife = -5
    #expect(settings.expertPoolProblem?.contains("expert_half_life") == true)
}
