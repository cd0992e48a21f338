import Foundation
import Linalg
import PolicyRuntime
import YAMLConfig

/// Drawing concrete specs from a family: a pure function of the seed and the subfamilies.
extension EnvironmentFamily {
    /// The subfamily an episode with `seed` draws from, uniformly among `names`.
    public func subfamily(seed: UInt64, among names: [String]) throws -> Subfamily {
        var rng = RandomSource(seed: seed).split("family")
        return try pickSubfamily(&rng, names)
    }

    /// The spec of the episode with `seed`: a subfamily drawn uniformly from `names`, then every
    /// value the family randomizes drawn from its range, on random streams split from the seed
    /// (so the same seed always gives the same spec). The spec keeps the base's other values,
    /// runs the family's model and standardization, and is validated.
    ///
    /// - Throws: `ConfigError` for an unknown or empty subfamily list, or a drawn spec that fails
    ///   `EnvironmentSpec.validate()` (`load` refuses families whose ranges allow that).
    public func spec(seed: UInt64, subfamilies names: [String]) throws -> EnvironmentSpec {
        var rng = RandomSource(seed: seed).split("family")
        let sub = try pickSubfamily(&rng, names)
        var spec = base
        spec.name = "\(name)-\(sub.name)"
        spec.description = "family \(name), subfamily \(sub.name) (drift: \(sub.kinds.map(\.rawValue).joined(separator: ", "))), seed \(seed)"
        spec.file = file
        spec.learner.model = model
        spec.learner.standardize = standardize
        spec.learner.updates = stream.updates[rng.nextInt(below: stream.updates.count)]
        spec.labels = LabelSpec(delay: stream.labelDelay.drawInt(&rng), noise: stream.labelNoise.draw(&rng))
        let width = stream.features.drawInt(&rng)
        switch concept {
        case .logistic(let loading, let signal, let bias):
            try drawLogistic(&spec, width: width, loading: loading, signal: signal, bias: bias, kinds: sub.kinds, rng: &rng)
        case .centroids(let classes, let separation, let noise, let zipf):
            try drawCentroids(&spec, width: width, classes: classes, separation: separation, noise: noise, zipf: zipf,
                              kinds: sub.kinds, rng: &rng)
        }
        try spec.validate()
        return spec
    }

    private func pickSubfamily(_ rng: inout RandomSource, _ names: [String]) throws -> Subfamily {
        guard !names.isEmpty else {
            throw ConfigError.invalid(file: file, line: 0, column: 0, field: "families", problem: "no subfamily to draw from")
        }
        let pick = names[rng.nextInt(below: names.count)]
        guard let sub = subfamilies.first(where: { $0.name == pick }) else {
            throw ConfigError.invalid(file: file, line: 0, column: 0, field: "families",
                                      problem: "no subfamily '\(ConfigError.excerpt(pick))'; expected one of \(subfamilyNames.joined(separator: ", "))")
        }
        return sub
    }

    private func missing(_ key: String) -> ConfigError {
        .invalid(file: file, line: 0, column: 0, field: "drift.\(key)", problem: "needed by a target in drift.targets")
    }

    /// Kind, timing and strength of one event (the target's parameters are filled in by the caller).
    private func drawEvent(index: Int, target: DriftEvent.Target, kinds: [DriftEvent.Kind], rng: inout RandomSource) -> DriftEvent {
        let kind = kinds[rng.nextInt(below: kinds.count)]
        let start = Double(drift.start.drawInt(&rng))
        var duration = 0.0, every = 0.0
        switch kind {
        case .sudden: break
        case .gradual, .incremental: duration = drift.duration.draw(&rng)
        case .recurring:
            every = Double(drift.every.drawInt(&rng))
            duration = min(Double(drift.onLength.drawInt(&rng)), every)
        }
        return DriftEvent(name: "\(kind.rawValue)-\(target.rawValue)-\(index)", kind: kind, target: target, start: start,
                          duration: duration, every: every, strength: drift.strength.draw(&rng), parameters: DriftParameters())
    }

    /// Standardized weights of norm `signal` (the clean logit's standard deviation for independent
    /// columns), one per column.
    private static func weights(_ width: Int, signal: Double, rng: inout RandomSource) -> [Double] {
        let w = (0..<width).map { _ in rng.nextGaussian() }
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? w.map { $0 * signal / norm } : w
    }

