import Testing
@testable import Linalg

/// Naive triple loop, the reference for sgemm.
private func naiveProduct(_ a: Matrix, transA: Bool, _ b: Matrix, transB: Bool) -> Matrix {
    let m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, n = transB ? b.rows : b.cols
    var c = Matrix(rows: m, cols: n)
    for i in 0..<m {
        for j in 0..<n {
            var s: Double = 0
            for p in 0..<k {
                let av = transA ? a[p, i] : a[i, p]
                let bv = transB ? b[j, p] : b[p, j]
                s += Double(av) * Double(bv)
            }
            c[i, j] = Float(s)
        }
    }
    return c
}

private func randomMatrix(_ rows: Int, _ cols: Int, _ rng: inout RandomSource) -> Matrix {
    Matrix(rows: rows, cols: cols, data: (0..<(rows * cols)).map { _ in rng.nextFloat() * 2 - 1 })
}

@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func gemmMatchesNaiveProduct(transA: Bool, transB: Bool) {
    var rng = RandomSource(seed: 7)
    let a = transA ? randomMatrix(13, 7, &rng) : randomMatrix(7, 13, &rng)
    let b = transB ? randomMatrix(5, 13, &rng) : randomMatrix(13, 5, &rng)
    let got = Matrix.product(a, transA: transA, b, transB: transB)
    let want = naiveProduct(a, transA: transA, b, transB: transB)
    #expect(got.rows == 7 && got.cols == 5)
    for (g, w) in zip(got.data, want.data) { #expect(abs(g - w) < 1e-5) }
}

@Test func gemmAccumulatesWithBeta() {
    let a = Matrix([[1, 2], [3, 4]])
    var c = Matrix([[1, 1], [1, 1]])
    Matrix.gemm(a, a, into: &c, alpha: 2, beta: 0.5)
    #expect(c == Matrix([[14.5, 20.5], [30.5, 44.5]]))
}

@Test func gemvAxpyDot() {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(BLAS.gemv(a, [1, 0, -1]) == [-2, -2])
    #expect(BLAS.gemv(a, trans: true, [1, 1]) == [5, 7, 9])
    var y: [Float] = [1, 1, 1]
    BLAS.axpy(2, [1, 2, 3], &y)
    #expect(y == [3, 5, 7])
    #expect(BLAS.dot([1, 2, 3], [4, 5, 6]) == 32)
}

@Test func transposeAndRow() {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(a.transposed() == Matrix([[1, 4], [2, 5], [3, 6]]))
    #expect(a.row(1) == [4, 5, 6])
}
