/// Minimal CSV for the result tables: comma-separated, fields quoted only when they hold a comma,
/// quote or newline; numbers in Swift's shortest round-trip form, so reading back is exact.
enum CSV {
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    /// Parses text into rows of fields (RFC 4180 quoting).
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cur = ""
        var quoted = false, afterQuote = false
        var it = text.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { cur.append(c) }
                continue
            }
            switch c {
            case "\"":
                if afterQuote { cur.append("\"") }
                quoted = true
                afterQuote = false
            case ",":
                row.append(cur); cur = ""; afterQuote = false
            case "\n", "\r\n":
                row.append(cur); rows.append(row); row = []; cur = ""; afterQuote = false
            case "\r":
                continue
            default:
                cur.append(c); afterQuote = false
            }
        }
        if !cur.isEmpty || !row.isEmpty { row.append(cur); rows.append(row) }
        return rows
    }
}

import Foundation