    /// latent_logistic: `width` numeric columns at raw scales. Column j has standard deviation
    /// σⱼ = 10^log10_scale, mean offset·σⱼ and loading λⱼσⱼ on the latent factor (so its
    /// standardized form zⱼ has unit variance); the label's logit is `bias + Σ wⱼ zⱼ` with
    /// standardized weights of norm `signal`, written in raw units (wⱼ/σⱼ, bias − Σ wⱼ μⱼ/σⱼ).
    private func drawLogistic(_ spec: inout EnvironmentSpec, width: Int, loading: FamilyRange, signal: FamilyRange,
                              bias biasRange: FamilyRange, kinds: [DriftEvent.Kind], rng: inout RandomSource) throws {
        var structure = rng.split("structure")
        let names = (0..<width).map { "x\($0)" }
        var sigma: [Double] = [], mu: [Double] = []
        var features: [FeatureGroup] = []
        for j in 0..<width {
            let s = pow(10, stream.log10Scale.draw(&structure))
            let lambda = loading.draw(&structure)
            let m = stream.offset.draw(&structure) * s
            sigma.append(s)
            mu.append(m)
            features.append(FeatureGroup(name: names[j], distribution: .numeric(mean: m, std: (1 - lambda * lambda).squareRoot() * s,
                                                                                 loading: lambda * s)))
        }
        let strength = signal.draw(&structure)
        let biasStd = biasRange.draw(&structure)
        func raw(_ w: [Double]) -> (weights: [String: Double], bias: Double) {
            var out: [String: Double] = [:], b = biasStd
            for j in 0..<width {
                out[names[j]] = w[j] / sigma[j]
                b -= w[j] * mu[j] / sigma[j]
            }
            return (out, b)
        }
        let base = raw(Self.weights(width, signal: strength, rng: &structure))
        spec.features = features
        spec.labelModel = .logistic(bias: base.bias, weights: base.weights)

        var events: [DriftEvent] = []
        var eventRng = rng.split("drift")
        let count = drift.events.drawInt(&eventRng)
        for i in 0..<count {
            let target = drift.targets[eventRng.nextInt(below: drift.targets.count)]
            var e = drawEvent(index: i, target: target, kinds: kinds, rng: &eventRng)
            switch target {
            case .decisionBoundary:
                // A new concept: fresh weights of the same signal, the same class balance.
                let next = raw(Self.weights(width, signal: strength, rng: &eventRng))
                e.parameters.weights = next.weights
                e.parameters.bias = next.bias
            case .featureDistribution:
                guard let shift = drift.shift else { throw missing("shift") }
                var columns = Array(0..<width)
                eventRng.shuffle(&columns)
                var shifts: [String: Double] = [:]
                for j in columns.prefix(1 + eventRng.nextInt(below: min(3, width))) {
                    shifts[names[j]] = (eventRng.nextInt(below: 2) == 0 ? -1 : 1) * shift.draw(&eventRng)
                }
                e.parameters.shifts = shifts
                // A real change of the population (moves the label too), or measurement interference.
                e.parameters.affectsLabel = eventRng.nextInt(below: 2) == 0
            case .classPriors:
                guard let change = drift.biasChange else { throw missing("bias_change") }
                e.parameters.bias = base.bias + (eventRng.nextInt(below: 2) == 0 ? -1 : 1) * change.draw(&eventRng)
            default:
                continue
            }
            events.append(e)
        }
        spec.drift = events
    }

    /// centroids: `classes` classes in `width` dimensions; separation and noise both multiplied by
    /// 10^log10_scale (a change of every column's scale). At most one new_classes event per episode
    /// (a second draw of that target becomes another target, or no event if there is none).
    private func drawCentroids(_ spec: inout EnvironmentSpec, width: Int, classes: FamilyRange, separation: FamilyRange,
                               noise: FamilyRange, zipf: FamilyRange, kinds: [DriftEvent.Kind], rng: inout RandomSource) throws {
        var structure = rng.split("structure")
        let k = classes.drawInt(&structure)
        let scale = pow(10, stream.log10Scale.draw(&structure))
        let sep = separation.draw(&structure) * scale
        let noiseStd = noise.draw(&structure) * scale
        let z = zipf.draw(&structure)
        spec.features = [FeatureGroup(name: "embedding", distribution: .embedding(dimension: width))]

        var events: [DriftEvent] = []
        var eventRng = rng.split("drift")
        var newCount = 0
        let count = drift.events.drawInt(&eventRng)
        for i in 0..<count {
            var target = drift.targets[eventRng.nextInt(below: drift.targets.count)]
            if target == .newClasses && newCount > 0 {
                let others = drift.targets.filter { $0 != .newClasses }
                guard !others.isEmpty else { continue }
                target = others[eventRng.nextInt(below: others.count)]
            }
            var e = drawEvent(index: i, target: target, kinds: kinds, rng: &eventRng)
            switch target {
            case .featureDistribution:
                guard let amount = drift.amount else { throw missing("amount") }
                e.parameters.amount = amount.draw(&eventRng)
            case .classPriors:
                guard let factor = drift.factor else { throw missing("factor") }
                var all = Array(0..<k)
                eventRng.shuffle(&all)
                e.parameters.classes = Array(all.prefix(1 + eventRng.nextInt(below: max(1, k / 3)))).sorted()
                e.parameters.factor = factor.draw(&eventRng)
            case .newClasses:
                guard let n = drift.newClasses, let share = drift.newClassShare else { throw missing("new_classes") }
                newCount = min(n.drawInt(&eventRng), k - 2)
                guard newCount >= 1 else { continue }
                e.parameters.count = newCount
                e.parameters.share = share.draw(&eventRng)
            default:
                continue
            }
            events.append(e)
        }
        spec.labelModel = .centroids(classes: k, initialClasses: k - newCount, separation: sep, noise: noiseStd, zipf: z)
        spec.drift = events
    }
}

extension EnvironmentFamily {
    /// The spec a general policy trained on this family is exported with: the base's fixed values
    /// (period, warm-up, window, epochs, costs, action bins, default action) with the family's
    /// model and standardization, labels at once and online updates — the loop `drifttune learn`
    /// runs on a user's stream, whose label arrives in the same row. Its loop settings, bins and
    /// default action are what the policy file records.
    public var productionSpec: EnvironmentSpec {
        var s = base
        s.name = name
        s.description = "general policy loop of family \(name)"
        s.file = file
        s.learner.model = model
        s.learner.standardize = standardize
        s.learner.updates = .online
        s.labels = LabelSpec(delay: 0, noise: 0)
        return s
    }
}
