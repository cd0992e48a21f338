import Learners
import ProductionLearner
import Linalg

/// A binary stream whose boundary flips sign at `flipAt`; columns scaled by `scales` (raw units).
func flipStream(rows: Int, flipAt: Int, scales: [Float] = [1, 1, 1, 1], seed: UInt64 = 5) -> LabelledCSV {
    var rng = RandomSource(seed: seed)
    let w: [Float] = [1.5, -2, 1, 0.5]
    var x = [Float](), y = [Int32]()
    for i in 0..<rows {
        let row = (0..<4).map { _ in Float(rng.nextGaussian()) }
        var z = zip(row, w).reduce(0) { $0 + $1.0 * $1.1 }
        if i >= flipAt { z = -z }
        x += zip(row, scales).map { $0 * $1 }
        y.append(z > 0 ? 1 : 0)
    }
    return LabelledCSV(featureNames: ["a", "b", "c", "d"], features: x, labels: y, skipped: [])
}
