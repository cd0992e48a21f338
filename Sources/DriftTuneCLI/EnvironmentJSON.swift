import DriftDetection
import PolicyRuntime
import Simulation

/// What `envs list --json` and `envs describe --json` print (snake_case keys through
/// `SimulationOutput.json`).
enum EnvironmentJSON {
    struct Summary: Encodable {
        var name: String
        var description: String
        var file: String
        var generator: String
        var metric: String
        var episodeLength: Int
        var periodLength: Int
        var driftEvents: Int

        init(_ s: EnvironmentSpec) {
            name = s.name
            description = s.description
            file = s.file
            generator = s.generator.rawValue
            metric = s.metric.rawValue
            episodeLength = s.episodeLength
            periodLength = s.periodLength
            driftEvents = s.drift.count
        }
    }

    struct Learner: Encodable {
        var model: String
        var learningRate: Double
        var batchSize: Int
        var window: Int
        var fineTuneEpochs: Int
        var retrainEpochs: Int
    }

    struct Costs: Encodable {
        var computePrice: Double
        var fineTunePrice: Double
        var retrainPrice: Double
        var updateOverhead: Double
        var divergencePenalty: Double
        var computeBudget: Double
    }

    struct Feature: Encodable {
        var name: String
        var width: Int
        /// The human description (`envs describe`).
        var distribution: String
    }

    struct Drift: Encodable {
        var name: String
        var kind: String
        var target: String
        var start: Double
        var duration: Double
        var every: Double
        var strength: Double
        /// The human description (`envs describe`).
        var summary: String
    }

    struct Detail: Encodable {
        var summary: Summary
        var warmupPeriods: Int
        var featureCount: Int
        var classCount: Int
        var labelDelay: Int
        var labelNoise: Double
        var learner: Learner
        var costs: Costs
        var features: [Feature]
        var labelModel: String
        var drift: [Drift]
        var observationSchema: ObservationSchema
        var actions: ActionBins
        var loop: LoopSettings

        init(_ s: EnvironmentSpec) {
            summary = Summary(s)
            warmupPeriods = s.warmupPeriods
            featureCount = s.featureCount
            classCount = s.classCount
            labelDelay = s.labels.delay
            labelNoise = s.labels.noise
            let l = s.learner
            learner = Learner(model: l.model, learningRate: l.learningRate, batchSize: l.batchSize, window: l.window,
                              fineTuneEpochs: l.fineTuneEpochs, retrainEpochs: l.retrainEpochs)
            let c = s.costs
            costs = Costs(computePrice: c.computePrice, fineTunePrice: c.fineTunePrice, retrainPrice: c.retrainPrice,
                          updateOverhead: c.updateOverhead, divergencePenalty: c.divergencePenalty, computeBudget: c.computeBudget)
            features = s.features.map { Feature(name: $0.name, width: $0.width, distribution: EnvironmentDescription.describe($0.distribution)) }
            labelModel = EnvironmentDescription.describe(s.labelModel)
            drift = s.drift.map {
                Drift(name: $0.name, kind: $0.kind.rawValue, target: $0.target.rawValue, start: $0.start, duration: $0.duration,
                      every: $0.every, strength: $0.strength, summary: EnvironmentDescription.describe($0))
            }
            observationSchema = s.loopSettings.observationSchema
            actions = s.actionBins
            loop = s.loopSettings
        }
    }
}
