import PolicyGradient
import Testing

@Test func adamMatchesPyTorchUpdateRule() {
    var adam = Adam(parameterCount: 2, epsilon: 1e-5)
    var p: [Float] = [1, -2]
    let grads: [[Float]] = [[0.5, -1], [0.1, 0.3], [-0.2, 0.0]]
    var m = [0.0, 0.0], v = [0.0, 0.0], ref = [1.0, -2.0]
    for (t, g) in grads.enumerated() {
        adam.step(parameters: &p, gradients: g, count: 2, learningRate: 0.01)
        for i in 0..<2 {
            m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
            v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
            let mHat = m[i] / (1 - pow(0.9, Double(t + 1)))
            let vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
            ref[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-5)
        }
    }
    for i in 0..<2 { #expect(abs(Double(p[i]) - ref[i]) < 1e-6) }
    #expect(adam.t == 3)
}

import Foundation
