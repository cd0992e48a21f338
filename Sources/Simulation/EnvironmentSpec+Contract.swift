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
                     metric: metric.rawValue)
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
