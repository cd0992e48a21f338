import Simulation

/// A learning-rate schedule baseline: cosine annealing from the largest to the smallest learning
/// rate bin over `cycle` periods, restarted (warm restart, SGDR) whenever ADWIN or DDM signals
/// drift. It never retrains; only the learning rate moves, at the spec's default batch size.
public struct CosineRestartPolicy: TuningPolicy {
    /// Periods of one annealing cycle.
    public var cycle: Int
    /// Periods since the last restart.
    public private(set) var sinceRestart = 0
    public var name: String { "cosine-restarts" }

    public init(cycle: Int = 10) { self.cycle = max(cycle, 1) }

    public mutating func decide(_ observation: [Float], context: PolicyContext) -> TuningAction {
        let s = context.schema
        func value(_ name: String) -> Float { s.index(of: name).map { observation[$0] } ?? 0 }
        if value("adwin_change") >= 1 || value("ddm_state") >= 1 { sinceRestart = 0 }
        let rates = context.actions.learningRates.map { Double($0) }
        let t = Double(min(sinceRestart, cycle)) / Double(cycle)
        let lr = rates.first! + 0.5 * (rates.last! - rates.first!) * (1 + cos(Double.pi * t))
        sinceRestart += 1
        return TuningAction(learningRateBin: context.actions.nearestLearningRateBin(lr),
                            batchSizeBin: context.defaultAction.batchSizeBin)
    }
}

import Foundation
