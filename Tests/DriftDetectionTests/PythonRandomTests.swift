@testable import DriftDetection
import Foundation
import Testing

@Test func pythonRandomSampleMatchesCPython() throws {
    let root = try Fixtures.json("python_random.json")
    let cases = try #require(root["cases"] as? [[String: Any]])
    #expect(cases.count >= 20)
    for c in cases {
        let seed = (c["seed"] as! NSNumber).intValue
        let n = (c["n"] as! NSNumber).intValue, k = (c["k"] as! NSNumber).intValue
        let expected = (c["samples"] as! [[NSNumber]]).map { $0.map(\.intValue) }
        var rng = PythonRandom(seed: seed)
        let usePool = PythonRandom.samplesFromPool(population: n, count: k)
        var result = [Int](repeating: 0, count: k), pool = [Int](repeating: 0, count: n)
        var taken = [Bool](repeating: false, count: n)
        for draw in expected {
            result.withUnsafeMutableBufferPointer { r in
                pool.withUnsafeMutableBufferPointer { p in
                    taken.withUnsafeMutableBufferPointer { t in
                        rng.sample(population: n, count: k, usePool: usePool, into: r, pool: p, taken: t)
                    }
                }
            }
            #expect(result == draw, "seed \(seed) sample(range(\(n)), \(k))")
        }
        #expect(!taken.contains(true))
    }
}

@Test func pythonRandomSetSwitchFollowsCPython() {
    #expect(PythonRandom.samplesFromPool(population: 70, count: 30))     // 21 + 4^4 = 277
    #expect(!PythonRandom.samplesFromPool(population: 970, count: 30))
    #expect(!PythonRandom.samplesFromPool(population: 22, count: 5))     // k ≤ 5: setsize 21
}
