import Foundation
import PolicyRuntime
import Testing
import YAMLConfig
@testable import Simulation

/// Environment families: the shipped files load, drawing is a pure function of the seed, every
/// drawn value lies in its range, and a bad family file is refused with file, line and field.
@Suite struct EnvironmentFamilyTests {
    static func family(_ name: String) throws -> EnvironmentFamily {
        try EnvironmentFamily.load(file: (environmentsDirectory as NSString).appendingPathComponent("families/\(name).yaml"))
    }

    @Test func familySamplingIsDeterministicPerSeed() throws {
        for name in ["binary", "multiclass"] {
            let f = try Self.family(name)
            let all = f.subfamilyNames
            for seed in [UInt64(0), 1, 17, 123_456_789] {
                #expect(try f.spec(seed: seed, subfamilies: all) == f.spec(seed: seed, subfamilies: all))
            }
            // Different seeds give different specs (feature count, scales, drift, labels).
            let specs = try (0..<UInt64(20)).map { try f.spec(seed: $0, subfamilies: all) }
            #expect(Set(specs.map(\.featureCount)).count > 5)
            #expect(Set(specs.map { $0.drift.map(\.start) }).count > 10)
            #expect(Set(specs.map(\.learner.updates)).count == 2)
            // An episode from a drawn spec is itself deterministic.
            var a = try TuningEnvironment(spec: specs[3], components: .test)
            var b = try TuningEnvironment(spec: specs[3], components: .test)
            #expect(a.reset(seed: 3) == b.reset(seed: 3))
        }
    }

    @Test func familyDrawsStayInTheirRanges() throws {
        let binary = try Self.family("binary")
        let multiclass = try Self.family("multiclass")
        for f in [binary, multiclass] {
            for seed in 0..<UInt64(300) {
                let s = try f.spec(seed: seed, subfamilies: f.subfamilyNames)
                #expect(s.learner.model == f.model)
                #expect(s.learner.standardize == f.standardize)
                #expect(f.stream.updates.contains(s.learner.updates))
                #expect(f.stream.labelNoise.contains(s.labels.noise))
                #expect(f.stream.labelDelay.contains(Double(s.labels.delay)))
                #expect(s.periodLength == f.base.periodLength && s.episodeLength == f.base.episodeLength)
                #expect(s.actionBins == f.base.actionBins)
                #expect(f.drift.events.contains(Double(s.drift.count)))
                let sub = try f.subfamily(seed: seed, among: f.subfamilyNames)
                for e in s.drift {
                    #expect(sub.kinds.contains(e.kind))
                    #expect(f.drift.targets.contains(e.target))
                    #expect(f.drift.start.contains(e.start))
                    #expect(f.drift.strength.contains(e.strength))
                    switch e.kind {
                    case .gradual, .incremental: #expect(f.drift.duration.contains(e.duration))
                    case .recurring:
                        #expect(f.drift.every.contains(e.every))
                        #expect(e.duration >= 1 && e.duration <= e.every)
                    case .sudden: #expect(e.duration == 0)
                    }
                }
                switch s.labelModel {
                case .logistic:
                    #expect(f.stream.features.contains(Double(s.featureCount)))
                    for g in s.features {
                        guard case .numeric(let mean, let std, let loading) = g.distribution else {
                            Issue.record("non-numeric column \(g.name)")
                            continue
                        }
                        let sigma = (std * std + loading * loading).squareRoot()
                        #expect(f.stream.log10Scale.contains(log10(sigma).rounded(toPlaces: 9)))
                        #expect(f.stream.offset.contains((mean / sigma).rounded(toPlaces: 9)))
                    }
                case .centroids(let k, let initial, _, _, let zipf):
                    guard case .centroids(let classes, _, _, let zipfRange) = f.concept else {
                        Issue.record("multiclass family without a centroids concept")
                        continue
                    }
                    #expect(classes.contains(Double(k)))
                    #expect(initial >= 2 && initial <= k)
                    #expect(zipfRange.contains(zipf))
                    #expect(f.stream.features.contains(Double(s.featureCount)))
                case .factorization:
                    Issue.record("families draw no factorization specs")
                }
            }
        }
    }

