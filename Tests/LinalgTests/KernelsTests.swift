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
