import Testing
@testable import Experiments

@Test func interquartileMeanCutsAQuarterFromEachEnd() {
    #expect(Statistics.interquartileMean([1, 2, 3, 4, 5, 6, 7, 100]) == 4.5)
    #expect(Statistics.interquartileMean([5]) == 5)
    #expect(Statistics.interquartileMean([]) == 0)
}
