import Foundation

/// Two-sample Kolmogorov–Smirnov test (two-sided), matching `scipy.stats.ks_2samp(a, b)` with its
/// default `method="auto"`: the exact p-value when `max(n1, n2) <= 10_000`, otherwise the
/// asymptotic one (`scipy.stats.kstwo.sf(d, round(n1·n2/(n1+n2)))`).
///
///     let r = KolmogorovSmirnov.test([0.1, 0.4, 0.7], [0.5, 0.9, 1.3, 1.8])
///     print(r.statistic, r.pValue)
public enum KolmogorovSmirnov {
    /// Outcome of a two-sample test.
    public struct Result: Sendable, Equatable {
        /// Largest absolute difference between the two empirical CDFs.
        public var statistic: Double
        /// Two-sided p-value.
        public var pValue: Double
        /// Whether the p-value came from the exact distribution.
        public var isExact: Bool
    }

    /// Largest sample size for which `method="auto"` computes the exact p-value (scipy's MAX_AUTO_N).
    public static let maxExactSampleSize = 10_000

    /// Tests whether `a` and `b` come from the same continuous distribution.
    /// - Parameters:
    ///   - a: first sample (any order; must not be empty).
    ///   - b: second sample (any order; must not be empty).
    public static func test(_ a: [Double], _ b: [Double]) -> Result {
        precondition(!a.isEmpty && !b.isEmpty, "ks_2samp needs two non-empty samples")
        return testSorted(a.sorted(), b.sorted())
    }

    /// The same test on samples that are already sorted ascending (no copy, no allocation).
    public static func testSorted(_ a: [Double], _ b: [Double]) -> Result {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in testSorted(pa, pb) }
        }
    }

    /// The same test on sorted buffers.
    public static func testSorted(
        _ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>
    ) -> Result {
        let n1 = a.count, n2 = b.count
        let (maxDiff, dFloat) = maxECDFDifference(a, b)
        let g = gcd(n1, n2)
        if max(n1, n2) <= maxExactSampleSize {
            // scipy rounds d·lcm to the integer h; maxDiff/g is that integer exactly.
            let h = maxDiff / g
            let lcm = (n1 / g) * n2
            let d = Double(h) / Double(lcm)
            if h == 0 { return Result(statistic: d, pValue: 1, isExact: true) }
            if let p = exactPValue(n1: n1, n2: n2, h: h), p >= 0, p <= 1 {
                return Result(statistic: d, pValue: p, isExact: true)
            }
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.survival(n: Int(en), d: dFloat)
        return Result(statistic: dFloat, pValue: min(max(p, 0), 1), isExact: false)
    }

    /// The two-sample statistic D = sup |F₁ − F₂| of sorted samples, exactly as `test` reports it
    /// (scipy's `ks_2samp` statistic), without the p-value's cost.
    public static func statisticSorted(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let n1 = a.count, n2 = b.count
        let (maxDiff, dFloat) = maxECDFDifference(a, b)
        guard max(n1, n2) <= maxExactSampleSize else { return dFloat }
        let g = gcd(n1, n2)
        return Double(maxDiff / g) / Double((n1 / g) * n2)
    }

    /// Max over pooled values of |c1·n2 − c2·n1| (integer, exact), and the same difference as
    /// scipy's floating `cdf1 − cdf2` at that point.
    static func maxECDFDifference(
        _ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>
    ) -> (Int, Double) {
        let n1 = a.count, n2 = b.count
        var i = 0, j = 0, best = 0, bestFloat = 0.0
        while i < n1 || j < n2 {
            // Advance past every copy of the next pooled value in both samples (ECDF is right-continuous).
            let v: Double
            if j >= n2 || (i < n1 && a[i] <= b[j]) { v = a[i] } else { v = b[j] }
            let (i0, j0) = (i, j)
            while i < n1 && a[i] <= v { i += 1 }
            while j < n2 && b[j] <= v { j += 1 }
            // A NaN compares false with everything: stop rather than loop forever (callers drop
            // non-finite values; this keeps a stray NaN from hanging the monitor).
            if i == i0 && j == j0 { break }
            let diff = (i * n2 - j * n1).magnitude
            if diff > best {
                best = Int(diff)
                bestFloat = (Double(i) / Double(n1) - Double(j) / Double(n2)).magnitude
            }
        }
        return (best, bestFloat)
    }

    /// Exact two-sided P(D ≥ h / lcm(n1, n2)) under the null, or nil when it cannot be computed
    /// in Double (scipy then falls back to the asymptotic formula).
    public static func exactPValue(n1: Int, n2: Int, h: Int) -> Double? {
        if h == 0 { return 1 }
        if n1 == n2 { return probabilityOutsideSquare(n: n1, h: h) }
        let p = probabilityOutsideInside(m: n1, n: n2, g: gcd(n1, n2), h: h)
        return p.isFinite ? p : nil
    }

    /// P(D_{n,n} ≥ h/n): Horner-like alternating sum (scipy `_compute_prob_outside_square`).
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// 1 − (paths staying strictly inside |x/m − y/n| < h/lcm) / all paths, computed by the
    /// rescaled column recursion of Viehmann (scipy `_compute_outer_prob_inside_method`).
    static func probabilityOutsideInside(m m0: Int, n n0: Int, g: Int, h: Int) -> Double {
        let m = max(m0, n0), n = min(m0, n0)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(ceilDiv(h, mg), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for j in minj..<maxj { a[j] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(floorDiv(ng * i - h, mg) + 1, 0)
            minj = min(minj, n)
            maxj = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for t in (maxj - minj)..<min(maxj - minj + lastlen - curlen, lenA) { a[t] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
}
