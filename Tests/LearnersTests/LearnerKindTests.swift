import Testing
@testable import Learners

@Test(arguments: LearnerKind.allCases)
func factoryBuildsEveryKind(kind: LearnerKind) throws {
    let classes = kind.isBinary ? 2 : 3
    var learner = try LearnerFactory.make(kind: kind, featureCount: 5, classCount: classes, learningRate: 0.05,
                                          batchSize: 8, hiddenSizes: [6], factorCount: 2, seed: 1)
    #expect(learner.featureCount == 5 && learner.classCount == classes && learner.batchSize == 8)
    #expect(learner.snapshot().kind == kind.rawValue)
    let data = Dataset(rows: 16, features: 5, classes: classes, seed: 1)
    learner.partialFit(stream: data.matrix, labels: data.y)
    #expect(learner.health == .healthy)
}

@Test func factoryRejectsBadConfiguration() {
    #expect(throws: LearnerError.self) { try LearnerFactory.make(kind: .logistic, featureCount: 3, classCount: 3) }
    #expect(throws: LearnerError.self) { try LearnerFactory.make(kind: .softmax, featureCount: 0, classCount: 3) }
    #expect(throws: LearnerError.self) { try LearnerFactory.make(kind: .mlp, featureCount: 3, classCount: 3, hiddenSizes: [4, 4, 4]) }
    do {
        _ = try LearnerFactory.make(kind: .fm, featureCount: 3, batchSize: 0)
    } catch {
        #expect("\(error)" == "invalid batchSize 0: expected at least 1")
    }
}
