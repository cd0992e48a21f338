/// The reference period the monitor compares later periods with: per-feature decile bins for the
/// population stability index (the module's `PopulationStabilityIndex`) and the sorted
/// prediction scores for the two-sample Kolmogorov–Smirnov statistic (`KolmogorovSmirnov`).
struct ReferencePeriod: Sendable {
    private var psi: [PopulationStabilityIndex] = []
    private var scores: [Double] = []
    private var counts: [Int] = []
    private var column: [Double] = []
    private var current: [Double] = []
    private var binOf: [Int32] = []

    /// Takes the period (`rows × featureCount` features, one score per row) as the reference.
    mutating func set(features x: UnsafePointer<Float>, featureCount f: Int, rows: Int, scores s: [Float]) {
        psi.removeAll(keepingCapacity: true)
        if column.count != rows { column = [Double](repeating: 0, count: rows) }
        for j in 0..<f {
            for i in 0..<rows { column[i] = Double(x[i * f + j]) }
            psi.append(PopulationStabilityIndex(reference: column, binCount: 10))
        }
        Self.finiteSorted(s, into: &scores)
    }

    /// The finite scores as Doubles, ascending (a diverged learner's NaN scores carry no ECDF).
    /// Written into `out`, whose capacity is reused period after period.
    private static func finiteSorted(_ s: [Float], into out: inout [Double]) {
        out.removeAll(keepingCapacity: true)
        for v in s where v.isFinite { out.append(Double(v)) }
        out.sort()
    }

    /// The largest per-feature PSI of the period against the reference.
    mutating func maxPSI(features x: UnsafePointer<Float>, featureCount f: Int, rows: Int) -> Double {
        var worst = 0.0
        for j in 0..<min(f, psi.count) {
            let p = psi[j]
            if counts.count != p.edges.count + 1 { counts = [Int](repeating: 0, count: p.edges.count + 1) }
            if column.count < rows { column = [Double](repeating: 0, count: rows) }
            if binOf.count < rows { binOf = [Int32](repeating: 0, count: rows) }
            // A sample's bin is the number of edges below it (`PopulationStabilityIndex.bin`). Counted
            // edge by edge over the whole column, the comparisons vectorize; a binary search per
            // sample mispredicts about every other branch on random data.
            column.withUnsafeMutableBufferPointer { col in
                binOf.withUnsafeMutableBufferPointer { bins in
                    counts.withUnsafeMutableBufferPointer { c in
                        for i in 0..<rows { col[i] = Double(x[i * f + j]); bins[i] = 0 }
                        for e in p.edges {
                            for i in 0..<rows { bins[i] &+= col[i] > e ? 1 : 0 }
                        }
                        c.update(repeating: 0)
                        for i in 0..<rows { c[Int(bins[i])] += 1 }
                    }
                }
            }
            worst = max(worst, p.index(counts: counts, total: rows))
        }
        return worst
    }

    /// The KS statistic D of the period's prediction scores against the reference's.
    mutating func ksStatistic(scores s: [Float]) -> Double {
        Self.finiteSorted(s, into: &current)
        return current.withUnsafeBufferPointer { b in
            scores.withUnsafeBufferPointer { a in KolmogorovSmirnov.statisticSorted(a, b) }
        }
    }
}