    @Test func heldOutSubfamilyIsNeverDrawnForTraining() throws {
        let f = try Self.family("binary")
        #expect(f.heldOut == ["incremental"])
        #expect(Set(f.train).isDisjoint(with: f.heldOut))
        for seed in 0..<UInt64(200) {
            #expect(try f.spec(seed: seed, subfamilies: f.train).drift.allSatisfy { $0.kind != .incremental })
            #expect(try f.spec(seed: seed, subfamilies: f.heldOut).drift.allSatisfy { $0.kind == .incremental })
        }
    }

    /// The binary family's text with one line replaced, parsed as FILE (base read from the shipped spec).
    static func parse(replacing old: String, with new: String) throws -> EnvironmentFamily {
        let path = (environmentsDirectory as NSString).appendingPathComponent("families/binary.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old))
        return try EnvironmentFamily.parse(yaml: text.replacingOccurrences(of: old, with: new), file: "bad-family.yaml") { _ in
            try loadSpec("network-diagnosis")
        }
    }

    static func line(of needle: String) throws -> Int {
        let path = (environmentsDirectory as NSString).appendingPathComponent("families/binary.yaml")
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    @Test func familyErrorsNameFileLineAndField() throws {
        let noiseLine = try Self.line(of: "label_noise:")
        #expect(noiseLine > 0)
        do {
            _ = try Self.parse(replacing: "label_noise: {min: 0, max: 0.15}", with: "label_noise: {min: 0.2, max: 0.1}")
            Issue.record("a range with max < min was accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("bad-family.yaml:\(noiseLine):"))
            #expect(e.description.contains("'stream.label_noise.max': must be at least min (0.2)"))
        }
        let delayLine = try Self.line(of: "label_delay:")
        do {
            _ = try Self.parse(replacing: "label_delay: {min: 0, max: 300}", with: "label_delay: {min: 0, max: 1000}")
            Issue.record("a label delay of a whole period was accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("bad-family.yaml:\(delayLine):"))
            #expect(e.description.contains("stream.label_delay.max"))
            #expect(e.description.contains("0...999"))
        }
        let targetsLine = try Self.line(of: "targets:")
        do {
            _ = try Self.parse(replacing: "targets: [decision_boundary,", with: "targets: [new_classes,")
            Issue.record("a target the generator cannot draw was accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("bad-family.yaml:\(targetsLine):"))
            #expect(e.description.contains("new_classes"))
        }
        do {
            _ = try Self.parse(replacing: "held_out: [incremental]", with: "held_out: [sudden]")
            Issue.record("a subfamily both trained on and held out was accepted")
        } catch let e as ConfigError {
            #expect(e.description.contains("'held_out': subfamily 'sudden' is also in train"))
        }
        do {
            _ = try Self.parse(replacing: "  signal:", with: "  signl:")
            Issue.record("a misspelt key was accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("bad-family.yaml:"))
            #expect(e.description.contains("concept.signal"))
        }
    }
}

private extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let f = pow(10, Double(p))
        return (self * f).rounded() / f
    }
}

/// `family … --model`: another learner on the same draws (the general policy of fm or mlp); a
/// learner that cannot learn the family's labels is refused, naming why.
@Test func familyModelOverrideKeepsTheDrawsAndRefusesAMismatchedLearner() throws {
    let binary = try EnvironmentFamilyTests.family("binary")
    let fm = try binary.with(model: "fm")
    let a = try binary.spec(seed: 3, subfamilies: binary.train), b = try fm.spec(seed: 3, subfamilies: fm.train)
    #expect(b.learner.model == "fm" && fm.productionSpec.learner.model == "fm")
    var same = b
    same.learner.model = a.learner.model
    #expect(same == a)
    _ = try binary.with(model: "mlp")
    #expect(throws: ConfigError.self) { try binary.with(model: "softmax") }
    let multiclass = try EnvironmentFamilyTests.family("multiclass")
    _ = try multiclass.with(model: "mlp")
    #expect(throws: ConfigError.self) { try multiclass.with(model: "fm") }
    #expect(throws: ConfigError.self) { try multiclass.with(model: "tree") }
}
