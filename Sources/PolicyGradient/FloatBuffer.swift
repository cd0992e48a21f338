/// A growable, manually managed `Float` buffer for hot-path workspaces.
///
/// `ensure(_:)` reallocates only when the requested count exceeds the capacity, so repeated calls
/// with the same batch size allocate once. Contents are not preserved across growth.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(count: Int = 0) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for at least `count` elements (zeroed when the buffer grows).
    @discardableResult
    func ensure(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        return pointer
    }

    /// The first `count` elements as an array.
    func array(_ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the first `values.count` elements.
    func assign(_ values: [Float]) {
        ensure(values.count)
        values.withUnsafeBufferPointer { src in
            pointer.update(from: src.baseAddress!, count: src.count)
        }
    }

    func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }
}
