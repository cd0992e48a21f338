import Yams

/// A YAML mapping being read field by field, remembering where each value sits so errors can name
/// file, line and column. `finish()` rejects keys nobody asked for.
struct SpecMap {
    let file: String
    /// Dotted path of this mapping (e.g. `drift[2]`), prefixed to field names in errors.
    let path: String
    let mark: Mark?
    private let entries: [(key: String, keyMark: Mark?, value: Node)]
    private var allowed: [String] = []

    init(_ node: Node, file: String, path: String) throws {
        self.file = file
        self.path = path
        self.mark = node.mark
        guard let mapping = node.mapping else {
            throw SpecError.wrongType(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                      field: path.isEmpty ? "document" : path, expected: "a mapping",
                                      found: SpecMap.describe(node))
        }
        var e: [(String, Mark?, Node)] = []
        for (k, v) in mapping {
            guard let ks = k.string else {
                throw SpecError.wrongType(file: file, line: k.mark?.line ?? 0, column: k.mark?.column ?? 0,
                                          field: path, expected: "string keys", found: SpecMap.describe(k))
            }
            e.append((ks, k.mark, v))
        }
        entries = e.map { (key: $0.0, keyMark: $0.1, value: $0.2) }
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var keys: [String] { entries.map(\.key) }

    func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }

    mutating func optionalNode(_ key: String) -> Node? {
        allowed.append(key)
        return node(key)
    }

    mutating func requiredNode(_ key: String) throws -> Node {
        allowed.append(key)
        guard let n = node(key) else {
            throw SpecError.missingKey(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, key: field(key))
        }
        return n
    }

    /// Throws for the first key not consumed by a reader call.
    func finish() throws {
        for e in entries where !allowed.contains(e.key) {
            throw SpecError.unknownKey(file: file, line: e.keyMark?.line ?? 0, column: e.keyMark?.column ?? 0,
                                       key: field(e.key), allowed: allowed)
        }
    }

    // MARK: typed readers

    mutating func string(_ key: String) throws -> String {
        try SpecMap.string(try requiredNode(key), file: file, field: field(key))
    }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let n = optionalNode(key) else { return nil }
        return try SpecMap.string(n, file: file, field: field(key))
    }

    mutating func double(_ key: String, in range: ClosedRange<Double>, default def: Double? = nil) throws -> Double {
        guard let n = def == nil ? try requiredNode(key) : optionalNode(key) else { return def! }
        return try SpecMap.double(n, file: file, field: field(key), in: range)
    }

    mutating func optionalDouble(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let n = optionalNode(key) else { return nil }
        return try SpecMap.double(n, file: file, field: field(key), in: range)
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, default def: Int? = nil) throws -> Int {
        guard let n = def == nil ? try requiredNode(key) : optionalNode(key) else { return def! }
        return try SpecMap.int(n, file: file, field: field(key), in: range)
    }

    mutating func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let n = optionalNode(key) else { return nil }
        return try SpecMap.int(n, file: file, field: field(key), in: range)
    }

    mutating func optionalBool(_ key: String) throws -> Bool? {
        guard let n = optionalNode(key) else { return nil }
        guard n.scalar != nil, let b = n.bool else { throw SpecMap.typeError(n, file: file, field: field(key), "true or false") }
        return b
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws -> E where E.RawValue == String {
        let n = try requiredNode(key)
        let s = try SpecMap.string(n, file: file, field: field(key))
        guard let e = E(rawValue: s) else {
            throw SpecError.outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field(key),
                                       value: "'\(s)'", expected: "one of " + E.allCases.map { $0.rawValue }.joined(separator: ", "))
        }
        return e
    }

    mutating func map(_ key: String) throws -> SpecMap {
        try SpecMap(try requiredNode(key), file: file, path: field(key))
    }

    mutating func list(_ key: String) throws -> [(Node, String)] {
        let n = try requiredNode(key)
        return try SpecMap.list(n, file: file, field: field(key))
    }

    mutating func optionalList(_ key: String) throws -> [(Node, String)]? {
        guard let n = optionalNode(key) else { return nil }
        return try SpecMap.list(n, file: file, field: field(key))
    }

    /// A mapping of names to numbers in `range`.
    mutating func optionalNumberMap(_ key: String, in range: ClosedRange<Double>) throws -> [String: Double]? {
        guard let n = optionalNode(key) else { return nil }
        var m = try SpecMap(n, file: file, path: field(key))
        var out: [String: Double] = [:]
        for k in m.keys { out[k] = try m.double(k, in: range) }
        return out
    }

    // MARK: node-level helpers

    static func list(_ n: Node, file: String, field: String) throws -> [(Node, String)] {
        guard let seq = n.sequence else { throw typeError(n, file: file, field: field, "a list") }
        return seq.enumerated().map { ($0.element, "\(field)[\($0.offset)]") }
    }

    static func string(_ n: Node, file: String, field: String) throws -> String {
        guard let s = n.scalar?.string else { throw typeError(n, file: file, field: field, "a string") }
        return s
    }

    static func double(_ n: Node, file: String, field: String, in range: ClosedRange<Double>) throws -> Double {
        guard n.scalar != nil, let v = n.float, n.bool == nil || n.int != nil else {
            throw typeError(n, file: file, field: field, "a number")
        }
        guard range.contains(v) else {
            throw SpecError.outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                                       value: "\(v)", expected: "a number in \(format(range))")
        }
        return v
    }

    static func int(_ n: Node, file: String, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard n.scalar != nil, let v = n.int else { throw typeError(n, file: file, field: field, "an integer") }
        guard range.contains(v) else {
            throw SpecError.outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                                       value: "\(v)", expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    static func typeError(_ n: Node, file: String, field: String, _ expected: String) -> SpecError {
        .wrongType(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                   expected: expected, found: describe(n))
    }

    static func describe(_ n: Node) -> String { YAMLNodes.describe(n) }

    static func format(_ r: ClosedRange<Double>) -> String {
        func f(_ x: Double) -> String {
            x == .infinity ? "inf" : x == -.infinity ? "-inf" : (x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)")
        }
        return "\(f(r.lowerBound))...\(f(r.upperBound))"
    }

    func error(_ key: String, _ problem: String) -> SpecError {
        let n = node(key)
        return .invalid(file: file, line: n?.mark?.line ?? mark?.line ?? 0, column: n?.mark?.column ?? mark?.column ?? 0,
                        field: field(key), problem: problem)
    }
}

/// Wording shared by the YAML readers (environment specs here, scenarios in Experiments).
public enum YAMLNodes {
    /// What a node is, for "wrong type" messages: "a mapping", "integer 3", "string 'x'".
    public static func describe(_ n: Node) -> String {
        switch n {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if n.int != nil { return "integer \(s.string)" }
            if n.float != nil { return "number \(s.string)" }
            if n.bool != nil { return "boolean \(s.string)" }
            return "string '\(s.string)'"
        }
    }
}
