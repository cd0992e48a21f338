/// A trained agent's policy in PolicyGradient's serialized form (JSON bytes), stored inside the
/// training record so evaluation runs can be resumed without retraining.
public struct AgentPolicyData: Sendable, Equatable, Codable {
    public var json: String
    public init(json: String) { self.json = json }
}
