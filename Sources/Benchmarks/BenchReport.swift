import DriftDetection
import Foundation
import Linalg

/// What `drifttune bench` measures and prints.
public struct BenchReport {
    public var figures: [String: Any] = [:]

    /// Runs every case. `referenceScript`, when given, is run with python3 on the same data.
    ///
    /// - Parameter toolVersion: the `tool_version` figure (the CLI's version).
    public static func measure(_ bench: Benchmarks, toolVersion: String, referenceScript: String? = nil,
                               streamCount: Int = 200_000, progress: (String) -> Void) throws -> BenchReport {
        var report = BenchReport()
        #if DEBUG
        report.figures["warning"] = "debug build: figures are not representative; use swift run -c release drifttune bench"
        #endif
        report.figures["tool_version"] = toolVersion
        let machineThreads = ProcessInfo.processInfo.activeProcessorCount
        report.figures["cores"] = machineThreads
        report.figures["blas_core"] = BLAS.coreName

        var sgemm: [String: Double] = [:]
        for n in [256, 1024] {
            progress("sgemm n=\(n), 1 thread")
            sgemm["n\(n)_gflops_1_thread"] = bench.sgemmGFLOPS(n: n, threads: 1)
        }
        progress("sgemm n=1024, \(machineThreads) threads")
        sgemm["n1024_gflops_\(machineThreads)_threads"] = bench.sgemmGFLOPS(n: 1024, threads: machineThreads)
        report.figures["sgemm"] = sgemm
        // Everything after sgemm runs on one BLAS thread.
        try BLAS.withThreadCount(1) {
            try measureSingleThreaded(bench, sgemm: sgemm, referenceScript: referenceScript, streamCount: streamCount,
                                      progress: progress, into: &report)
        }
        return report
    }

