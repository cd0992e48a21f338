import Simulation
import Yams

/// A YAML mapping read field by field, remembering where each value sits so errors name file, line
/// and column. `finish()` rejects keys nobody asked for. (The same approach as the environment
/// spec reader in Simulation, which keeps its reader internal.)
struct ScenarioMap {
    let file: String
    /// Dotted path of this mapping (e.g. `environments[1]`), prefixed to field names in errors.
    let path: String
    let mark: Mark?
    private let entries: [(key: String, keyMark: Mark?, value: Node)]
    private var allowed: [String] = []

    init(_ node: Node, file: String, path: String) throws(ScenarioError) {
        self.file = file
        self.path = path
        self.mark = node.mark
        guard let mapping = node.mapping else {
            throw ScenarioMap.typeError(node, file: file, field: path.isEmpty ? "document" : path, "a mapping")
        }
        var e: [(key: String, keyMark: Mark?, value: Node)] = []
        for (k, v) in mapping {
            guard let ks = k.string else { throw ScenarioMap.typeError(k, file: file, field: path, "string keys") }
            e.append((ks, k.mark, v))
        }
        entries = e
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    var keys: [String] { entries.map(\.key) }
    func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    func keyMark(_ key: String) -> Mark? { entries.first { $0.key == key }?.keyMark }

    mutating func optionalNode(_ key: String) -> Node? {
        allowed.append(key)
        return node(key)
    }

    mutating func requiredNode(_ key: String) throws(ScenarioError) -> Node {
        allowed.append(key)
        guard let n = node(key) else {
            throw .missingKey(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, key: field(key))
        }
        return n
    }

    /// Throws for the first key not consumed by a reader call.
    func finish() throws(ScenarioError) {
        for e in entries where !allowed.contains(e.key) {
            throw .unknownKey(file: file, line: e.keyMark?.line ?? 0, column: e.keyMark?.column ?? 0,
                              key: field(e.key), allowed: allowed)
        }
    }

    mutating func string(_ key: String) throws(ScenarioError) -> String {
        try ScenarioMap.string(try requiredNode(key), file: file, field: field(key))
    }

    mutating func optionalString(_ key: String) throws(ScenarioError) -> String? {
        guard let n = optionalNode(key) else { return nil }
        return try ScenarioMap.string(n, file: file, field: field(key))
    }

    mutating func double(_ key: String, in range: ClosedRange<Double>, default def: Double) throws(ScenarioError) -> Double {
        guard let n = optionalNode(key) else { return def }
        return try ScenarioMap.double(n, file: file, field: field(key), in: range)
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, default def: Int? = nil) throws(ScenarioError) -> Int {
        if let def {
            guard let n = optionalNode(key) else { return def }
            return try ScenarioMap.int(n, file: file, field: field(key), in: range)
        }
        return try ScenarioMap.int(try requiredNode(key), file: file, field: field(key), in: range)
    }

    mutating func bool(_ key: String, default def: Bool) throws(ScenarioError) -> Bool {
        guard let n = optionalNode(key) else { return def }
        guard n.scalar != nil, let b = n.bool else { throw ScenarioMap.typeError(n, file: file, field: field(key), "true or false") }
        return b
    }

    mutating func optionalMap(_ key: String) throws(ScenarioError) -> ScenarioMap? {
        guard let n = optionalNode(key) else { return nil }
        return try ScenarioMap(n, file: file, path: field(key))
    }

    mutating func list(_ key: String) throws(ScenarioError) -> [(node: Node, field: String)] {
        let n = try requiredNode(key)
        return try ScenarioMap.list(n, file: file, field: field(key))
    }

    mutating func optionalList(_ key: String) throws(ScenarioError) -> [(node: Node, field: String)]? {
        guard let n = optionalNode(key) else { return nil }
        return try ScenarioMap.list(n, file: file, field: field(key))
    }

    /// A list of integers in `range`: `[1, 2, 3]` or a mapping `{from: 1, count: 10}`.
    mutating func seeds(_ key: String) throws(ScenarioError) -> [UInt64] {
        let n = try requiredNode(key)
        let f = field(key)
        if n.mapping != nil {
            var m = try ScenarioMap(n, file: file, path: f)
            let from = try m.int("from", in: 0...Int(Int32.max))
            let count = try m.int("count", in: 1...100_000)
            try m.finish()
            return (0..<count).map { UInt64(from + $0) }
        }
        let items = try ScenarioMap.list(n, file: file, field: f)
        guard !items.isEmpty else { throw ScenarioMap.invalid(n, file: file, field: f, "expected at least one seed") }
        var out: [UInt64] = []
        for item in items { out.append(UInt64(try ScenarioMap.int(item.node, file: file, field: item.field, in: 0...Int(Int32.max)))) }
        var seen = Set<UInt64>()
        for (s, item) in zip(out, items) where !seen.insert(s).inserted {
            throw ScenarioMap.invalid(item.node, file: file, field: item.field, "seed \(s) is listed twice")
        }
        return out
    }

    func error(_ key: String, _ problem: String) -> ScenarioError {
        let n = node(key)
        return .invalid(file: file, line: n?.mark?.line ?? mark?.line ?? 0, column: n?.mark?.column ?? mark?.column ?? 0,
                        field: field(key), problem: problem)
    }

    // MARK: node-level helpers

    static func list(_ n: Node, file: String, field: String) throws(ScenarioError) -> [(node: Node, field: String)] {
        guard let seq = n.sequence else { throw typeError(n, file: file, field: field, "a list") }
        return seq.enumerated().map { ($0.element, "\(field)[\($0.offset)]") }
    }

    static func string(_ n: Node, file: String, field: String) throws(ScenarioError) -> String {
        guard let s = n.scalar?.string else { throw typeError(n, file: file, field: field, "a string") }
        return s
    }

    static func double(_ n: Node, file: String, field: String, in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        guard n.scalar != nil, let v = n.float, n.bool == nil || n.int != nil else {
            throw typeError(n, file: file, field: field, "a number")
        }
        guard range.contains(v) else {
            throw .outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                              value: "\(v)", expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    static func int(_ n: Node, file: String, field: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard n.scalar != nil, let v = n.int else { throw typeError(n, file: file, field: field, "an integer") }
        guard range.contains(v) else {
            throw .outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                              value: "\(v)", expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    static func typeError(_ n: Node, file: String, field: String, _ expected: String) -> ScenarioError {
        .wrongType(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                   expected: expected, found: describe(n))
    }

    static func invalid(_ n: Node, file: String, field: String, _ problem: String) -> ScenarioError {
        .invalid(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field, problem: problem)
    }

    static func describe(_ n: Node) -> String { YAMLNodes.describe(n) }
}
