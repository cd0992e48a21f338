/// A seeded, splittable pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// `split(_:)` derives an independent child stream from the parent's *seed* and a key, without
/// advancing the parent, so the numbers a worker sees depend only on (seed, key) and never on
/// thread scheduling or the order in which workers start.
///
///     var root = RandomSource(seed: 42)
///     var run3 = root.split(3)          // same stream whatever else happened to `root`
///     let u = run3.nextFloat()          // in [0, 1)
public struct RandomSource: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64
    /// The seed this generator was created from (also the base for `split`).
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        var sm = seed
        s0 = RandomSource.splitMix(&sm)
        s1 = RandomSource.splitMix(&sm)
        s2 = RandomSource.splitMix(&sm)
        s3 = RandomSource.splitMix(&sm)
    }

    /// An independent generator for child `key` of this generator's seed.
    public func split(_ key: UInt64) -> RandomSource {
        var sm = seed ^ 0x6A09_E667_F3BC_C909
        let a = RandomSource.splitMix(&sm)
        var km = key &+ a
        return RandomSource(seed: RandomSource.splitMix(&km) ^ a.rotatedLeft(17))
    }

    /// An independent generator for a child named by a string (stable across runs and platforms).
    public func split(_ name: String) -> RandomSource {
        split(RandomSource.stableHash(name))
    }

    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    @inlinable
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in `0..<bound` (Lemire's multiply-shift; negligible bias for small bounds).
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int((UInt128(next()) &* UInt128(UInt64(bound))) >> 64)
    }

    /// Standard normal sample (Box–Muller, no cached second value so the stream is position-pure).
    public mutating func nextGaussian() -> Double {
        var u1 = nextDouble()
        while u1 <= Double.leastNormalMagnitude { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle with this generator (a fixed algorithm, so results never change with the
    /// standard library's).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// A 64-bit FNV-1a hash of the UTF-8 bytes, for naming child streams.
    public static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    @inlinable
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inlinable
    func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

import Foundation
@usableFromInline func _log(_ x: Double) -> Double { Foundation.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Foundation.cos(x) }
