import Foundation

/// CPython's `random.Random` (MT19937) as far as KSWIN needs it: integer seeding, `getrandbits`
/// for k ≤ 32, `_randbelow` and `sample(range(n), k)`, reproduced so that `KSWIN(seed:)` draws
/// exactly the sub-windows River draws.
///
/// Internal: the generator exists for parity, not as a general RNG (use Linalg's `RandomSource`).
struct PythonRandom: Sendable {
    private var mt: [UInt32]
    private var index = 624

    /// `random.Random(seed)` for an integer seed (CPython uses `abs(seed)` split into 32-bit words).
    init(seed: Int) {
        mt = Array(repeating: 0, count: 624)
        self.seed(seed)
    }

    /// Re-seeds in place (no allocation), like `random.seed(seed)`.
    mutating func seed(_ seed: Int) {
        let magnitude = seed.magnitude
        let words = (UInt32(truncatingIfNeeded: magnitude), UInt32(truncatingIfNeeded: magnitude >> 32))
        initByArray(words, count: magnitude >> 32 != 0 ? 2 : 1)
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: (UInt32, UInt32), count keyCount: Int) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<624 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ (j == 0 ? key.0 : key.1) &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
            if j >= keyCount { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
        }
        mt[0] = 0x8000_0000
        index = 624
    }

    private mutating func twist() {
        for k in 0..<624 {
            let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7FFF_FFFF)
            var v = mt[(k + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            mt[k] = v
        }
        index = 0
    }

    mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `getrandbits(k)` for 1 ≤ k ≤ 32.
    mutating func getRandBits(_ k: Int) -> UInt32 {
        nextUInt32() >> UInt32(32 - k)
    }

    /// `_randbelow(n)` for 0 < n < 2^32: rejection sampling on `n.bit_length()` bits.
    mutating func randBelow(_ n: Int) -> Int {
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getRandBits(k))
        while r >= n { r = Int(getRandBits(k)) }
        return r
    }

    /// True when CPython's `sample(range(n), k)` uses the pool method (else the set method).
    static func samplesFromPool(population n: Int, count k: Int) -> Bool {
        var setSize = 21
        if k > 5 {
            let e = (log(Double(k * 3)) / log(4.0)).rounded(.up)
            setSize += Int(pow4(Int(e)))
        }
        return n <= setSize
    }

    private static func pow4(_ e: Int) -> Int { 1 << (2 * e) }

    /// `sample(range(n), k)` written into `result[0..<k]`, using caller-owned scratch so nothing
    /// is allocated: `pool` needs `n` slots, `taken` needs `n` slots (all false on entry and exit).
    mutating func sample(
        population n: Int, count k: Int, usePool: Bool,
        into result: UnsafeMutableBufferPointer<Int>,
        pool: UnsafeMutableBufferPointer<Int>, taken: UnsafeMutableBufferPointer<Bool>
    ) {
        if usePool {
            for i in 0..<n { pool[i] = i }
            for i in 0..<k {
                let j = randBelow(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]
            }
        } else {
            for i in 0..<k {
                var j = randBelow(n)
                while taken[j] { j = randBelow(n) }
                taken[j] = true
                result[i] = j
            }
            for i in 0..<k { taken[result[i]] = false }
        }
    }
}
