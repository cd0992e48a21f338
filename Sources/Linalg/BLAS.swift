import Foundation
internal import COpenBLAS

/// Thin, typed wrappers over the CBLAS single-precision routines (row-major).
///
/// This is the only place in DriftTune that calls the C BLAS API: `COpenBLAS` is an internal import
/// and nothing here is `@inlinable`, so no module that imports Linalg sees a C symbol. Pointers are
/// raw so hot loops can work on slices of larger buffers without copying; `Matrix` offers checked,
/// array-based forms.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` (row-major sgemm). `op(A)` is `m × k`, `op(B)` is `k × n`.
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha * op(A) * x + beta * y` (row-major sgemv); `A` is `m × n` as stored.
    public static func gemv(
        trans: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(
            CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
            x, 1, beta, y, 1)
    }

    /// `y += alpha * x` over `n` contiguous elements.
    public static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// `x · y` over `n` contiguous elements.
    public static func dot(n: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Float {
        guard n > 0 else { return 0 }
        return cblas_sdot(Int32(n), x, 1, y, 1)
    }

    /// `x *= alpha` over `n` contiguous elements.
    public static func scal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        cblas_sscal(Int32(n), alpha, x, 1)
    }

    /// The kernel set OpenBLAS runs on this CPU (e.g. "Haswell"; `OPENBLAS_CORETYPE` overrides it).
    /// Results are bitwise reproducible for a seed on the same kernel set; another one may change
    /// the last bits of sums, so sweeps record it in `manifest.json` and `drifttune bench` prints it.
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? "unknown"
    }

    /// The number of threads OpenBLAS uses for one call (process-wide). Change it for a stretch of
    /// work with `withThreadCount(_:_:)`, which puts the previous count back.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Runs `body` with OpenBLAS on `count` threads, then restores the count from before the
    /// first open scope (also when `body` throws). The count is process-wide, so concurrent scopes
    /// are counted (`ThreadCountLeases`): single-threaded scopes win, because they are the ones
    /// that need bitwise reproducible sums (a multithreaded gemm splits sums differently). A scope
    /// asking for more threads while a single-threaded one is open runs on one thread.
    ///
    ///     let y = BLAS.withThreadCount(1) { BLAS.gemv(a, x) }
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        let c = max(1, count)
        enterScope(c)
        defer { exitScope(c) }
        return try body()
    }

    /// `withThreadCount(_:_:)` for async work (the count is process-wide, so it holds across
    /// suspension points and for child tasks).
    public static func withThreadCount<R>(
        _ count: Int, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async rethrows -> R {
        let c = max(1, count)
        enterScope(c)
        defer { exitScope(c) }
        return try await body()
    }

    /// Whether any `withThreadCount` scope is open in the process.
    public static var hasOpenScopes: Bool { leasesLock.withLock { !leases.isEmpty } }

    private static let leasesLock = NSLock()
    nonisolated(unsafe) private static var leases = ThreadCountLeases()

    private static func enterScope(_ count: Int) {
        leasesLock.withLock {
            let target = leases.enter(count, current: threadCount)
            if threadCount != target { threadCount = target }
        }
    }

    private static func exitScope(_ count: Int) {
        leasesLock.withLock {
            let target = leases.exit(count)
            if threadCount != target { threadCount = target }
        }
    }
}

/// The bookkeeping behind `BLAS.withThreadCount`: open scopes per requested thread count, and the
/// count from before the first one. A value type, so its rules are tested without touching BLAS.
public struct ThreadCountLeases: Sendable, Equatable {
    /// Open scopes per requested count.
    public private(set) var open: [Int: Int] = [:]
    /// The count to restore when the last scope closes.
    public private(set) var baseline = 1

    public init() {}

    public var isEmpty: Bool { open.isEmpty }

    /// The count OpenBLAS should run on while these scopes are open: 1 if any single-threaded
    /// scope is open, else the largest requested count; the baseline when none is open.
    public var effective: Int {
        if open.isEmpty { return baseline }
        return open[1] != nil ? 1 : open.keys.max()!
    }

    /// Opens a scope asking for `count` threads (`current`: OpenBLAS's count now); returns the
    /// count to run on.
    public mutating func enter(_ count: Int, current: Int) -> Int {
        if open.isEmpty { baseline = current }
        open[count, default: 0] += 1
        return effective
    }

    /// Closes a scope opened with `count`; returns the count to run on next.
    public mutating func exit(_ count: Int) -> Int {
        if let n = open[count] { open[count] = n > 1 ? n - 1 : nil }
        return effective
    }
}

extension BLAS {
    /// `y += alpha * x` for arrays of equal length.
    public static func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        precondition(x.count == y.count, "axpy length mismatch: \(x.count) vs \(y.count)")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                axpy(n: px.count, alpha: alpha, x: px.baseAddress!, y: py.baseAddress!)
            }
        }
    }

    /// `x · y` for arrays of equal length.
    public static func dot(_ x: [Float], _ y: [Float]) -> Float {
        precondition(x.count == y.count, "dot length mismatch: \(x.count) vs \(y.count)")
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in dot(n: px.count, x: px.baseAddress!, y: py.baseAddress!) }
        }
    }

    /// `A * x` (or `Aᵀ * x`) as a new array.
    public static func gemv(_ a: Matrix, trans: Bool = false, _ x: [Float]) -> [Float] {
        precondition(x.count == (trans ? a.rows : a.cols), "gemv vector length \(x.count) does not match matrix")
        var y = [Float](repeating: 0, count: trans ? a.cols : a.rows)
        a.data.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    gemv(trans: trans, m: a.rows, n: a.cols, alpha: 1, a: pa.baseAddress!, lda: a.cols,
                         x: px.baseAddress!, beta: 0, y: py.baseAddress!)
                }
            }
        }
        return y
    }
}
