import Foundation
import Linalg
import Testing
@testable import Learners

/// `update` is `partialFit` without the loss: after the same minibatches a learner stepped with one
/// and a copy stepped with the other have the same parameter bits and health, divergence included.
@discardableResult
private func expectUpdateIsPartialFit<L: OnlineLearner>(_ learner: L, data: Dataset, learningRate: Float, scale: Float = 1) -> LearnerHealth {
    var fitted = learner, updated = learner
    fitted.learningRate = learningRate
    updated.learningRate = learningRate
    let x = data.x.map { $0 * scale }
    for start in stride(from: 0, to: data.rows, by: 8) {
        let n = min(8, data.rows - start)
        x.withUnsafeBufferPointer { px in
            data.y.withUnsafeBufferPointer { py in
                fitted.partialFit(px.baseAddress! + start * data.d, labels: py.baseAddress! + start, rows: n)
                updated.update(px.baseAddress! + start * data.d, labels: py.baseAddress! + start, rows: n)
            }
        }
        #expect(fitted.snapshot().parameters.map(\.bitPattern) == updated.snapshot().parameters.map(\.bitPattern))
        #expect(fitted.health == updated.health)
    }
    return updated.health
}

@Test func logisticUpdateIsPartialFitWithoutTheLoss() {
    let data = Dataset(rows: 96, features: 5, classes: 2, seed: 3, noise: 0.5)
    expectUpdateIsPartialFit(LogisticRegression(featureCount: 5), data: data, learningRate: 0.3)
    expectUpdateIsPartialFit(LogisticRegression(featureCount: 5, l2: 0.01), data: data, learningRate: 0.3)
    // Diverging: both refuse the same update, for the same reason.
    let health = expectUpdateIsPartialFit(LogisticRegression(featureCount: 5), data: data, learningRate: 1e37, scale: 1e4)
    #expect(!health.isHealthy)
}

@Test func softmaxUpdateIsPartialFitWithoutTheLoss() {
    let data = Dataset(rows: 96, features: 5, classes: 4, seed: 4, noise: 0.5)
    expectUpdateIsPartialFit(SoftmaxRegression(featureCount: 5, classCount: 4), data: data, learningRate: 0.3)
    expectUpdateIsPartialFit(SoftmaxRegression(featureCount: 5, classCount: 4, l2: 0.01), data: data, learningRate: 0.3)
    let health = expectUpdateIsPartialFit(SoftmaxRegression(featureCount: 5, classCount: 4), data: data, learningRate: 1e37, scale: 1e4)
    #expect(!health.isHealthy)
}
