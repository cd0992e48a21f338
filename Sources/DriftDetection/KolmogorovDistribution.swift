import Foundation

/// Survival function of the one-sample two-sided Kolmogorov–Smirnov statistic D_n
/// (`scipy.stats.kstwo.sf`), following the branch structure of Simard & L'Ecuyer (2011) as scipy
/// does: Ruben–Gambino closed forms at the ends, Durbin's matrix (Marsaglia–Tsang–Wang) for small
/// n·d², the exact one-sided sum (2·Smirnov) for large n·d², and Pelz–Good otherwise.
///
/// Differences from scipy, all numerical only: for n ≤ 140 and 0.754693 < n·d² ≤ 4 scipy uses
/// Pomeranz's recursion where this uses Durbin's matrix (both exact), and the one-sided
/// Smirnov probability is the Birnbaum–Tingey sum evaluated in log space.
public enum KolmogorovDistribution {
    /// P(D_n ≥ d) for `n ≥ 1`.
    public static func survival(n: Int, d x: Double) -> Double {
        guard n > 0 else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var prob = 1.0
                for i in 1...n { prob *= Double(i) * (1 / nd) * (2 * t - 1) }
                cdf = prob
            } else {
                cdf = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return clip(1 - cdf)
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnov(n: n, d: x)) }
        let nxx = t * x
        if n <= 140 {
            if nxx <= 4 { return clip(1 - durbinMatrixCDF(n: n, d: x)) }
            return clip(2 * smirnov(n: n, d: x))
        }
        if nxx >= 370 { return 0 }
        if nxx >= 2.2 { return clip(2 * smirnov(n: n, d: x)) }
        let cdf: Double
        if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrixCDF(n: n, d: x)
        } else {
            cdf = pelzGoodCDF(n: n, d: x)
        }
        return clip(1 - cdf)
    }

    /// One-sided P(D_n⁺ ≥ d) by the Birnbaum–Tingey sum (all terms positive; log space).
    public static func smirnov(n: Int, d x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let last = Int((nd * (1 - x)).rounded(.down))
        let lnN = logGamma(nd + 1)
        var sum = 0.0
        for j in 0...min(last, n) {
            let jd = Double(j)
            let a = 1 - x - jd / nd
            if a <= 0 { if n - j == 0 { sum += exp(lnN - logGamma(jd + 1) + (jd - 1) * log(x + jd / nd)) }; continue }
            let logTerm = lnN - logGamma(jd + 1) - logGamma(nd - jd + 1)
                + (nd - jd) * log(a) + (jd - 1) * log(x + jd / nd)
            sum += exp(logTerm)
        }
        return x * sum
    }

    private static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// log(n! / n^n) by Stirling's series with n·log n removed first (no cancellation).
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coeffs: [Double] = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3,
            -1.9175269175269175269e-3, 8.4175084175084175084e-4,
            -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let nd = Double(n)
        let rn = 1 / nd
        let z = rn / nd
        var poly = 0.0
        for c in coeffs { poly = poly * z + c }
        return log(nd) / 2 - nd + log(2 * Double.pi) / 2 + rn * poly
    }

    /// P(D_n ≤ d) by Durbin's matrix method with Marsaglia–Tsang–Wang scaling.
    static func durbinMatrixCDF(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * fac
        }
        let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * fac
        var hMat = [Double](repeating: 0, count: m * m)
        for i in 1..<m {
            for r in (i - 1)..<m { hMat[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { hMat[r * m] = v[r] }
        for c in 0..<m { hMat[(m - 1) * m + c] = v[m - 1 - c] }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var nn = n, exponent = 0, hExponent = 0
        let big = 0x1p128, e128 = 128
        while nn > 0 {
            if nn % 2 == 1 {
                power = multiply(power, hMat, m)
                exponent += hExponent
            }
            hMat = multiply(hMat, hMat, m)
            hExponent *= 2
            if abs(hMat[(k - 1) * m + (k - 1)]) > big {
                for i in hMat.indices { hMat[i] /= big }
                hExponent += e128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < 0x1p-128 {
                p *= big
                exponent -= e128
            }
        }
        if exponent != 0 { p = scalbn(p, exponent) }
        return clip(p)
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for k in 0..<m {
                let aik = a[i * m + k]
                if aik == 0 { continue }
                for j in 0..<m { c[i * m + j] += aik * b[k * m + j] }
            }
        }
        return c
    }

    /// Pelz–Good asymptotic series for P(D_n ≤ d).
    static func pelzGoodCDF(n: Int, d x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var s = (0.0, 0.0, 0.0, 0.0)
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        for k in stride(from: maxk, to: 0, by: -1) {
            let mm = Double(2 * k - 1)
            let m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2
            let qp = pow(q, Double(8 * k))
            s.0 = s.0 * qp + 1
            s.1 = s.1 * qp + (k1a + k1b * m2)
            s.2 = s.2 * qp + (k2a + k2b * m2 + k2c * m4)
            s.3 = s.3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
        }
        let f = q * sqrt2pi
        s = (s.0 * f / z, s.1 * f / (6 * z4), s.2 * f / (72 * pow(z, 7)), s.3 * f / (6480 * pow(z, 10)))
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for k in stride(from: maxk, to: 0, by: -1) {
            let kd = Double(k)
            let ks2 = kd * kd
            let qp = pow(q, ks2)
            let kspi = Double.pi * kd
            k2extra += ks2 * qp
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
        }
        s.2 += k2extra * pi2 * sqrt2pi / (-36 * z3)
        s.3 += k3extra * pi2 * sqrt2pi / (216 * z6)
        let rn = Double(n)
        return s.0 + s.1 / rn.squareRoot() + s.2 / rn + s.3 / pow(rn, 1.5)
    }
}

/// log Γ(x) (the libm function; named to avoid the overload that also returns the sign).
private func logGamma(_ x: Double) -> Double {
    let r: Double = lgamma(x)
    return r
}
