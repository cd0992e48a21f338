import Linalg

/// A 2-way factorization machine (Rendle 2010) for binary outcomes such as clicks, trained by
/// minibatch gradient descent on mean cross-entropy plus `½·l2·(‖w‖² + ‖V‖²)`.
///
/// `ŷ = w₀ + Σᵢ wᵢxᵢ + ½ Σ_f [(Σᵢ v_{if} xᵢ)² − Σᵢ v_{if}² xᵢ²]` — O(k·d) per sample through the
/// sum-of-squares identity; the batch's `X·V` is one sgemm. Parameters are laid out
/// `[w₀, w (d), V (d × k, row-major)]`; `V` starts Gaussian with standard deviation
/// `initStandardDeviation`, the rest at zero.
///
///     var fm = FactorizationMachine(featureCount: 20, factorCount: 4, learningRate: 0.05, seed: 3)
public struct FactorizationMachine: CoreBackedLearner {
    public let featureCount: Int
    public var classCount: Int { 2 }
    public let factorCount: Int
    /// Strength of the L2 penalty on `w` and `V`.
    public var l2: Float
    /// Standard deviation of the initial factors.
    public let initStandardDeviation: Float
    var core: LearnerCore

    /// - Parameters:
    ///   - factorCount: latent dimension `k`.
    ///   - learningRate: step size per minibatch update (gradients are batch means).
    ///   - seed: draws the initial factors.
    public init(
        featureCount: Int, factorCount: Int = 8, learningRate: Float = 0.01, batchSize: Int = 32, l2: Float = 0,
        optimizer: OptimizerKind = .sgd, initStandardDeviation: Float = 0.1, seed: UInt64 = 0
    ) {
        precondition(featureCount > 0 && factorCount > 0, "need featureCount > 0 and factorCount > 0")
        self.featureCount = featureCount
        self.factorCount = factorCount
        self.l2 = l2
        self.initStandardDeviation = initStandardDeviation
        core = LearnerCore(parameterCount: 1 + featureCount * (1 + factorCount), optimizer: optimizer,
                           learningRate: learningRate, batchSize: batchSize)
        var rng = RandomSource(seed: seed)
        core.reset(to: initialParameters(&rng))
    }

    func initialParameters(_ rng: inout RandomSource) -> [Float] {
        var p = [Float](repeating: 0, count: core.parameters.count)
        for i in (1 + featureCount)..<p.count { p[i] = Float(rng.nextGaussian()) * initStandardDeviation }
        return p
    }

    /// Logits of `rows` samples into `z`; `xv` (`rows × k`) receives `X·V`, `work` needs `d + rows`.
    @inline(__always)
    static func logits(
        _ x: UnsafePointer<Float>, rows: Int, d: Int, k: Int, p: UnsafePointer<Float>,
        z: UnsafeMutablePointer<Float>, xv: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let w = p + 1, v = p + 1 + d
        let squaredNorms = work, weighted = work + d
        BLAS.gemm(transA: false, transB: false, m: rows, n: k, k: d, alpha: 1, a: x, lda: d, b: v, ldb: k,
                  beta: 0, c: xv, ldc: k)
        for r in 0..<rows { z[r] = p[0] }
        BLAS.gemv(trans: false, m: rows, n: d, alpha: 1, a: x, lda: d, x: w, beta: 1, y: z)
        Kernels.rowSumsOfSquares(v, rows: d, cols: k, into: squaredNorms)
        Kernels.rowWeightedSquares(x, rows: rows, cols: d, weights: squaredNorms, into: weighted)
        for r in 0..<rows {
            z[r] += 0.5 * (Kernels.sumOfSquares(xv + r * k, count: k) - weighted[r])
        }
    }

    public func predictProbabilities(_ x: UnsafePointer<Float>, rows: Int, into probabilities: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let d = featureCount, k = factorCount
        // Non-mutating, so X·V lives in a temporary (stack when small) buffer.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * k + d + rows) { tmp in
            core.parameters.withUnsafeBufferPointer { pp in
                let t = tmp.baseAddress!
                Self.logits(x, rows: rows, d: d, k: k, p: pp.baseAddress!, z: probabilities, xv: t, work: t + rows * k)
            }
        }
        var r = rows - 1
        while r >= 0 {
            let q = Kernels.sigmoid(probabilities[r])
            probabilities[2 * r] = 1 - q
            probabilities[2 * r + 1] = q
            r -= 1
        }
    }

    /// Fills `core.gradient` and returns the objective (mean cross-entropy + L2 penalty).
    mutating func computeGradient(_ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        let d = featureCount, k = factorCount, l2 = self.l2
        core.reserveScratch(rows * k + 2 * rows + 2 * d)
        return core.withBuffers { p, g, s in
            let z = s, xv = s + rows, work = s + rows + rows * k
            Self.logits(x, rows: rows, d: d, k: k, p: p, z: z, xv: xv, work: work)
            // z becomes dLoss/dŷ per sample.
            var loss = Kernels.binaryCrossEntropyBackward(z, labels: labels, count: rows, scale: 1 / Float(rows))
            var g0: Float = 0
            for r in 0..<rows { g0 += z[r] }
            g[0] = g0
            BLAS.gemv(trans: true, m: rows, n: d, alpha: 1, a: x, lda: d, x: z, beta: 0, y: g + 1)
            // ∂/∂v_if = Σ_r g_r x_ri (XV)_rf − v_if Σ_r g_r x_ri²
            Kernels.scaleRows(xv, rows: rows, cols: k, by: z)
            let gv = g + 1 + d, v = p + 1 + d
            BLAS.gemm(transA: true, transB: false, m: d, n: k, k: rows, alpha: 1, a: x, lda: d, b: xv, ldb: k,
                      beta: 0, c: gv, ldc: k)
            let q = work
            Kernels.columnWeightedSquares(x, rows: rows, cols: d, rowWeights: z, into: q)
            Kernels.subtractScaledRows(gv, rows: d, cols: k, matrix: v, rowScales: q)
            if l2 != 0 {
                let n = d * (1 + k)
                BLAS.axpy(n: n, alpha: l2, x: p + 1, y: g + 1)
                loss += 0.5 * l2 * Kernels.sumOfSquares(p + 1, count: n)
            }
            return loss
        }
    }

    public mutating func reinitialize(using rng: inout RandomSource) {
        core.reset(to: initialParameters(&rng))
    }

    public static let kind = "fm"
    var shape: [Int] { [featureCount, factorCount] }
}
