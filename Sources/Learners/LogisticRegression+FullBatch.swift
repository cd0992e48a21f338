import Foundation
import Linalg

extension LogisticRegression {
    /// Fits L2-regularized logistic regression on a whole dataset exactly, as scikit-learn's
    /// `LogisticRegression(C:)` does: minimizes `½‖w‖² + C·Σᵢ logloss(yᵢ, xᵢ·w + b)` with the
    /// intercept unpenalized, by Newton's method (IRLS) in `Double` with backtracking.
    ///
    /// - Parameters:
    ///   - x: `rows × featureCount` features.
    ///   - labels: 0/1 per row.
    ///   - C: inverse regularization strength (sklearn's `C`), > 0.
    ///   - fitIntercept: learn `b` (else it stays 0).
    /// - Returns: a learner holding the fitted weights (SGD defaults for further online updates).
    public static func fitFullBatch(
        x: Matrix, labels: [Int32], C: Double, fitIntercept: Bool = true, maxIterations: Int = 100,
        tolerance: Double = 1e-12
    ) throws(LearnerError) -> LogisticRegression {
        guard x.rows == labels.count, x.rows > 0, x.cols > 0 else {
            throw .invalidConfiguration(what: "dataset", value: "\(x.rows)×\(x.cols) with \(labels.count) labels",
                                        expected: "a non-empty matrix with one label per row")
        }
        guard C > 0, C.isFinite else {
            throw .invalidConfiguration(what: "C", value: "\(C)", expected: "a positive finite number")
        }
        let n = x.rows, d = x.cols, m = d + 1
        let xs = x.data.map(Double.init)
        let y = labels.map { $0 > 0 ? 1.0 : 0.0 }
        var theta = [Double](repeating: 0, count: m)

        func objective(_ t: [Double]) -> Double {
            var f = 0.0
            for j in 0..<d { f += 0.5 * t[j] * t[j] }
            for i in 0..<n {
                var z = t[d]
                for j in 0..<d { z += xs[i * d + j] * t[j] }
                f += C * (max(z, 0) + (-abs(z)).exp1p() - y[i] * z)
            }
            return f
        }

        var f = objective(theta)
        for _ in 0..<maxIterations {
            var grad = [Double](repeating: 0, count: m)
            var hess = [Double](repeating: 0, count: m * m)
            for j in 0..<d { grad[j] = theta[j]; hess[j * m + j] = 1 }
            if !fitIntercept { hess[d * m + d] = 1 }
            for i in 0..<n {
                let row = i * d
                var z = theta[d]
                for j in 0..<d { z += xs[row + j] * theta[j] }
                let p = 1 / (1 + (-z).expValue())
                let r = C * (p - y[i]), s = C * p * (1 - p)
                for a in 0..<m {
                    let xa = a < d ? xs[row + a] : 1
                    if a == d && !fitIntercept { continue }
                    grad[a] += r * xa
                    for b in 0...a {
                        let xb = b < d ? xs[row + b] : 1
                        if b == d && !fitIntercept { continue }
                        hess[a * m + b] += s * xa * xb
                    }
                }
            }
            for a in 0..<m { for b in 0..<a { hess[b * m + a] = hess[a * m + b] } }
            if !fitIntercept { grad[d] = 0 }
            let step = choleskySolve(hess, grad, m)
            var t = 1.0, next = theta, fNext = f
            while t > 1e-10 {
                for a in 0..<m { next[a] = theta[a] - t * step[a] }
                fNext = objective(next)
                if fNext <= f { break }
                t *= 0.5
            }
            let decrement = zip(step, grad).reduce(0) { $0 + $1.0 * $1.1 }
            theta = next
            f = fNext
            if decrement < tolerance * max(1, abs(f)) { break }
        }
        var learner = LogisticRegression(featureCount: d)
        learner.core.parameters = theta.map(Float.init)
        return learner
    }
}

/// Solves `A x = b` for symmetric positive definite `A` (`m × m`, row-major) by Cholesky.
private func choleskySolve(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
    var l = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
        for j in 0...i {
            var s = a[i * m + j]
            for k in 0..<j { s -= l[i * m + k] * l[j * m + k] }
            l[i * m + j] = i == j ? max(s, 1e-300).squareRoot() : s / l[j * m + j]
        }
    }
    var z = b
    for i in 0..<m {
        for k in 0..<i { z[i] -= l[i * m + k] * z[k] }
        z[i] /= l[i * m + i]
    }
    for i in stride(from: m - 1, through: 0, by: -1) {
        for k in (i + 1)..<m { z[i] -= l[k * m + i] * z[k] }
        z[i] /= l[i * m + i]
    }
    return z
}

private extension Double {
    /// `log(1 + exp(self))` for `self ≤ 0`.
    func exp1p() -> Double { Foundation.log1p(Foundation.exp(self)) }
    func expValue() -> Double { Foundation.exp(self) }
}
