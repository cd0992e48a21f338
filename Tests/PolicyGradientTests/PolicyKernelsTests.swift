import Foundation
import Linalg
import Testing

@Test func fastTanhIsWithinAFewUlpOfTanh() {
    var worst: Float = 0
    var x: Float = -12
    while x <= 12 {
        let exact = Float(Foundation.tanh(Double(x)))
        worst = max(worst, abs(PolicyKernels.fastTanh(x) - exact))
        x += 0.001
    }
    #expect(worst < 2e-6)
    #expect(PolicyKernels.fastTanh(1e-5) == 1e-5)
    #expect(PolicyKernels.fastTanh(100) <= 1 && PolicyKernels.fastTanh(-100) >= -1)
}

@Test func logSoftmaxSegmentsNormalizesEachHead() {
    let logits: [Float] = [1, 2, 3, 0, 0, 100, -100, 0, 5, 5]
    var lp = [Float](repeating: 0, count: 10), p = [Float](repeating: 0, count: 10)
    PolicyKernels.logSoftmaxSegments(logits, rows: 2, stride: 5, offset: 0, width: 3, logProbs: &lp, probs: &p)
    PolicyKernels.logSoftmaxSegments(logits, rows: 2, stride: 5, offset: 3, width: 2, logProbs: &lp, probs: &p)
    for r in 0..<2 {
        #expect(abs(p[r * 5] + p[r * 5 + 1] + p[r * 5 + 2] - 1) < 1e-6)
        #expect(abs(p[r * 5 + 3] + p[r * 5 + 4] - 1) < 1e-6)
    }
    #expect(abs(lp[3] - Float(-Foundation.log(2.0))) < 1e-6)
    #expect(lp[6].isFinite && p[6] == 0)
    #expect(abs(exp(lp[0]) - p[0]) < 1e-6)
}
