extension ConfidenceInterval {
    /// The two-sided 95% Student-t interval of the mean of `values` (t quantile with n − 1 degrees
    /// of freedom); a single value (or none) gives a zero-width interval.
    public static func studentT(_ values: [Double]) -> ConfidenceInterval {
        let mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return ConfidenceInterval(estimate: mean, lower: mean, upper: mean) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        let half = t975(degreesOfFreedom: values.count - 1) * (variance / Double(values.count)).squareRoot()
        return ConfidenceInterval(estimate: mean, lower: mean - half, upper: mean + half)
    }

    /// The 0.975 quantile of Student's t (table to 30 degrees of freedom, then the normal 1.96).
    static func t975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        return df >= 1 && df <= table.count ? table[df - 1] : 1.96
    }
}
