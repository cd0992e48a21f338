/// A dense, row-major matrix of `Float`.
///
/// Element `(r, c)` lives at `data[r * cols + c]`. Value semantics (copy on write through `Array`).
///
///     var m = Matrix(rows: 2, cols: 3)
///     m[1, 2] = 5
public struct Matrix: Sendable, Equatable, Codable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    /// Row-major storage, `rows * cols` elements.
    public var data: [Float]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.data = [Float](repeating: value, count: rows * cols)
    }

    /// A matrix over existing row-major storage; `data.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, data: [Float]) {
        precondition(data.count == rows * cols, "Matrix storage has \(data.count) elements, expected \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// A matrix from nested rows (all of equal length).
    public init(_ nested: [[Float]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "Rows must have equal length")
        self.init(rows: nested.count, cols: cols, data: nested.flatMap { $0 })
    }

    public subscript(row: Int, col: Int) -> Float {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    /// Row `r` as a new array.
    public func row(_ r: Int) -> [Float] {
        Array(data[(r * cols)..<((r + 1) * cols)])
    }

    /// The transpose, as a new matrix.
    public func transposed() -> Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for r in 0..<rows {
            for c in 0..<cols {
                t.data[c * rows + r] = data[r * cols + c]
            }
        }
        return t
    }

    /// True when every element is finite (no NaN or infinity).
    public var isFinite: Bool { Kernels.allFinite(data) }
}

extension Matrix {
    /// `C = alpha * op(A) * op(B) + beta * C` through BLAS sgemm; `C` must already have the result shape.
    public static func gemm(
        _ a: Matrix, transA: Bool = false,
        _ b: Matrix, transB: Bool = false,
        into c: inout Matrix, alpha: Float = 1, beta: Float = 0
    ) {
        let m = transA ? a.cols : a.rows
        let k = transA ? a.rows : a.cols
        let kb = transB ? b.cols : b.rows
        let n = transB ? b.rows : b.cols
        precondition(k == kb, "gemm inner dimensions differ: \(k) vs \(kb)")
        precondition(c.rows == m && c.cols == n, "gemm output is \(c.rows)x\(c.cols), expected \(m)x\(n)")
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(
                        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: a.cols, b: pb.baseAddress!, ldb: b.cols,
                        beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// `op(A) * op(B)` as a new matrix.
    public static func product(_ a: Matrix, transA: Bool = false, _ b: Matrix, transB: Bool = false) -> Matrix {
        var c = Matrix(rows: transA ? a.cols : a.rows, cols: transB ? b.rows : b.cols)
        gemm(a, transA: transA, b, transB: transB, into: &c)
        return c
    }
}
