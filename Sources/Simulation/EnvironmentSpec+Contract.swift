import PolicyRuntime

/// The spec seen through the training–production contract (PolicyRuntime): the one place where a
/// spec's YAML layout maps onto the loop settings, action bins and default action that the
/// simulator, exported policy files and `drifttune learn` share.
extension EnvironmentSpec {
    /// The learner loop this spec describes.
    /// Features are standardized only when the spec says so (`learner.standardize`): the shipped
    /// environments generate them at unit scale, and policies trained on them keep that loop.
    public var loopSettings: LoopSettings {
        LoopSettings(model: learner.model, periodLength: periodLength, window: learner.window, labelDelay: labels.delay,
                     fineTuneEpochs: learner.fineTuneEpochs, retrainEpochs: learner.retrainEpochs,
                     updateOverhead: costs.updateOverhead, computeBudget: costs.computeBudget, episodeLength: episodeLength,
                     warmupPeriods: warmupPeriods, standardize: learner.standardize,
                     updates: learner.updates, shadowLearners: learner.shadowLearners,
                     batchShadows: learner.batchShadows, experts: learner.experts, expertDecay: learner.expertDecay,
                     expertTolerance: learner.expertTolerance, expertHalfLife: learner.expertHalfLife,
                     metric: metric.rawValue)
    }

    /// The spec with the loop that produces observation schema `version`: shadow learners for 2,
    /// learning-rate and batch-size shadows for 3, an expert pool for 4, none of them for 1.
    public func withLoop(forSchema version: Int) -> EnvironmentSpec {
        var s = self
        s.learner.shadowLearners = version == 2 || version == 3
        s.learner.batchShadows = version == 3
        s.learner.experts = version == 4
        return s
    }

    /// The observation schema version a network with `inputs` inputs reads (1 when none matches).
    public static func schemaVersion(forInputs inputs: Int) -> Int {
        ObservationSchema.known.first { $0.count == inputs }?.version ?? 1
    }

    /// The action heads' bins.
    public var actionBins: ActionBins {
        ActionBins(learningRates: actions.learningRates.map { Float($0) }, batchSizes: actions.batchSizes,
                   learningRateHead: actions.learningRateHead, batchSizeHead: actions.batchSizeHead)
    }

    /// The spec's default learner settings (nearest bins), learning online, no retraining.
    public var defaultAction: TuningAction {
        let bins = actionBins
        return TuningAction(learningRateBin: bins.nearestLearningRateBin(learner.learningRate),
                            batchSizeBin: bins.nearestBatchSizeBin(learner.batchSize))
    }
}
