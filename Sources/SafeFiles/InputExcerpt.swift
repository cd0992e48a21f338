/// A short, printable excerpt of input for an error message: at most `limit` characters, control
/// characters escaped, "…" and the full length when cut. An error never echoes a whole file or header.
public func inputExcerpt<S: StringProtocol>(_ text: S, limit: Int = 80) -> String {
    var out = ""
    var shown = 0
    for scalar in text.unicodeScalars {
        if shown >= limit {
            return out + "… (\(text.unicodeScalars.count) characters)"
        }
        switch scalar.value {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
        shown += 1
    }
    return out
}
