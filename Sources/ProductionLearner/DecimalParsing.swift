#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number parsing straight from CSV bytes, giving exactly what `Float(String)` gives.
///
/// Plain decimals (`-12.5`, `3e-4`, up to 19 significant digits, exponent within ±22) take a fast
/// path: the digits as an integer, scaled by an exact power of ten in `Double` (at most 2 ulps
/// off), then narrowed to `Float`, which is correctly rounded unless the `Double` sits near a
/// midpoint between two `Float`s; those, and every other spelling (`inf`, hex, more digits), go to
/// `strtof`.
///
///     parseFloat(Array("0.25".utf8).withUnsafeBufferPointer { $0 })  // 0.25
enum DecimalParsing {
    /// 10^e for e in 0…22, all exact in Double (a switch, so no global array behind a lazy initializer).
    @inline(__always) private static func power(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0; case 1: return 1e1; case 2: return 1e2; case 3: return 1e3; case 4: return 1e4
        case 5: return 1e5; case 6: return 1e6; case 7: return 1e7; case 8: return 1e8; case 9: return 1e9
        case 10: return 1e10; case 11: return 1e11; case 12: return 1e12; case 13: return 1e13; case 14: return 1e14
        case 15: return 1e15; case 16: return 1e16; case 17: return 1e17; case 18: return 1e18; case 19: return 1e19
        case 20: return 1e20; case 21: return 1e21; default: return 1e22
        }
    }

    /// The number the bytes spell, or nil (also for NaN and infinities, which no feature may be).
    static func finiteFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        if let v = fastFloat(bytes) { return v }
        return slowFloat(bytes)
    }

    private static func fastFloat(_ b: UnsafeBufferPointer<UInt8>) -> Float? {
        var i = 0
        let n = b.count
        guard n > 0 else { return nil }
        var negative = false
        if b[0] == 0x2D { negative = true; i = 1 } else if b[0] == 0x2B { i = 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawDigit = false
        while i < n, b[i] &- 0x30 < 10 {
            sawDigit = true
            if mantissa != 0 || b[i] != 0x30 { digits += 1 }
            guard digits <= 19 else { return nil }
            mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
            i += 1
        }
        if i < n, b[i] == 0x2E {
            i += 1
            while i < n, b[i] &- 0x30 < 10 {
                // Eight digits at a time once the leading zeros are behind (most features are long fractions).
                if mantissa != 0, digits + 8 <= 19, i + 8 <= n {
                    let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self).littleEndian
                    if let eight = eightDigits(word) {
                        mantissa = mantissa &* 100_000_000 &+ eight
                        digits += 8
                        exponent -= 8
                        i += 8
                        continue
                    }
                }
                sawDigit = true
                if mantissa != 0 || b[i] != 0x30 { digits += 1 }
                guard digits <= 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                exponent -= 1
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < n, b[i] == 0x2D { expNegative = true; i += 1 } else if i < n, b[i] == 0x2B { i += 1 }
            var e = 0, expDigits = 0
            while i < n, b[i] &- 0x30 < 10 {
                e = min(e * 10 + Int(b[i] &- 0x30), 100_000)
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0 }
        guard exponent >= -22, exponent <= 22 else { return nil }
        // Double(mantissa) and the scaling by an exact power of ten each round once: `d` is within
        // 2 ulps (of Double) of the true value. Narrowing to Float is then the correctly rounded
        // Float unless `d` lies within a few ulps of a midpoint between two Floats (low 29
        // mantissa bits near 1000…0); those go to strtof.
        var d = Double(mantissa)
        d = exponent < 0 ? d / power(-exponent) : d * power(exponent)
        let low = Int(d.bitPattern & 0x1FFF_FFFF) - 0x1000_0000
        guard d >= Double(Float.leastNormalMagnitude), d <= Double(Float.greatestFiniteMagnitude), abs(low) > 16 else { return nil }
        let f = Float(d)
        return negative ? -f : f
    }

    /// The value of eight ASCII digits loaded little-endian, or nil if any byte is not a digit.
    @inline(__always) private static func eightDigits(_ word: UInt64) -> UInt64? {
        let high = word & 0xF0F0_F0F0_F0F0_F0F0, carried = ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4
        guard high | carried == 0x3333_3333_3333_3333 else { return nil }
        var v = word                                                       // fast_float's parse_eight_digits_unrolled
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return v
    }

    private static func slowFloat(_ b: UnsafeBufferPointer<UInt8>) -> Float? {
        guard !b.isEmpty, b.count < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: b.count + 1) { s -> Float? in
            for i in 0..<b.count { s[i] = CChar(bitPattern: b[i]) }
            s[b.count] = 0
            // Swift's Float(String) refuses leading whitespace; strtof would skip it.
            guard b[0] != 0x20, b[0] != 0x09 else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>?
            let v = strtof(s.baseAddress!, &endPointer)
            guard let endPointer, endPointer == s.baseAddress! + b.count, v.isFinite else { return nil }
            return v
        }
    }

    /// A class index: digits only (an optional `+`), at most `Int32.max`; nil otherwise.
    static func classIndex(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        var i = 0
        if !b.isEmpty, b[0] == 0x2B { i = 1 }
        var negativeZero = false
        if !b.isEmpty, b[0] == 0x2D { i = 1; negativeZero = true }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
            guard v <= Int64(Int32.max) else { return nil }
            i += 1
        }
        if negativeZero && v != 0 { return nil }
        return Int32(v)
    }
}
