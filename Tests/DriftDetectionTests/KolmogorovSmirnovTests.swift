import DriftDetection
import Foundation
import Testing

@Test func ksMatchesScipyOnFixtures() throws {
    let root = try Fixtures.json("ks.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    #expect(cases.count >= 10)
    for c in cases {
        let a = (c["a"] as! [NSNumber]).map(\.doubleValue)
        let b = (c["b"] as! [NSNumber]).map(\.doubleValue)
        let r = KolmogorovSmirnov.test(a, b)
        let name = c["name"] as! String
        // The statistic alone (what the monitor's ks_scores feature uses) is the test's statistic.
        let (sa, sb) = (a.sorted(), b.sorted())
        let d = sa.withUnsafeBufferPointer { pa in sb.withUnsafeBufferPointer { pb in KolmogorovSmirnov.statisticSorted(pa, pb) } }
        #expect(d == r.statistic, "\(name): statisticSorted \(d), test \(r.statistic)")
        #expect(abs(r.statistic - (c["statistic"] as! Double)) <= 1e-6, "\(name) statistic")
        #expect(abs(r.pValue - (c["pvalue"] as! Double)) <= 1e-6, "\(name) p-value \(r.pValue)")
        #expect(r.isExact == (max(a.count, b.count) <= 10_000), "\(name)")
    }
}

@Test func kolmogorovSurvivalMatchesScipyKstwo() throws {
    let root = try Fixtures.json("ks.json")
    let rows = try #require(root["kstwo_sf"] as? [[String: Any]])
    for row in rows {
        let n = (row["n"] as! NSNumber).intValue
        let d = row["d"] as! Double
        let sf = row["sf"] as! Double
        let got = KolmogorovDistribution.survival(n: n, d: d)
        #expect(abs(got - sf) <= 1e-6, "kstwo.sf(\(d), \(n)) = \(sf), got \(got)")
    }
}

@Test func ksHandComputed() {
    // Disjoint samples of 3 and 5: D = 1, exact p = 2 / C(8, 3) = 1/28.
    let r = KolmogorovSmirnov.test([0, 1, 2], [10, 11, 12, 13, 14])
    #expect(r.statistic == 1)
    #expect(abs(r.pValue - 1.0 / 28.0) < 1e-12)
    #expect(KolmogorovSmirnov.test([1, 2, 3], [1, 2, 3]).pValue == 1)
}
