import Linalg

extension OnlineLearner {
    /// Predicts `rows` samples, then learns from them, in minibatches of `batchSize`
    /// (prequential "test-then-train"). Probabilities go to `probabilities` (`rows × classCount`).
    /// Returns the mean of the batch losses (weighted by batch length).
    @discardableResult
    public mutating func testThenTrain(
        _ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, probabilities: UnsafeMutablePointer<Float>
    ) -> Float {
        var start = 0, total: Float = 0
        let d = featureCount, c = classCount
        while start < rows {
            let n = min(batchSize, rows - start)
            predictProbabilities(x + start * d, rows: n, into: probabilities + start * c)
            total += partialFit(x + start * d, labels: labels + start, rows: n) * Float(n)
            start += n
        }
        return rows > 0 ? total / Float(rows) : 0
    }

    /// Learns `rows` samples in order, in minibatches of `batchSize`; returns the mean batch loss.
    @discardableResult
    public mutating func partialFit(stream x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int) -> Float {
        var start = 0, total: Float = 0
        let d = featureCount
        while start < rows {
            let n = min(batchSize, rows - start)
            total += partialFit(x + start * d, labels: labels + start, rows: n) * Float(n)
            start += n
        }
        return rows > 0 ? total / Float(rows) : 0
    }

    /// `epochs` passes over a window of `rows` samples in shuffled minibatches of `batchSize`
    /// (fine-tuning). A full retrain is `reinitialize(using:)` followed by `retrain`. Returns the
    /// mean loss of the last epoch. Allocates one gather buffer per call.
    @discardableResult
    public mutating func retrain(
        _ x: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, epochs: Int, rng: inout RandomSource
    ) -> Float {
        guard rows > 0, epochs > 0 else { return 0 }
        let d = featureCount
        var order = Array(0..<rows)
        let capacity = min(batchSize, rows)
        var xb = [Float](repeating: 0, count: capacity * d)
        var yb = [Int32](repeating: 0, count: capacity)
        var last: Float = 0
        for _ in 0..<epochs {
            rng.shuffle(&order)
            var start = 0, total: Float = 0
            while start < rows {
                // batchSize may not change mid-call, but the last batch may be short.
                let n = min(capacity, rows - start)
                xb.withUnsafeMutableBufferPointer { pxb in
                    yb.withUnsafeMutableBufferPointer { pyb in
                        for j in 0..<n {
                            let i = order[start + j]
                            (pxb.baseAddress! + j * d).update(from: x + i * d, count: d)
                            pyb[j] = labels[i]
                        }
                        total += partialFit(pxb.baseAddress!, labels: pyb.baseAddress!, rows: n) * Float(n)
                    }
                }
                start += n
            }
            last = total / Float(rows)
        }
        return last
    }
}

// MARK: - Array and Matrix conveniences (allocate; for tests, tools and cold paths)

extension OnlineLearner {
    /// Class probabilities of `x.count / featureCount` samples, `rows × classCount`.
    public func predictProbabilities(_ x: [Float]) -> [Float] {
        let rows = x.count / featureCount
        precondition(rows * featureCount == x.count, "x has \(x.count) values, not a multiple of \(featureCount)")
        var out = [Float](repeating: 0, count: rows * classCount)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                if rows > 0 { predictProbabilities(px.baseAddress!, rows: rows, into: po.baseAddress!) }
            }
        }
        return out
    }

    /// Class probabilities as a `rows × classCount` matrix.
    public func predictProbabilities(_ x: Matrix) -> Matrix {
        precondition(x.cols == featureCount, "x has \(x.cols) columns, expected \(featureCount)")
        return Matrix(rows: x.rows, cols: classCount, data: predictProbabilities(x.data))
    }

    /// Most probable class of each sample (first on ties).
    public func predict(_ x: Matrix) -> [Int32] {
        let p = predictProbabilities(x)
        return p.data.withUnsafeBufferPointer { pp in
            (0..<x.rows).map { Int32(Kernels.argmax(pp.baseAddress! + $0 * classCount, count: classCount)) }
        }
    }

    /// One update on the whole array as a single minibatch.
    @discardableResult
    public mutating func partialFit(_ x: [Float], labels: [Int32]) -> Float {
        precondition(x.count == labels.count * featureCount, "x and labels disagree on the number of samples")
        guard !labels.isEmpty else { return 0 }
        return x.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in partialFit(px.baseAddress!, labels: py.baseAddress!, rows: py.count) }
        }
    }

    /// One update on the matrix's rows as a single minibatch.
    @discardableResult
    public mutating func partialFit(_ x: Matrix, labels: [Int32]) -> Float {
        precondition(x.cols == featureCount, "x has \(x.cols) columns, expected \(featureCount)")
        return partialFit(x.data, labels: labels)
    }

    /// Learns the matrix's rows in order in minibatches of `batchSize`.
    @discardableResult
    public mutating func partialFit(stream x: Matrix, labels: [Int32]) -> Float {
        precondition(x.cols == featureCount && x.rows == labels.count, "x and labels disagree")
        guard x.rows > 0 else { return 0 }
        return x.data.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in partialFit(stream: px.baseAddress!, labels: py.baseAddress!, rows: x.rows) }
        }
    }

    /// `retrain` on a window held in a matrix.
    @discardableResult
    public mutating func retrain(_ x: Matrix, labels: [Int32], epochs: Int, rng: inout RandomSource) -> Float {
        precondition(x.cols == featureCount && x.rows == labels.count, "x and labels disagree")
        guard x.rows > 0 else { return 0 }
        return x.data.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { py in
                retrain(px.baseAddress!, labels: py.baseAddress!, rows: x.rows, epochs: epochs, rng: &rng)
            }
        }
    }

    /// `retrain` on a window held in a flat array (`labels.count × featureCount`).
    @discardableResult
    public mutating func retrain(_ x: [Float], labels: [Int32], epochs: Int, rng: inout RandomSource) -> Float {
        retrain(Matrix(rows: labels.count, cols: featureCount, data: x), labels: labels, epochs: epochs, rng: &rng)
    }
}
