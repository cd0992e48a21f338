/// Summary statistics of the result tables.
public enum Statistics {
    /// Arithmetic mean; 0 for an empty sample.
    public static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

    /// Interquartile mean: the mean of the middle 50% after cutting `floor(n/4)` values from each
    /// end of the sorted sample (as `scipy.stats.trim_mean(x, 0.25)` and rliable's IQM).
    ///
    ///     Statistics.interquartileMean([1, 2, 3, 4, 5, 6, 7, 100])  // 4.5
    public static func interquartileMean(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        let cut = s.count / 4
        return mean(Array(s[cut..<(s.count - cut)]))
    }

    /// The `q` quantile (0…1) with linear interpolation between order statistics (numpy's default
    /// `method="linear"`).
    public static func quantile(_ xs: [Double], _ q: Double) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        let h = Double(s.count - 1) * min(max(q, 0), 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }
}
