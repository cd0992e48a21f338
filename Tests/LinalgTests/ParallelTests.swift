import Linalg
import Testing

@Test(arguments: [(0, 4), (1, 4), (7, 1), (7, 3), (100, 8), (5, 16)])
func parallelForEachVisitsEveryIndexOnce(count: Int, workers: Int) {
    var visits = [Int](repeating: 0, count: count)
    visits.withUnsafeMutableBufferPointer { v in
        Parallel.forEach(count, workers: workers) { i in v[i] += 1 }
    }
    #expect(visits == [Int](repeating: 1, count: count))
}

@Test func parallelForEachMatchesSerialResults() {
    let inputs = (0..<64).map { Float($0) * 0.37 }
    func work(_ x: Float) -> Float { (0..<200).reduce(x) { s, k in s * 0.999 + Float(k).squareRoot() } }
    var parallel = [Float](repeating: 0, count: inputs.count)
    parallel.withUnsafeMutableBufferPointer { out in
        Parallel.forEach(inputs.count, workers: 4) { i in out[i] = work(inputs[i]) }
    }
    #expect(parallel == inputs.map(work))
}
