import ArgumentParser
import Foundation
import Linalg
import PolicyRuntime
import SafeFiles
import Simulation

/// `drifttune stream`: write an environment's labelled stream as CSV, for `drifttune learn`.
public struct StreamCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Write a simulated environment's labelled stream as CSV (features x0…, then label).",
        discussion: """
            The stream covers the spec's warm-up periods, then the episode's periods 0 through \
            episode_length (what the simulator runs), drawn exactly as the simulator draws them for the \
            seed. --drift-shift and --drift-scale make schedule variants that no \
            scenario uses, to test a policy on drift it never saw.
            """)

    @OptionGroup var location: EnvironmentOptions
    @Option(help: "Environment name (or a spec file).") var env: String
    @Option(help: "Stream seed.") var seed: UInt64 = 0
    @Option(help: "Move every drift event by this many periods (may be fractional or negative).") var driftShift: Double = 0
    @Option(help: "Multiply every drift event's strength by this factor.") var driftScale: Double = 1
    @Option(help: "Output file (default: standard output).") var out: String?

    public init() {}

    public func run() throws {
        try reportingUserErrors {
            var spec = try location.catalog().load(env)
            guard driftScale.isFinite, driftScale >= 0, driftShift.isFinite else {
                throw UserError("--drift-scale must be ≥ 0 and --drift-shift finite")
            }
            spec = StreamExport.variant(of: spec, shift: driftShift, scale: driftScale)
            let text = StreamExport.csv(spec: spec, seed: seed)
            if let out {
                try OutputFile.write(text, to: out)
                warn("drifttune: wrote \(out) (\(spec.warmupPeriods + spec.episodeLength + 1) periods of \(spec.periodLength))\n")
            } else {
                try emit(text, terminator: "")
            }
        }
    }
}

/// The logic behind `stream`, reachable from tests.
public enum StreamExport {
    /// The spec with every drift event moved by `shift` periods and its strength scaled.
    public static func variant(of spec: EnvironmentSpec, shift: Double, scale: Double) -> EnvironmentSpec {
        var s = spec
        s.drift = s.drift.map { e in
            var e = e
            e.start += shift
            e.strength *= scale
            return e
        }
        return s
    }

    /// Warm-up plus episode periods (0 through `episodeLength`) of the stream for `seed`, drawn
    /// exactly as the simulator draws them.
    public static func csv(spec: EnvironmentSpec, seed: UInt64) -> String {
        var generator = DomainGenerator(spec: spec, rng: RandomSource(seed: seed).split("generator"))
        let f = generator.featureCount, p = spec.periodLength
        var lines = [((0..<f).map { "x\($0)" } + ["label"]).joined(separator: ",")]
        // Exactly the simulator's draws: the warm-up in one call, then one call per period.
        var calls: [(start: Int, periods: Int)] = spec.warmupPeriods > 0 ? [(-spec.warmupPeriods, spec.warmupPeriods)] : []
        calls += (0...spec.episodeLength).map { ($0, 1) }
        for call in calls {
            let n = call.periods * p
            var x = [Float](repeating: 0, count: n * f)
            var y = [Int32](repeating: 0, count: n)
            x.withUnsafeMutableBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    generator.generate(start: Double(call.start), samplesPerPeriod: p, count: n, features: px.baseAddress!,
                                       labels: py.baseAddress!)
                }
            }
            for i in 0..<n {
                lines.append((x[(i * f)..<((i + 1) * f)].map { "\($0)" } + ["\(y[i])"]).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
