import Foundation

/// ADWIN (ADaptive WINdowing) drift detector: keeps a variable-length window of recent values and
/// drops its oldest part whenever two sub-windows have significantly different means.
///
/// A line-by-line reimplementation of River 0.26.1 (`river.drift.ADWIN`, the Rust
/// `AdaptiveWindowing` port of `adwin_c.pyx`), including the exponential-histogram bucket
/// compression and the floating-point order of operations, so detection indices match River's.
/// As in River, the update after a detection starts again from an empty window.
///
/// - Parameters:
///   - delta: significance value of the cut test (smaller = fewer, later detections).
///   - clock: test for change every `clock` updates (1 = every update).
///   - maxBuckets: buckets of each size kept before two are merged.
///   - minWindowLength: sub-windows shorter than this are not tested.
///   - gracePeriod: no test until the window holds more than this many values.
///
///     var adwin = ADWIN()
///     let stream = Array(repeating: 0.0, count: 1000) + Array(repeating: 5.0, count: 1000)
///     for (i, x) in stream.enumerated() where adwin.update(x) {
///         print("Change detected at index \(i)")   // 1023
///     }
public struct ADWIN: DriftDetector {
    public let delta: Double
    public let clock: Int
    public let maxBuckets: Int
    public let minWindowLength: Int
    public let gracePeriod: Int

    /// True if the last `update` signalled drift.
    public private(set) var driftDetected = false
    /// Number of values in the adaptive window.
    public private(set) var width: Double = 0
    /// Sum of the values in the window.
    public private(set) var total: Double = 0
    /// Sum of squared deviations from the window mean, as River's `variance` property reports it
    /// (River's Rust helper stores the un-normalised sum; divide by `width` for the sample variance).
    public private(set) var variance: Double = 0
    /// Number of detections since the detector was created or last `reset()`.
    public private(set) var detectionCount = 0

    /// Mean of the values in the window (0 when empty).
    public var estimation: Double { width == 0 ? 0 : total / width }
    /// Variance of the values in the window (`variance / width`; 0 when empty).
    public var windowVariance: Double { width == 0 ? 0 : variance / width }

    // Exponential histogram: row r holds up to maxBuckets + 1 buckets of 2^r values each, stored
    // flat (row-major) so updates never allocate. Row 0 holds the newest values.
    private var totals: [Double]
    private var variances: [Double]
    private var counts: [Int]
    private var rows = 1
    private var tick = 0
    private let rowCapacity: Int
    private static let maxRows = 64

    public init(
        delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5,
        minWindowLength: Int = 5, gracePeriod: Int = 10
    ) {
        precondition(clock > 0 && maxBuckets > 0, "clock and maxBuckets must be positive")
        self.delta = delta
        self.clock = clock
        self.maxBuckets = maxBuckets
        self.minWindowLength = minWindowLength
        self.gracePeriod = gracePeriod
        rowCapacity = maxBuckets + 1
        totals = Array(repeating: 0, count: ADWIN.maxRows * rowCapacity)
        variances = Array(repeating: 0, count: ADWIN.maxRows * rowCapacity)
        counts = Array(repeating: 0, count: ADWIN.maxRows)
    }

    public mutating func reset() {
        driftDetected = false
        width = 0
        total = 0
        variance = 0
        detectionCount = 0
        rows = 1
        tick = 0
        for i in totals.indices { totals[i] = 0; variances[i] = 0 }
        for i in counts.indices { counts[i] = 0 }
    }

    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected {
            // River replaces its helper after a detection: the window, tick and counts start anew.
            let detections = detectionCount
            reset()
            detectionCount = detections
        }
        insert(x)
        driftDetected = detectChange()
        return driftDetected
    }

    private mutating func insert(_ value: Double) {
        let slot = counts[0]
        totals[slot] = value
        variances[slot] = 0
        counts[0] = slot + 1
        width += 1
        var increment = 0.0
        if width > 1 {
            let d = value - total / (width - 1)
            increment = (width - 1) * d * d / width
        }
        variance += increment
        total += value
        compress()
    }

    private mutating func compress() {
        var r = 0
        while counts[r] == rowCapacity {
            let base = r * rowCapacity
            let n1 = Double(UInt64(1) << UInt64(r))
            let t0 = totals[base], t1 = totals[base + 1]
            let mu1 = t0 / n1, mu2 = t1 / n1
            let merged = t0 + t1
            let v = variances[base] + variances[base + 1] + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            if r + 1 >= rows {
                precondition(r + 1 < ADWIN.maxRows, "ADWIN window exceeded 2^63 values")
                rows = r + 2
            }
            let next = (r + 1) * rowCapacity + counts[r + 1]
            totals[next] = merged
            variances[next] = v
            counts[r + 1] += 1
            removeFront(row: r, count: 2)
            if counts[r + 1] <= maxBuckets { break }
            r += 1
        }
    }

    private mutating func removeFront(row r: Int, count n: Int) {
        let base = r * rowCapacity
        let c = counts[r]
        totals.withUnsafeMutableBufferPointer { t in
            variances.withUnsafeMutableBufferPointer { v in
                for k in base..<(base + c - n) {
                    t[k] = t[k + n]
                    v[k] = v[k + n]
                }
                for k in (base + c - n)..<(base + c) {
                    t[k] = 0
                    v[k] = 0
                }
            }
        }
        counts[r] = c - n
    }

    private mutating func deleteOldest() {
        let last = rows - 1
        let n = Double(UInt64(1) << UInt64(last))
        let base = last * rowCapacity
        let u = totals[base], v = variances[base]
        let mu = u / n
        width -= n
        total -= u
        let muWindow = total / width
        variance -= v + n * width * (mu - muWindow) * (mu - muWindow) / (n + width)
        removeFront(row: last, count: 1)
        if counts[last] == 0 && rows > 1 { rows -= 1 }
    }

    private mutating func detectChange() -> Bool {
        var changed = false
        tick += 1
        guard tick % clock == 0, width > Double(gracePeriod) else { return false }
        let minLength = Double(minWindowLength)
        var reduce = true
        while reduce {
            reduce = false
            var n0 = 0.0, n1 = width, u0 = 0.0, u1 = total
            // Constant over one pass over the cut points (the window changes only between passes).
            let deltaPrime = log(2 * log(width) / delta)
            let meanVariance = variance / width
            let cut: Bool = totals.withUnsafeBufferPointer { t in
                counts.withUnsafeBufferPointer { counts in
                    for r in stride(from: rows - 1, through: 0, by: -1) {
                        let size = Double(UInt64(1) << UInt64(r))
                        let c = counts[r]
                        let base = r * rowCapacity
                        for k in 0..<c {
                            n0 += size
                            n1 -= size
                            let v = t[base + k]
                            u0 += v
                            u1 -= v
                            if r == 0 && k == c - 1 { return false }
                            if n1 >= minLength && n0 >= minLength {
                                let deltaMean = (u0 / n0) - (u1 / n1)
                                let mRecip = 1 / (n0 - minLength + 1) + 1 / (n1 - minLength + 1)
                                let epsilon = (2 * mRecip * meanVariance * deltaPrime).squareRoot()
                                    + 2.0 / 3.0 * deltaPrime * mRecip
                                if abs(deltaMean) > epsilon { return true }
                            }
                        }
                    }
                    return false
                }
            }
            if cut {
                reduce = true
                changed = true
                if width > 0 { deleteOldest() }
            }
        }
        if changed { detectionCount += 1 }
        return changed
    }
}
