import Foundation
import Testing
@testable import Learners

@Test func sgdAndMomentumSteps() {
    var sgd = Optimizer(kind: .sgd, parameterCount: 2)
    var p: [Float] = [1, 1]
    sgd.step(&p, gradient: [1, -2], learningRate: 0.1)
    #expect(p == [0.9, 1.2])
    var mom = Optimizer(kind: .sgd(momentum: 0.5), parameterCount: 1)
    var q: [Float] = [0]
    mom.step(&q, gradient: [1], learningRate: 1)   // v = 1
    mom.step(&q, gradient: [1], learningRate: 1)   // v = 1.5
    #expect(q == [-2.5])
}

@Test func adamMatchesReferenceFormula() {
    var adam = Optimizer(kind: .adam(), parameterCount: 1)
    var p: [Float] = [0]
    var m = 0.0, v = 0.0, ref = 0.0
    for t in 1...5 {
        let g = Double(t) * 0.3 - 0.5
        adam.step(&p, gradient: [Float(g)], learningRate: 0.01)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.01 * (m / (1 - pow(0.9, Double(t)))) / ((v / (1 - pow(0.999, Double(t)))).squareRoot() + 1e-8)
    }
    #expect(abs(Double(p[0]) - ref) < 1e-6)
    #expect(adam.stepCount == 5)
}

@Test func optimizerStateRoundTripAndMismatch() throws {
    var a = Optimizer(kind: .adam(), parameterCount: 3)
    var p: [Float] = [1, 2, 3]
    a.step(&p, gradient: [0.1, 0.2, 0.3], learningRate: 0.1)
    var b = Optimizer(kind: .adam(), parameterCount: 3)
    try b.setState(a.state)
    #expect(a == b)
    var c = Optimizer(kind: .sgd, parameterCount: 3)
    #expect(throws: LearnerError.optimizerStateMismatch(kind: "optimizer", expected: 1, found: 7)) { try c.setState(a.state) }
}

@Test func optimizerKindIsCodable() throws {
    let kinds: [OptimizerKind] = [.sgd, .sgd(momentum: 0.9), .adam(), .adam(beta1: 0.8, beta2: 0.99, epsilon: 1e-6)]
    let decoded = try JSONDecoder().decode([OptimizerKind].self, from: JSONEncoder().encode(kinds))
    #expect(decoded == kinds)
}
