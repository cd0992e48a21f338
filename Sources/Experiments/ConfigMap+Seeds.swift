import YAMLConfig
import Yams

extension ConfigMap {
    /// A list of seeds in 0...Int32.max, `[1, 2, 3]`, or a range `{from: 1, count: 10}`.
    mutating func seeds(_ key: String) throws(ConfigError) -> [UInt64] {
        let n = try requiredNode(key)
        let f = field(key)
        if n.mapping != nil {
            var m = try ConfigMap(n, file: file, path: f)
            let from = try m.int("from", in: 0...Int(Int32.max))
            let count = try m.int("count", in: 1...100_000)
            try m.finish()
            return (0..<count).map { UInt64(from + $0) }
        }
        let items = try ConfigMap.list(n, file: file, field: f)
        guard !items.isEmpty else { throw ConfigMap.invalid(n, file: file, field: f, "expected at least one seed") }
        var out: [UInt64] = []
        for item in items { out.append(UInt64(try ConfigMap.int(item.node, file: file, field: item.field, in: 0...Int(Int32.max)))) }
        var seen = Set<UInt64>()
        for (s, item) in zip(out, items) where !seen.insert(s).inserted {
            throw ConfigMap.invalid(item.node, file: file, field: item.field, "seed \(s) is listed twice")
        }
        return out
    }
}
