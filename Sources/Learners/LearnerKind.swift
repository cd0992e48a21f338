import Linalg

/// The production learners by name, as specs and the CLI spell them.
public enum LearnerKind: String, Sendable, Codable, CaseIterable {
    case logistic, softmax, mlp, fm

    /// True for learners that only handle two classes.
    public var isBinary: Bool { self == .logistic || self == .fm }
}

/// Builds any production learner from plain values (environment specs, CLI flags).
///
///     let learner = try LearnerFactory.make(kind: .softmax, featureCount: 16, classCount: 5)
public enum LearnerFactory {
    /// - Parameters:
    ///   - classCount: must be 2 for `.logistic` and `.fm`.
    ///   - hiddenSizes, activation: `.mlp` only. `factorCount`: `.fm` only.
    ///   - learningRate: step size per minibatch update. `batchSize`: samples per update.
    /// - Throws: `LearnerError.invalidConfiguration` naming the bad argument.
    public static func make(
        kind: LearnerKind, featureCount: Int, classCount: Int = 2, learningRate: Float = 0.01, batchSize: Int = 32,
        l2: Float = 0, optimizer: OptimizerKind = .sgd, hiddenSizes: [Int] = [32], activation: MLPActivation = .relu,
        factorCount: Int = 8, seed: UInt64 = 0
    ) throws(LearnerError) -> any OnlineLearner {
        guard featureCount > 0 else {
            throw .invalidConfiguration(what: "featureCount", value: "\(featureCount)", expected: "at least 1")
        }
        if kind.isBinary {
            guard classCount == 2 else {
                throw .invalidConfiguration(what: "classCount for \(kind.rawValue)", value: "\(classCount)",
                                            expected: "2 (binary learner)")
            }
        } else if classCount < 2 {
            throw .invalidConfiguration(what: "classCount", value: "\(classCount)", expected: "at least 2")
        }
        guard batchSize > 0 else {
            throw .invalidConfiguration(what: "batchSize", value: "\(batchSize)", expected: "at least 1")
        }
        guard learningRate.isFinite, learningRate >= 0 else {
            throw .invalidConfiguration(what: "learningRate", value: "\(learningRate)", expected: "a finite number ≥ 0")
        }
        switch kind {
        case .logistic:
            return LogisticRegression(featureCount: featureCount, learningRate: learningRate, batchSize: batchSize,
                                      l2: l2, optimizer: optimizer, seed: seed)
        case .softmax:
            return SoftmaxRegression(featureCount: featureCount, classCount: classCount, learningRate: learningRate,
                                     batchSize: batchSize, l2: l2, optimizer: optimizer, seed: seed)
        case .mlp:
            guard (1...2).contains(hiddenSizes.count), hiddenSizes.allSatisfy({ $0 > 0 }) else {
                throw .invalidConfiguration(what: "hiddenSizes", value: "\(hiddenSizes)",
                                            expected: "one or two positive layer widths")
            }
            return MLPClassifier(featureCount: featureCount, classCount: classCount, hiddenSizes: hiddenSizes,
                                 activation: activation, learningRate: learningRate, batchSize: batchSize, l2: l2,
                                 optimizer: optimizer, seed: seed)
        case .fm:
            guard factorCount > 0 else {
                throw .invalidConfiguration(what: "factorCount", value: "\(factorCount)", expected: "at least 1")
            }
            return FactorizationMachine(featureCount: featureCount, factorCount: factorCount, learningRate: learningRate,
                                        batchSize: batchSize, l2: l2, optimizer: optimizer, seed: seed)
        }
    }
}
