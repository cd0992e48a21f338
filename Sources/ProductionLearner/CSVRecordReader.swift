#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads CSV records from bytes, incrementally: a file descriptor is read in 1 MiB chunks, so
/// memory stays at one chunk plus the longest record however long the stream is.
///
/// Records end at `\n` (a `\r` before it is dropped); fields are split at `,`; a field that starts
/// with `"` is quoted (`""` inside it is one `"`, and it may hold commas and line breaks); unquoted
/// fields are trimmed of spaces and tabs; a UTF-8 byte-order mark at the start is skipped.
///
///     var r = CSVRecordReader(descriptor: 0)
///     while try r.next() { for i in 0..<r.fieldCount { _ = r.field(i) } }
struct CSVRecordReader {
    /// The longest record accepted, in bytes (a header of a million columns fits).
    static let maxRecordBytes = 64 << 20
    static let chunk = 1 << 20

    private let descriptor: Int32?
    private var buffer: [UInt8]
    private var start = 0       // first unread byte
    private var end = 0         // one past the last byte read
    private var atEOF = false
    private var checkedBOM = false
    private var nextLine = 1
    /// Field bounds of the current record into `buffer`, or into `unescaped` for quoted fields.
    private struct Field { var start: Int; var end: Int; var escaped: Bool }
    private var fields: [Field] = []
    private var unescaped: [UInt8] = []
    /// Line breaks inside quoted fields of the current record.
    private var embeddedBreaks = 0

    /// The line the current record starts on (1-based).
    private(set) var line = 0
    /// Whether the current record ended without a line break (the stream stopped mid-row).
    private(set) var unterminated = false
    /// Whether the current record has a quoted field still open at the end of the stream.
    private(set) var openQuote = false

    /// Reads from an open file descriptor (not closed here).
    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer = [UInt8](repeating: 0, count: Self.chunk)
    }

    /// Reads from bytes already in memory.
    init(bytes: [UInt8]) {
        descriptor = nil
        buffer = bytes
        end = bytes.count
        atEOF = true
    }

    var fieldCount: Int { fields.count }

    /// Whether the current record is blank (nothing but spaces and tabs).
    var isBlank: Bool { fields.count == 1 && fields[0].start == fields[0].end && !fields[0].escaped }

    /// Calls `body` with the bytes of field `i` of the current record.
    @inline(__always)
    func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let f = fields[i]
        if f.escaped {
            return try unescaped.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
        }
        return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(start: $0.baseAddress! + f.start, count: f.end - f.start)) }
    }

    /// Field `i` as text (for headers and messages).
    func string(_ i: Int) -> String { withField(i) { String(decoding: $0, as: UTF8.self) } }

    /// Advances to the next record; false at the end of the stream.
    mutating func next() throws -> Bool {
        while true {
            if !checkedBOM {
                try fill(atLeast: 3)
                if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF { start += 3 }
                checkedBOM = true
            }
            if start == end {
                if atEOF { return false }
                try fill(atLeast: 1)
                continue
            }
            if let consumed = scan() {
                line = nextLine
                nextLine += 1 + embeddedBreaks
                start += consumed
                return true
            }
            // The record runs past the bytes read: read more (or take what is left at the end).
            if atEOF {
                line = nextLine
                scanToEnd()
                start = end
                return true
            }
            guard end - start < Self.maxRecordBytes else { throw CSVRecordError.tooLong(line: nextLine, limit: Self.maxRecordBytes) }
            try fill(atLeast: end - start + 1)
        }
    }

    /// Splits the record at `start` into fields; returns the bytes it takes (line break included),
    /// or nil when the record is not complete in the buffer.
    private mutating func scan() -> Int? {
        fields.removeAll(keepingCapacity: true)
        if !unescaped.isEmpty { unescaped.removeAll(keepingCapacity: true) }
        embeddedBreaks = 0
        unterminated = false
        openQuote = false
        return buffer.withUnsafeBufferPointer { b -> Int? in
            var i = start
            while true {
                while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
                if i < end, b[i] == 0x22 {  // quoted field
                    let s = unescaped.count
                    i += 1
                    var closed = false
                    while i < end {
                        let c = b[i]
                        if c == 0x22 {
                            if i + 1 < end, b[i + 1] == 0x22 { unescaped.append(0x22); i += 2; continue }
                            if i + 1 == end && !atEOF { return nil }  // "" may straddle the chunk
                            closed = true
                            i += 1
                            break
                        }
                        if c == 0x0A { embeddedBreaks += 1 }
                        unescaped.append(c)
                        i += 1
                    }
                    if !closed {
                        guard atEOF else { return nil }
                        openQuote = true
                    }
                    fields.append(Field(start: s, end: unescaped.count, escaped: true))
                    while i < end, b[i] != 0x2C, b[i] != 0x0A { i += 1 }  // text after the closing quote is ignored
                } else {
                    let s = i
                    while i < end, b[i] != 0x2C, b[i] != 0x0A { i += 1 }
                    var e = i
                    while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0D { e -= 1 }
                    fields.append(Field(start: s, end: e, escaped: false))
                }
                if i == end {
                    guard atEOF else { return nil }
                    unterminated = true
                    return i - start
                }
                if b[i] == 0x0A { return i + 1 - start }
                i += 1  // a comma: the next field
            }
        }
    }

    private mutating func scanToEnd() {
        _ = scan()
        unterminated = true
    }

    /// Reads until at least `count` unread bytes are buffered or the stream ends.
    private mutating func fill(atLeast count: Int) throws {
        guard let descriptor else { atEOF = true; return }
        if start > 0 {  // move the unread tail to the front
            let n = end - start
            buffer.withUnsafeMutableBufferPointer { b in
                if n > 0 { memmove(b.baseAddress!, b.baseAddress! + start, n) }
            }
            start = 0
            end = n
        }
        if count + Self.chunk / 2 > buffer.count { buffer += [UInt8](repeating: 0, count: max(buffer.count, count + Self.chunk - buffer.count)) }
        while end - start < count && !atEOF {
            let room = buffer.count - end
            let got = buffer.withUnsafeMutableBufferPointer { b in read(descriptor, b.baseAddress! + end, room) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CSVRecordError.unreadable(reason: String(cString: strerror(errno)))
            }
            if got == 0 { atEOF = true } else { end += got }
        }
    }
}

/// Why the record reader stopped.
enum CSVRecordError: Error, Equatable {
    case tooLong(line: Int, limit: Int)
    case unreadable(reason: String)
}
