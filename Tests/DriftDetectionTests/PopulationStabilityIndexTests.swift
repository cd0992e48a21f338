import DriftDetection
import Foundation
import Testing

@Test func psiOfIdenticalSamplesIsZero() {
    let ref = (0..<1000).map { sin(Double($0)) }
    let psi = PopulationStabilityIndex(reference: ref, binCount: 10)
    #expect(psi.edges.count == 9)
    #expect(abs(psi.index(of: ref)) < 1e-12)
}

@Test func psiHandComputed() {
    // Reference 0..<100 → quartile edges 24.75, 49.5, 74.25; each bin holds 25%.
    let ref = (0..<100).map(Double.init)
    let psi = PopulationStabilityIndex(reference: ref, binCount: 4)
    #expect(psi.edges == [24.75, 49.5, 74.25])
    // Current: 50% / 30% / 20% / 0% (the empty bin counts as epsilon = 1e-4).
    let current = Array(repeating: 0.0, count: 50) + Array(repeating: 30.0, count: 30)
        + Array(repeating: 60.0, count: 20)
    let expected = (0.5 - 0.25) * log(0.5 / 0.25) + (0.3 - 0.25) * log(0.3 / 0.25)
        + (0.2 - 0.25) * log(0.2 / 0.25) + (1e-4 - 0.25) * log(1e-4 / 0.25)
    #expect(abs(psi.index(of: current) - expected) < 1e-12)
}

@Test func streamingPSIMatchesBatchAndResets() {
    let ref = (0..<500).map { Double($0 % 37) }
    let psi = PopulationStabilityIndex(reference: ref, binCount: 8)
    let cur = (0..<300).map { Double(($0 * 7) % 50) }
    var s = StreamingPSI(psi)
    for x in cur { s.add(x) }
    #expect(abs(s.value - psi.index(of: cur)) < 1e-12)
    #expect(s.value > 0.01)
    s.reset()
    #expect(s.total == 0 && s.value == 0)
}
