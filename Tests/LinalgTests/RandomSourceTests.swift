import Testing
@testable import Linalg

@Test func sameSeedSameStream() {
    var a = RandomSource(seed: 123), b = RandomSource(seed: 123)
    for _ in 0..<100 { #expect(a.next() == b.next()) }
}

@Test func splitDependsOnlyOnSeedAndKey() {
    var parent = RandomSource(seed: 9)
    let before = parent.split(5)
    _ = parent.next()  // advancing the parent must not change its children
    var c1 = before, c2 = parent.split(5), other = parent.split(6)
    let x = c1.next()
    #expect(x == c2.next())
    #expect(x != other.next())
    #expect(RandomSource(seed: 1).split("network-diagnosis") == RandomSource(seed: 1).split("network-diagnosis"))
}

@Test func xoshiroReferenceValue() {
    // First outputs of xoshiro256** for state derived by SplitMix64 from seed 0, fixed forever:
    // changing them would silently change every published result.
    var r = RandomSource(seed: 0)
    let first = (0..<3).map { _ in r.next() }
    #expect(first == RandomSourceGolden.seed0)
}

enum RandomSourceGolden {
    static let seed0: [UInt64] = [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0]
}

@Test func uniformAndGaussianMoments() {
    var r = RandomSource(seed: 2024)
    let n = 200_000
    var sum = 0.0, sumSq = 0.0, gsum = 0.0, gsq = 0.0
    var below = [Int](repeating: 0, count: 10)
    for _ in 0..<n {
        let u = Double(r.nextFloat())
        #expect(u >= 0 && u < 1)
        sum += u; sumSq += u * u
        let g = r.nextGaussian()
        gsum += g; gsq += g * g
        below[r.nextInt(below: 10)] += 1
    }
    #expect(abs(sum / Double(n) - 0.5) < 0.005)
    #expect(abs(sumSq / Double(n) - 1.0 / 3.0) < 0.005)
    #expect(abs(gsum / Double(n)) < 0.01)
    #expect(abs(gsq / Double(n) - 1) < 0.015)
    for c in below { #expect(abs(Double(c) / Double(n) - 0.1) < 0.005) }
}

@Test func shuffleIsAPermutationAndSeeded() {
    var a = Array(0..<50), b = Array(0..<50)
    var r1 = RandomSource(seed: 3), r2 = RandomSource(seed: 3)
    r1.shuffle(&a); r2.shuffle(&b)
    #expect(a == b)
    #expect(a.sorted() == Array(0..<50))
    #expect(a != Array(0..<50))
}
