import Foundation
import Testing
@testable import Linalg

@Test func sigmoidIsStableAtExtremes() {
    #expect(Kernels.sigmoid(0) == 0.5)
    #expect(Kernels.sigmoid(-200) >= 0 && Kernels.sigmoid(-200) < 1e-30)
    #expect(Kernels.sigmoid(200) == 1)
    #expect(abs(Kernels.sigmoid(1.5) - Float(1 / (1 + exp(-1.5)))) < 1e-7)
}

@Test func softmaxRowsSumToOneAndHandleLargeLogits() {
    var x: [Float] = [1, 2, 3, 1000, 1001, 1002]
    x.withUnsafeMutableBufferPointer { Kernels.softmaxRows($0.baseAddress!, rows: 2, cols: 3) }
    #expect(abs(x[0] + x[1] + x[2] - 1) < 1e-6)
    #expect(abs(x[3] - x[0]) < 1e-6 && abs(x[5] - x[2]) < 1e-6)
    #expect(abs(x[2] - Float(exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0)))) < 1e-6)
}

@Test func columnSumsAndRowVector() {
    var x: [Float] = [1, 2, 3, 4]
    let b: [Float] = [10, 20]
    x.withUnsafeMutableBufferPointer { px in
        b.withUnsafeBufferPointer { Kernels.addRowVector(px.baseAddress!, rows: 2, cols: 2, $0.baseAddress!) }
    }
    #expect(x == [11, 22, 13, 24])
    var out: [Float] = [0, 0]
    x.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { Kernels.columnSums(px.baseAddress!, rows: 2, cols: 2, scale: 0.5, into: $0.baseAddress!) }
    }
    #expect(out == [12, 23])
}

@Test func activationsAndBackward() {
    var x: [Float] = [-1, 0.5, 2]
    x.withUnsafeMutableBufferPointer { Kernels.reluInPlace($0.baseAddress!, count: 3) }
    #expect(x == [0, 0.5, 2])
    var g: [Float] = [1, 1, 1]
    g.withUnsafeMutableBufferPointer { pg in x.withUnsafeBufferPointer { Kernels.reluBackward(pg.baseAddress!, activation: $0.baseAddress!, count: 3) } }
    #expect(g == [0, 1, 1])
    var t: [Float] = [0.3]
    t.withUnsafeMutableBufferPointer { Kernels.tanhInPlace($0.baseAddress!, count: 1) }
    #expect(abs(t[0] - Float(tanh(0.3))) < 1e-7)
}

@Test func finiteCheckFindsNaNAndInfinity() {
    #expect(Kernels.allFinite([1, 2, 3]))
    #expect(!Kernels.allFinite([1, .nan, 3]))
    #expect(!Kernels.allFinite([1, -.infinity]))
    #expect(Kernels.allFinite([]))
    #expect(!Matrix(rows: 1, cols: 2, data: [0, .infinity]).isFinite)
}

@Test func theLossFreeBinaryGradientHasTheSameBitsAndComputesTheLossOnlyWhenUnbounded() {
    let labels: [Int32] = [1, 0, 1, 0, 1, 0]
    func both(_ logits: [Float]) -> (backward: [Float], loss: Float, gradient: [Float], skipped: Float?) {
        var a = logits, b = logits
        let loss = a.withUnsafeMutableBufferPointer {
            Kernels.binaryCrossEntropyBackward($0.baseAddress!, labels: labels, count: logits.count, scale: 0.25)
        }
        let skipped = b.withUnsafeMutableBufferPointer {
            Kernels.binaryCrossEntropyGradient($0.baseAddress!, labels: labels, count: logits.count, scale: 0.25)
        }
        return (a, loss, b, skipped)
    }
    // Bounded logits: the same gradient bits, the loss (finite) not computed; the backward's loss is
    // the softplus form, sigmoid and softplus sharing one exp(−|z|).
    let bounded: [Float] = [0, -0.0, 3.5, -7.25, 88, -1e30]
    let r = both(bounded)
    #expect(r.backward.map(\.bitPattern) == r.gradient.map(\.bitPattern) && r.skipped == nil)
    let expected = zip(bounded, labels).map { z, y in
        Double(Kernels.softplus(z)) - (y > 0 ? Double(z) : 0)
    }.reduce(0, +) / 6
    #expect(abs(Double(r.loss) - expected) <= 1e-6 * max(1, abs(expected)))
    #expect(r.backward.enumerated().allSatisfy { i, g in g == 0.25 * (Kernels.sigmoid(bounded[i]) - (labels[i] > 0 ? 1 : 0)) })
    // Past the bound, infinite or NaN: the loss is computed, as the backward gives it.
    for unbounded: [Float] in [[1, 2e30, 0, 0, 0, 0], [.infinity, 0, 0, 0, 0, 0], [0, 0, .nan, 0, 0, 0]] {
        let u = both(unbounded)
        #expect(u.backward.map(\.bitPattern) == u.gradient.map(\.bitPattern))
        #expect(u.skipped.map(\.bitPattern) == u.loss.bitPattern)
    }
}

@Test func theLossFreeSoftmaxGradientHasTheSameBitsAndComputesTheLossOnlyWhenALabelsProbabilityIsNotFinite() {
    let labels: [Int32] = [2, 0]
    func both(_ probabilities: [Float]) -> (backward: [Float], loss: Float, gradient: [Float], skipped: Float?) {
        var a = probabilities, b = probabilities
        let loss = a.withUnsafeMutableBufferPointer {
            Kernels.softmaxCrossEntropyBackward($0.baseAddress!, labels: labels, rows: 2, cols: 3, scale: 0.5)
        }
        let skipped = b.withUnsafeMutableBufferPointer {
            Kernels.softmaxCrossEntropyGradient($0.baseAddress!, labels: labels, rows: 2, cols: 3, scale: 0.5)
        }
        return (a, loss, b, skipped)
    }
    let finite = both([0.2, 0.3, 0.5, 0, 0.4, 0.6])  // a label's probability of 0 is clamped: finite
    #expect(finite.backward.map(\.bitPattern) == finite.gradient.map(\.bitPattern) && finite.skipped == nil && finite.loss.isFinite)
    for bad: [Float] in [[0.2, 0.3, .nan, 1, 0, 0], [0.2, 0.3, 0.5, .infinity, 0, 0]] {
        let u = both(bad)
        #expect(u.backward.map(\.bitPattern) == u.gradient.map(\.bitPattern))
        #expect(u.skipped.map(\.bitPattern) == u.loss.bitPattern && !u.loss.isFinite)
    }
}