    private static func measureSingleThreaded(_ bench: Benchmarks, sgemm: [String: Double], referenceScript: String?,
                                              streamCount: Int, progress: (String) -> Void,
                                              into report: inout BenchReport) throws {
        let stream = LabelledStream(count: streamCount, featureCount: 32, seed: 11)
        var logistic: [String: Double] = [:]
        for batch in [1, 32, 256] {
            progress("logistic regression d=32 batch=\(batch)")
            logistic["batch_\(batch)"] = bench.logisticSamplesPerSecond(stream: stream, batchSize: batch)
        }
        report.figures["logistic_regression_d32_samples_per_second"] = logistic

        let values = meanShiftStream(count: streamCount, seed: 12)
        var detectors: [String: Double] = [:]
        progress("ADWIN"); detectors["adwin"] = bench.updatesPerSecond(ADWIN(), values: values)
        progress("Page-Hinkley"); detectors["page_hinkley"] = bench.updatesPerSecond(PageHinkley(), values: values)
        progress("KSWIN"); detectors["kswin"] = bench.updatesPerSecond(KSWIN(), values: values)
        report.figures["detector_updates_per_second"] = detectors

        progress("policy network forward+backward, batch 4096")
        let policy = PolicyBenchmark.figures(passes: max(5, Int(bench.minSeconds * 100)),
                                             sgemmPeak: sgemm["n1024_gflops_1_thread"] ?? .nan)
        report.figures["policy"] = policy

        // Simulation: environment stream throughput per domain, one core.
        report.figures["environment_stream_samples_per_second"] = try bench.environmentStreamSamplesPerSecond(progress: progress)
        // Whole tuning-environment periods under a random policy (what a Gymnasium loop is compared with).
        let periods = try bench.environmentPeriodsPerSecond(progress: progress)
        report.figures["environment_periods_per_second_random_policy"] = periods
        // The same with shadow learners (schema v2), and its share of the figure above.
        let shadowed = try bench.environmentPeriodsPerSecondWithShadowLearners(progress: progress)
        report.figures["environment_periods_per_second_random_policy_shadow_learners"] = shadowed
        report.figures["shadow_learners_throughput_share"] = Self.shares(shadowed, of: periods)
        // With batch-size shadows too (schema v3), and its share of the plain figure.
        let batchShadowed = try bench.environmentPeriodsPerSecondWithBatchShadows(progress: progress)
        report.figures["environment_periods_per_second_random_policy_batch_shadows"] = batchShadowed
        report.figures["batch_shadows_throughput_share"] = Self.shares(batchShadowed, of: periods)
        // With an expert pool (schema v4), and its share of the plain figure.
        let pooled = try bench.environmentPeriodsPerSecondWithExpertPool(progress: progress)
        report.figures["environment_periods_per_second_random_policy_expert_pool"] = pooled
        report.figures["expert_pool_throughput_share"] = Self.shares(pooled, of: periods)

        // Production runtime: `decide` latency on the default network shape.
        progress("policy runtime decide latency")
        report.figures["policy_runtime_decide"] = bench.decideLatency()

        if let script = referenceScript {
            progress("reference: River and numpy on the same data (\(script))")
            let reference = try runReference(script: script, stream: stream, values: values)
            report.figures["reference"] = reference
            func ratio(_ ours: Double?, _ theirs: Any?) -> Double? {
                guard let ours, let theirs = theirs as? Double, theirs > 0 else { return nil }
                return (ours / theirs * 10).rounded() / 10
            }
            report.figures["ratio_vs_reference"] = [
                "logistic_batch_1_vs_river": ratio(logistic["batch_1"], reference["logistic_samples_per_second"]),
                "logistic_batch_32_vs_river": ratio(logistic["batch_32"], reference["logistic_samples_per_second"]),
                "adwin_vs_river": ratio(detectors["adwin"], reference["adwin_updates_per_second"]),
                "page_hinkley_vs_river": ratio(detectors["page_hinkley"], reference["page_hinkley_updates_per_second"]),
                "kswin_vs_river": ratio(detectors["kswin"], reference["kswin_updates_per_second"]),
                "sgemm_n1024_vs_numpy": ratio(sgemm["n1024_gflops_1_thread"], reference["numpy_sgemm_gflops_n1024"]),
                "policy_vs_numpy": ratio(policy["gflops"] as? Double, reference["numpy_policy_gflops"]),
            ].compactMapValues { $0 }
        }
    }

    /// `figures[name] / reference[name]` per environment, to three decimals (environments without a
    /// positive reference are left out).
    static func shares(_ figures: [String: Double], of reference: [String: Double]) -> [String: Double] {
        var share: [String: Double] = [:]
        for (name, s) in figures {
            if let p = reference[name], p > 0 { share[name] = (s / p * 1000).rounded() / 1000 }
        }
        return share
    }

    static func runReference(script: String, stream: LabelledStream, values: [Double]) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchmarkError.referenceScriptNotFound(script)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drifttune-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // River is slow per sample; 20,000 samples give a stable figure in about a second.
        let small = LabelledStream(count: 20_000, featureCount: stream.featureCount, seed: 11)
        let streamURL = dir.appendingPathComponent("stream.csv"), valuesURL = dir.appendingPathComponent("values.txt")
        try small.csv().write(to: streamURL, atomically: true, encoding: .utf8)
        try values.prefix(100_000).map { "\($0)" }.joined(separator: "\n").write(to: valuesURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--stream", streamURL.path, "--values", valuesURL.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchmarkError.referenceRunFailed(script: script, status: process.terminationStatus)
        }
        return object
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Why `drifttune bench --reference` could not compare.
public enum BenchmarkError: Error, CustomStringConvertible, Equatable {
    case referenceScriptNotFound(String)
    case referenceRunFailed(script: String, status: Int32)

    public var description: String {
        switch self {
        case .referenceScriptNotFound(let script):
            "\(script): reference script not found (run from the repository root or pass --reference-script)"
        case .referenceRunFailed(let script, let status):
            "\(script): reference run failed (exit \(status)); is river installed?"
        }
    }
}
