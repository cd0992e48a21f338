import Foundation
import Testing
@testable import Experiments

struct StatisticsFixture: Decodable {
    struct Case: Decodable {
        var values: [Double]
        var mean: Double
        var iqm: Double
        var quantiles: [String: Double]
    }
    var cases: [Case]

    static func load() throws -> StatisticsFixture {
        let url = try #require(Bundle.module.url(forResource: "statistics", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(StatisticsFixture.self, from: Data(contentsOf: url))
    }
}

@Test func interquartileMeanCutsAQuarterFromEachEnd() {
    #expect(Statistics.interquartileMean([1, 2, 3, 4, 5, 6, 7, 100]) == 4.5)
    #expect(Statistics.interquartileMean([5]) == 5)
    #expect(Statistics.interquartileMean([]) == 0)
}

@Test func meanIQMAndQuantilesMatchNumpyAndScipy() throws {
    let fixture = try StatisticsFixture.load()
    #expect(fixture.cases.count == 6)
    for c in fixture.cases {
        #expect(abs(Statistics.mean(c.values) - c.mean) < 1e-12)
        #expect(abs(Statistics.interquartileMean(c.values) - c.iqm) < 1e-12, "IQM of \(c.values)")
        for (q, v) in c.quantiles {
            #expect(abs(Statistics.quantile(c.values, Double(q)!) - v) < 1e-12, "quantile \(q) of \(c.values)")
        }
    }
}
