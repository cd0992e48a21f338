#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number parsing straight from CSV bytes, giving exactly what `Float(String)` gives.
///
/// Plain decimals (`-12.5`, `3e-4`, up to 19 significant digits, exponent within ±22) take a fast
/// path: the digits as an integer, scaled by an exact power of ten in `Double` (correctly rounded),
/// then narrowed to `Float`. Narrowing is exact unless the `Double` sits on a midpoint between two
/// `Float`s; those, and every other spelling (`inf`, hex, many digits), go to `strtof`.
///
///     parseFloat(Array("0.25".utf8).withUnsafeBufferPointer { $0 })  // 0.25
enum DecimalParsing {
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

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
        guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var d = Double(mantissa)
        d = exponent < 0 ? d / powers[-exponent] : d * powers[exponent]
        // A Double on a Float midpoint (low 29 mantissa bits 1000…0) would round twice; let strtof decide.
        guard d >= Double(Float.leastNormalMagnitude), d <= Double(Float.greatestFiniteMagnitude),
              d.bitPattern & 0x1FFF_FFFF != 0x1000_0000 else { return nil }
        let f = Float(d)
        return negative ? -f : f
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
