/// Adam over a flat parameter vector, with PyTorch's update rule (bias-corrected, ε added to the
/// corrected root second moment). CleanRL's PPO uses ε = 1e-5.
public struct Adam: Codable, Sendable, Equatable {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// First and second moment estimates.
    public private(set) var m: [Float]
    public private(set) var v: [Float]
    /// Updates taken so far.
    public private(set) var t: Int

    public init(parameterCount: Int, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-5) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = [Float](repeating: 0, count: parameterCount)
        v = [Float](repeating: 0, count: parameterCount)
        t = 0
    }

    /// One step `θ -= lr · m̂ / (√v̂ + ε)` on `count` parameters.
    public mutating func step(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int, learningRate: Float
    ) {
        precondition(count == m.count, "Adam holds \(m.count) moments, got \(count) parameters")
        t += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let bc1 = 1 - Float(pow(Double(b1), Double(t)))
        let bc2Sqrt = Float((1 - pow(Double(b2), Double(t))).squareRoot())
        let stepSize = learningRate / bc1
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                for i in 0..<count {
                    let g = gradients[i]
                    mp[i] = b1 * mp[i] + (1 - b1) * g
                    vp[i] = b2 * vp[i] + (1 - b2) * g * g
                    let denom = vp[i].squareRoot() / bc2Sqrt + eps
                    parameters[i] -= stepSize * mp[i] / denom
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
