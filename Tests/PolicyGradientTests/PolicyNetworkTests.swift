import Foundation
import Linalg
import PolicyGradient
import Testing

private func randomObservations(_ rows: Int, _ d: Int, seed: UInt64) -> [Float] {
    var rng = RandomSource(seed: seed)
    return (0..<(rows * d)).map { _ in Float(rng.nextGaussian()) }
}

@Test(arguments: [
    NetworkArchitecture(observationSize: 5, actionSizes: [3, 2], hiddenSizes: [8, 6]),
    NetworkArchitecture(observationSize: 5, actionSizes: [4], hiddenSizes: [7], activation: .relu),
    NetworkArchitecture(observationSize: 3, actionSizes: [2, 2, 3], hiddenSizes: [6, 6], sharedTrunk: true),
])
func forwardMatchesDoubleReference(architecture: NetworkArchitecture) {
    var rng = RandomSource(seed: 11)
    let net = PolicyNetwork(architecture: architecture, rng: &rng)
    // Larger than initial weights so every layer matters.
    net.parameterVector = (0..<net.parameterCount).map { _ in Float(rng.nextGaussian() * 0.5) }
    let rows = 9, d = architecture.observationSize, width = architecture.logitCount
    let x = randomObservations(rows, d, seed: 5)
    net.forward(x, batch: rows)
    let reference = ReferenceNetwork(architecture: architecture)
    let p = net.parameterVector.map(Double.init)
    for r in 0..<rows {
        let (z, v) = reference.forward((0..<d).map { Double(x[r * d + $0]) }, p)
        let lp = reference.logSoftmax(z)
        #expect(abs(Double(net.values[r]) - v) < 1e-4)
        for j in 0..<width {
            #expect(abs(Double(net.logits[r * width + j]) - z[j]) < 1e-4)
            #expect(abs(Double(net.logProbs[r * width + j]) - lp[j]) < 1e-4)
            #expect(abs(Double(net.probabilities[r * width + j]) - Foundation.exp(lp[j])) < 1e-5)
        }
    }
}

@Test func initializationIsOrthogonalWithCleanRLGains() {
    var rng = RandomSource(seed: 1)
    let arch = NetworkArchitecture(observationSize: 24, actionSizes: [10, 5, 3])
    let net = PolicyNetwork(architecture: arch, rng: &rng)
    let p = net.parameterVector
    // First actor layer: 24 × 64 weights with orthonormal rows times √2, zero bias.
    let w = Matrix(rows: 24, cols: 64, data: Array(p[0..<(24 * 64)]))
    let gram = Matrix.product(w, w, transB: true)
    for i in 0..<24 {
        for j in 0..<24 { #expect(abs(gram[i, j] - (i == j ? 2 : 0)) < 1e-4) }
    }
    #expect(p[(24 * 64)..<(24 * 64 + 64)].allSatisfy { $0 == 0 })
    // Policy head (64 × 18) has orthonormal columns times 0.01: tiny logits, near-uniform policy.
    let headOffset = 24 * 64 + 64 + 64 * 64 + 64
    let head = Matrix(rows: 64, cols: 18, data: Array(p[headOffset..<(headOffset + 64 * 18)]))
    let hg = Matrix.product(head, transA: true, head)
    for i in 0..<18 { #expect(abs(hg[i, i] - 1e-4) < 1e-7) }
    #expect(net.parameterCount == 2 * (24 * 64 + 64 + 64 * 64 + 64) + 64 * 18 + 18 + 64 + 1)
}

@Test func forwardIsRepeatableAcrossBatchSizes() {
    var rng = RandomSource(seed: 2)
    let arch = NetworkArchitecture(observationSize: 4, actionSizes: [2])
    let net = PolicyNetwork(architecture: arch, rng: &rng)
    let x = randomObservations(64, 4, seed: 9)
    net.forward(x, batch: 64)
    let first = Array(net.logProbs)
    net.forward(Array(x[0..<32]), batch: 8)
    net.forward(x, batch: 64)
    #expect(Array(net.logProbs) == first)
}
