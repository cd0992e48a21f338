import Benchmarks
import Foundation
import Testing

@Test func benchReportHasEveryFigure() throws {
    let report = try BenchReport.measure(Benchmarks(minSeconds: 0.01), toolVersion: "test", streamCount: 4_000, progress: { _ in })
    let sgemm = try #require(report.figures["sgemm"] as? [String: Double])
    #expect((sgemm["n256_gflops_1_thread"] ?? 0) > 0 && (sgemm["n1024_gflops_1_thread"] ?? 0) > 0)
    let logistic = try #require(report.figures["logistic_regression_d32_samples_per_second"] as? [String: Double])
    #expect(Set(logistic.keys) == ["batch_1", "batch_32", "batch_256"])
    #expect(logistic.values.allSatisfy { $0 > 0 })
    let detectors = try #require(report.figures["detector_updates_per_second"] as? [String: Double])
    #expect(Set(detectors.keys) == ["adwin", "page_hinkley", "kswin"])
    let streams = try #require(report.figures["environment_stream_samples_per_second"] as? [String: Double])
    #expect(Set(streams.keys) == ["network-diagnosis", "intent-recognition", "recommendation"])
    #expect(streams.values.allSatisfy { $0 > 0 })
    let periods = try #require(report.figures["environment_periods_per_second_random_policy"] as? [String: Double])
    #expect(Set(periods.keys) == Set(streams.keys))
    #expect(periods.values.allSatisfy { $0.isFinite && $0 > 0 })
    let pooled = try #require(report.figures["environment_periods_per_second_random_policy_expert_pool"] as? [String: Double])
    let share = try #require(report.figures["expert_pool_throughput_share"] as? [String: Double])
    #expect(Set(pooled.keys) == Set(streams.keys) && Set(share.keys) == Set(streams.keys))
    #expect(pooled.values.allSatisfy { $0.isFinite && $0 > 0 })
    // The printed form is valid JSON.
    #expect(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) is [String: Any])
}

@Test func labelledStreamIsSeededAndDrifts() {
    let a = LabelledStream(count: 1000, featureCount: 4, seed: 3), b = LabelledStream(count: 1000, featureCount: 4, seed: 3)
    #expect(a.features == b.features && a.labels == b.labels)
    let positives = a.labels.filter { $0 == 1 }.count
    #expect(positives > 300 && positives < 700)
    #expect(a.csv().split(separator: "\n").count == 1001)
}
