import Foundation

/// A single pass over JSON text for what `JSONDecoder` does not report: an object key that
/// appears twice (JSONDecoder keeps one of them silently, Python's `json` the other) and the
/// field of a number too large for any float. Not a validator: malformed text is left to the decoder.
enum JSONScan {
    enum Finding: Equatable {
        case duplicateKey(path: String, key: String)
        case numberOutOfRange(path: String, text: String)
    }

    private struct Frame {
        var isObject: Bool
        var path: String
        var keys: Set<String> = []
        var expectingKey = true
        var index = 0
        var lastKey = ""
    }

    /// The first duplicate key, or number beyond the range of a finite `Double`, in document order.
    /// With `beyondFloat`, a finite number too large for `Float` counts as out of range too.
    static func firstProblem(in bytes: ArraySlice<UInt8>, beyondFloat: Bool = false) -> Finding? {
        var stack: [Frame] = []
        var i = bytes.startIndex
        let end = bytes.endIndex

        func valuePath() -> String {
            guard let top = stack.last else { return "(top level)" }
            if top.isObject { return top.path.isEmpty ? top.lastKey : top.path + "." + top.lastKey }
            return top.path + "[\(top.index)]"
        }

        while i < end {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                stack.append(Frame(isObject: c == UInt8(ascii: "{"), path: stack.isEmpty ? "" : valuePath()))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                i += 1
            case UInt8(ascii: ","):
                if !stack.isEmpty {
                    if stack[stack.count - 1].isObject { stack[stack.count - 1].expectingKey = true } else { stack[stack.count - 1].index += 1 }
                }
                i += 1
            case UInt8(ascii: ":"):
                if !stack.isEmpty { stack[stack.count - 1].expectingKey = false }
                i += 1
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                var escaped = false
                while i < end, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 1
                    }
                    i += 1
                }
                let stop = min(i + 1, end)
                i = stop
                if let top = stack.last, top.isObject, top.expectingKey {
                    let raw = bytes[start..<stop]
                    let key: String
                    if escaped, let decoded = try? JSONDecoder().decode(String.self, from: Data(raw)) {
                        key = decoded
                    } else {
                        key = String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                    }
                    if stack[stack.count - 1].keys.contains(key) {
                        let path = top.path
                        return .duplicateKey(path: path.isEmpty ? "(top level)" : path, key: key)
                    }
                    stack[stack.count - 1].keys.insert(key)
                    stack[stack.count - 1].lastKey = key
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < end, Self.isNumberByte(bytes[i]) { i += 1 }
                // Only an exponent or 39+ digits can leave Float's range; skip the parse otherwise.
                if i - start > 38 || bytes[start..<i].contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                    let text = String(decoding: bytes[start..<i], as: UTF8.self)
                    if let v = Double(text), !v.isFinite || (beyondFloat && abs(v) > Double(Float.greatestFiniteMagnitude)) {
                        return .numberOutOfRange(path: valuePath(), text: text)
                    }
                }
            default:
                i += 1
            }
        }
        return nil
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
}
