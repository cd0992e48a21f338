import Foundation

/// Population stability index between a reference and a current sample:
/// PSI = Σ_b (c_b − r_b) · ln(c_b / r_b) over bins b, with r_b, c_b the bin proportions.
///
/// Binning: `binCount` quantile bins of the *reference* — inner edges are its quantiles at
/// i/binCount (i = 1 … binCount−1, linear interpolation as numpy's default `quantile`), duplicate
/// edges are merged, the outer bins are open (−∞, e₁] and (e_k, +∞), and a value equal to an edge
/// falls in the lower bin. Empty bins: a proportion of 0 is replaced by `epsilon` (default 1e-4)
/// so the logarithm stays finite.
///
///     let psi = PopulationStabilityIndex(reference: train, binCount: 10)
///     let value = psi.index(of: live)          // ≈ 0: stable; > 0.25: large shift (rule of thumb)
public struct PopulationStabilityIndex: Sendable {
    /// Inner bin edges, ascending, distinct (bins = edges.count + 1).
    public let edges: [Double]
    /// Proportion of the reference in each bin.
    public let referenceProportions: [Double]
    /// Proportion substituted for an empty bin.
    public let epsilon: Double

    /// Builds quantile bins from `reference` (non-empty) and records its proportions.
    public init(reference: [Double], binCount: Int = 10, epsilon: Double = 1e-4) {
        precondition(!reference.isEmpty && binCount >= 1, "need a non-empty reference and binCount >= 1")
        let sorted = reference.sorted()
        var e: [Double] = []
        for i in 1..<binCount {
            let q = PopulationStabilityIndex.quantile(sorted, Double(i) / Double(binCount))
            if e.last != q { e.append(q) }
        }
        self.init(edges: e, reference: reference, epsilon: epsilon)
    }

    /// Uses fixed inner `edges` (ascending) and the reference's proportions in them.
    public init(edges: [Double], reference: [Double], epsilon: Double = 1e-4) {
        self.edges = edges
        self.epsilon = epsilon
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for x in reference { counts[PopulationStabilityIndex.bin(of: x, edges: edges)] += 1 }
        referenceProportions = counts.map { Double($0) / Double(max(reference.count, 1)) }
    }

    /// PSI of `current` against the reference.
    public func index(of current: [Double]) -> Double {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for x in current { counts[bin(of: x)] += 1 }
        return index(counts: counts, total: current.count)
    }

    /// PSI from per-bin counts of a current sample (`counts.count == edges.count + 1`).
    public func index(counts: [Int], total: Int) -> Double {
        precondition(counts.count == referenceProportions.count, "one count per bin")
        guard total > 0 else { return 0 }
        var psi = 0.0
        for (b, r0) in referenceProportions.enumerated() {
            let r = r0 == 0 ? epsilon : r0
            let c0 = Double(counts[b]) / Double(total)
            let c = c0 == 0 ? epsilon : c0
            psi += (c - r) * log(c / r)
        }
        return psi
    }

    /// Bin of `x`: the number of edges strictly below it (binary search).
    public func bin(of x: Double) -> Int { PopulationStabilityIndex.bin(of: x, edges: edges) }

    static func bin(of x: Double, edges: [Double]) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if edges[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// numpy-style linear-interpolation quantile of a sorted array.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let i = Int(pos.rounded(.down))
        let frac = pos - Double(i)
        if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
        return sorted[i] + (sorted[i + 1] - sorted[i]) * frac
    }
}

/// Streaming PSI: accumulates counts of a current stream against the fixed bins of a
/// `PopulationStabilityIndex` (no allocation per value).
///
///     var live = StreamingPSI(PopulationStabilityIndex(reference: train))
///     for x in batch { live.add(x) }
///     let psi = live.value
public struct StreamingPSI: Sendable {
    /// The reference bins and proportions.
    public let reference: PopulationStabilityIndex
    /// Counts of the current stream per bin.
    public private(set) var counts: [Int]
    /// Values added since the last reset.
    public private(set) var total = 0

    public init(_ reference: PopulationStabilityIndex) {
        self.reference = reference
        counts = Array(repeating: 0, count: reference.edges.count + 1)
    }

    /// Adds one value of the current stream.
    public mutating func add(_ x: Double) {
        counts[reference.bin(of: x)] += 1
        total += 1
    }

    /// PSI of everything added since the last reset against the reference (0 when empty).
    public var value: Double { reference.index(counts: counts, total: total) }

    /// Clears the current counts (reference kept).
    public mutating func reset() {
        for i in counts.indices { counts[i] = 0 }
        total = 0
    }
}
