/// Hidden-layer nonlinearity of `MLPClassifier`.
public enum MLPActivation: String, Sendable, Codable, CaseIterable {
    case relu
    case tanh
}
