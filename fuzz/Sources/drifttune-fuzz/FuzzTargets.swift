// libFuzzer entry point for DriftTune's input readers (issue 14, "Fuzzing").
//
// One executable serves every target; `DRIFTTUNE_FUZZ_TARGET` picks the reader. Built with
// `-D FUZZING -sanitize=fuzzer,address` (scripts/fuzz.sh), `main` hands over to libFuzzer's driver,
// which calls `LLVMFuzzerTestOneInput`. In a normal `swift build` the file compiles to a stub that only says how
// to run it, so the package builds and tests as before.
import DriftTuneCLI
import Experiments
import Foundation
import PolicyGradient
import PolicyRuntime
import ProductionLearner
import Simulation

/// The readers under fuzzing; the raw value is the name `scripts/fuzz.sh` takes.
enum FuzzTarget: String, CaseIterable {
    case environment, scenario, training, csv, policy, numbers, family

    /// Feeds one input to the real reader. Errors are the expected outcome for most inputs; only
    /// a crash, a sanitizer report, a leak or a timeout is a finding.
    func run(_ data: Data) {
        switch self {
        case .environment:
            // As `EnvironmentSpec.load` reads a file: bytes decoded as UTF-8 with replacement.
            _ = try? EnvironmentSpec.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml", defaultName: "fuzz")
        case .scenario:
            // Environment names resolve in the shipped catalog (`$DRIFTTUNE_ENVIRONMENTS`, set by the script).
            _ = try? Scenario.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml", catalog: FuzzTarget.catalog)
        case .training:
            _ = try? TrainingSettings.cartPole().applying(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml")
        case .csv:
            // As `LabelledCSV.read`: text must be UTF-8.
            guard let text = String(data: data, encoding: .utf8) else { return }
            _ = try? LabelledCSV.parse(text, input: "fuzz.csv", labelColumn: "label")
            _ = try? LabelledCSV.parse(text, input: "fuzz.csv", labelColumn: "label", skipBadRows: true)
        case .policy:
            // The bytes as a whole file, then the part after the first line under a freshly computed
            // header, so that mutations of the payload get past the digest check to decoding and
            // validation, and a policy that loads makes a few decisions.
            decide(try? PolicyFile.decode(data, file: "fuzz.policy"))
            let payload = data.firstIndex(of: 0x0A).map { data[($0 + 1)...] } ?? data[...]
            decide(try? PolicyFile.decode(FuzzTarget.withHeader(Data(payload)), file: "fuzz.policy"))
        case .family:
            // As `EnvironmentFamily.load`: the base spec resolves in the shipped catalog. A family that
            // loads then draws specs from every subfamily, held out included.
            guard let family = try? EnvironmentFamily.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml",
                                                            defaultName: "fuzz", loadBase: { try FuzzTarget.catalog.load(
                                                                URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent) })
            else { return }
            for seed in [UInt64(0), 1, 12_345, .max] { _ = try? family.spec(seed: seed, subfamilies: family.subfamilyNames) }
        case .numbers:
            guard let text = String(data: data, encoding: .utf8) else { return }
            _ = try? NumberStream.parse(text, input: "fuzz.txt")
            _ = try? NumberStream.parse(text, input: "fuzz.csv", column: "value")
        }
    }

    static let catalog = EnvironmentCatalog()

    /// `payload` behind a header whose byte count and digest match it.
    static func withHeader(_ payload: Data) -> Data {
        let header = "{\"format\":\"\(PolicyFile.formatName)\",\"format_version\":\(PolicyFile.supportedVersions.last ?? 2),"
            + "\"payload_bytes\":\(payload.count),\"sha256\":\"\(SHA256.hex(of: payload))\"}\n"
        return Data(header.utf8) + payload
    }

    /// A few decisions of a loaded policy: in range, at the edges, non-finite and of the wrong length.
    private func decide(_ document: PolicyDocument?) {
        guard let document else { return }
        var policy = TunedPolicy(document: document, seed: 1)
        let n = document.observationSchema.count
        for observation in [[Float](repeating: 0, count: n), [Float](repeating: 1, count: n),
                            [Float](repeating: -1e30, count: n), [Float](repeating: .nan, count: n),
                            [Float](repeating: 0.5, count: n + 1), []] {
            _ = policy.decide(observation)
            _ = policy.decide(observation, sample: true)
        }
        _ = policy.decide(named: [:])
    }
}

#if FUZZING
/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links). SwiftPM gives an executable its own
/// entry point, so `main` below starts the driver rather than relying on libFuzzer's `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target named by `DRIFTTUNE_FUZZ_TARGET`, read once.
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["DRIFTTUNE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("DRIFTTUNE_FUZZ_TARGET must be one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    selectedTarget.run(data)
    return 0
}

@main
enum FuzzMain {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { bytes, count in fuzzTestOneInput(bytes, count) })
    }
}
#else
@main
enum FuzzMain {
    static func main() {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        print("drifttune-fuzz is a libFuzzer target; run it with scripts/fuzz.sh \(names) SECONDS")
    }
}
#endif
