/// KSWIN (Kolmogorov–Smirnov WINdowing): keeps the last `windowSize` values and signals drift
/// when the newest `statSize` of them differ, by a two-sample KS test, from `statSize` values drawn
/// at random from the older part (p-value ≤ `alpha` and statistic > 0.1).
///
/// Exact River 0.26.1 parity when `seed` is given: the random sub-window is drawn with a
/// reimplementation of CPython's `random.Random(seed).sample` (MT19937, `_randbelow`, and the
/// pool/set selection switch), and, as in River, the generator is re-seeded on the update after
/// each detection. With `seed: nil` each reset draws a fresh seed from the system generator.
///
/// Incremental: the window is a ring buffer, the sub-windows are sorted in preallocated scratch,
/// and (since both samples have `statSize` values) the exact p-value for every possible
/// statistic h/statSize is tabulated once at init, so an update allocates nothing.
///
/// - Parameters:
///   - alpha: significance level of the KS test.
///   - windowSize: values kept.
///   - statSize: size of each of the two compared samples (`< windowSize`).
///   - seed: seed of the sub-window sampler (River's `seed`).
///
///     var kswin = KSWIN(seed: 42)
///     let stream = (0..<2000).map { i in i < 1000 ? Double(i % 7) : Double(i % 7) + 4 }
///     for (i, x) in stream.enumerated() where kswin.update(x) { print("drift at \(i)") }
public struct KSWIN: DriftDetector {
    public let alpha: Double
    public let windowSize: Int
    public let statSize: Int
    public let seed: Int?

    public private(set) var driftDetected = false
    /// KS statistic of the last test (0 before the window first fills).
    public private(set) var statistic: Double = 0
    /// p-value of the last test (0 before the window first fills, as in River).
    public private(set) var pValue: Double = 0
    /// Values seen since the last reset.
    public private(set) var count = 0

    private var window: [Double]
    private var head = 0          // physical index of the oldest value
    private var filled = 0
    private var rng: PythonRandom
    private let usePool: Bool
    private var sampleIndices: [Int]
    private var pool: [Int]
    private var taken: [Bool]
    private var randomSorted: [Double]
    private var recentSorted: [Double]
    private let pTable: [Double]   // pTable[h] = exact p-value for statistic h / statSize

    /// Creates the detector; `statSize` must be smaller than `windowSize` and both positive.
    public init(alpha: Double = 0.005, windowSize: Int = 100, statSize: Int = 30, seed: Int? = nil) {
        precondition(alpha >= 0 && alpha <= 1, "alpha must be in [0, 1]")
        precondition(statSize > 0 && windowSize > statSize, "need 0 < statSize < windowSize")
        self.alpha = alpha
        self.windowSize = windowSize
        self.statSize = statSize
        self.seed = seed
        let population = windowSize - statSize
        precondition(population >= statSize, "River samples statSize values from windowSize - statSize")
        window = Array(repeating: 0, count: windowSize)
        rng = PythonRandom(seed: seed ?? Int.random(in: 0...Int.max))
        usePool = PythonRandom.samplesFromPool(population: population, count: statSize)
        sampleIndices = Array(repeating: 0, count: statSize)
        pool = Array(repeating: 0, count: population)
        taken = Array(repeating: false, count: population)
        randomSorted = Array(repeating: 0, count: statSize)
        recentSorted = Array(repeating: 0, count: statSize)
        pTable = (0...statSize).map { h in
            statSize <= KolmogorovSmirnov.maxExactSampleSize
                ? (h == 0 ? 1 : KolmogorovSmirnov.probabilityOutsideSquare(n: statSize, h: h))
                : KolmogorovDistribution.survival(n: statSize / 2, d: Double(h) / Double(statSize))
        }.map { min(max($0, 0), 1) }
    }

    public mutating func reset() {
        driftDetected = false
        statistic = 0
        pValue = 0
        count = 0
        head = 0
        filled = 0
        rng.seed(seed ?? Int.random(in: 0...Int.max))
    }

    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected { reset() }
        count += 1
        if filled < windowSize {
            window[(head + filled) % windowSize] = x
            filled += 1
        } else {
            window[head] = x
            head = (head + 1) % windowSize
        }
        guard filled >= windowSize else {
            driftDetected = false
            return false
        }
        test()
        return driftDetected
    }

    private mutating func test() {
        let n = statSize, w = windowSize, population = w - n
        let h = window.withUnsafeBufferPointer { win in
            sampleIndices.withUnsafeMutableBufferPointer { idx in
                pool.withUnsafeMutableBufferPointer { pool in
                    taken.withUnsafeMutableBufferPointer { taken in
                        rng.sample(
                            population: population, count: n, usePool: usePool,
                            into: idx, pool: pool, taken: taken)
                    }
                }
                return randomSorted.withUnsafeMutableBufferPointer { rs in
                    recentSorted.withUnsafeMutableBufferPointer { re in
                        for i in 0..<n {
                            var p = head + idx[i]
                            if p >= w { p -= w }
                            rs[i] = win[p]
                            var q = head + population + i
                            if q >= w { q -= w }
                            re[i] = win[q]
                        }
                        KSWIN.insertionSort(rs)
                        KSWIN.insertionSort(re)
                        let (diff, _) = KolmogorovSmirnov.maxECDFDifference(
                            UnsafeBufferPointer(rs), UnsafeBufferPointer(re))
                        return diff / n   // |c1·n − c2·n| / gcd(n, n)
                    }
                }
            }
        }
        statistic = Double(h) / Double(n)
        pValue = pTable[h]
        driftDetected = pValue <= alpha && statistic > 0.1
    }

    private static func insertionSort(_ a: UnsafeMutableBufferPointer<Double>) {
        guard a.count > 1 else { return }
        for i in 1..<a.count {
            let v = a[i]
            var j = i - 1
            while j >= 0 && a[j] > v {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = v
        }
    }
}
