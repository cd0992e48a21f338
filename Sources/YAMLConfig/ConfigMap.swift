import Yams

/// A YAML mapping being read field by field, remembering where each value sits so errors name
/// file, line, column and field. `finish()` refuses keys nobody asked for.
///
///     var m = try ConfigMap(root, file: "a.yaml", path: "")
///     let n = try m.int("count", in: 1...10, default: 3)
///     try m.finish()
public struct ConfigMap {
    public let file: String
    /// Dotted path of this mapping (e.g. `drift[2]`), prefixed to field names in errors.
    public let path: String
    public let mark: Mark?
    private let entries: [(key: String, keyMark: Mark?, value: Node)]
    private var allowed: [String] = []

    public init(_ node: Node, file: String, path: String) throws(ConfigError) {
        self.file = file
        self.path = path
        self.mark = node.mark
        guard let mapping = node.mapping else {
            throw ConfigMap.typeError(node, file: file, field: path.isEmpty ? "document" : path, "a mapping")
        }
        var e: [(key: String, keyMark: Mark?, value: Node)] = []
        for (k, v) in mapping {
            guard let ks = k.string else { throw ConfigMap.typeError(k, file: file, field: path, "string keys") }
            e.append((ks, k.mark, v))
        }
        entries = e
    }

    public func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    public var keys: [String] { entries.map(\.key) }
    public func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    public func keyMark(_ key: String) -> Mark? { entries.first { $0.key == key }?.keyMark }

    public mutating func optionalNode(_ key: String) -> Node? {
        allowed.append(key)
        return node(key)
    }

    public mutating func requiredNode(_ key: String) throws(ConfigError) -> Node {
        allowed.append(key)
        guard let n = node(key) else {
            throw .missingKey(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, key: field(key))
        }
        return n
    }

    /// Throws for the first key not consumed by a reader call.
    public func finish() throws(ConfigError) {
        for e in entries where !allowed.contains(e.key) {
            throw .unknownKey(file: file, line: e.keyMark?.line ?? 0, column: e.keyMark?.column ?? 0,
                              key: field(e.key), allowed: allowed)
        }
    }

    /// Marks keys as understood without reading them (for keys read elsewhere).
    public mutating func allow(_ keys: [String]) { allowed.append(contentsOf: keys) }

    // MARK: typed readers

    public mutating func string(_ key: String) throws(ConfigError) -> String {
        try ConfigMap.string(try requiredNode(key), file: file, field: field(key))
    }

    public mutating func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.string(n, file: file, field: field(key))
    }

    /// Required when `default` is nil.
    public mutating func double(_ key: String, in range: ClosedRange<Double>, default def: Double? = nil) throws(ConfigError) -> Double {
        if let def {
            guard let n = optionalNode(key) else { return def }
            return try ConfigMap.double(n, file: file, field: field(key), in: range)
        }
        return try ConfigMap.double(try requiredNode(key), file: file, field: field(key), in: range)
    }

    public mutating func optionalDouble(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.double(n, file: file, field: field(key), in: range)
    }

    /// Required when `default` is nil.
    public mutating func int(_ key: String, in range: ClosedRange<Int>, default def: Int? = nil) throws(ConfigError) -> Int {
        if let def {
            guard let n = optionalNode(key) else { return def }
            return try ConfigMap.int(n, file: file, field: field(key), in: range)
        }
        return try ConfigMap.int(try requiredNode(key), file: file, field: field(key), in: range)
    }

    public mutating func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.int(n, file: file, field: field(key), in: range)
    }

    public mutating func optionalBool(_ key: String) throws(ConfigError) -> Bool? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.bool(n, file: file, field: field(key))
    }

    public mutating func bool(_ key: String, default def: Bool) throws(ConfigError) -> Bool {
        try optionalBool(key) ?? def
    }

    /// One of `E`'s raw values.
    public mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(ConfigError) -> E
    where E.RawValue == String {
        let n = try requiredNode(key)
        return try ConfigMap.enumeration(n, file: file, field: field(key), E.self)
    }

    public mutating func optionalEnumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(ConfigError) -> E?
    where E.RawValue == String {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.enumeration(n, file: file, field: field(key), E.self)
    }

    public mutating func map(_ key: String) throws(ConfigError) -> ConfigMap {
        try ConfigMap(try requiredNode(key), file: file, path: field(key))
    }

    public mutating func optionalMap(_ key: String) throws(ConfigError) -> ConfigMap? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap(n, file: file, path: field(key))
    }

    public mutating func list(_ key: String) throws(ConfigError) -> [(node: Node, field: String)] {
        try ConfigMap.list(try requiredNode(key), file: file, field: field(key))
    }

    public mutating func optionalList(_ key: String) throws(ConfigError) -> [(node: Node, field: String)]? {
        guard let n = optionalNode(key) else { return nil }
        return try ConfigMap.list(n, file: file, field: field(key))
    }

    /// A mapping of names to numbers in `range`.
    public mutating func optionalNumberMap(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> [String: Double]? {
        guard let n = optionalNode(key) else { return nil }
        var m = try ConfigMap(n, file: file, path: field(key))
        var out: [String: Double] = [:]
        for k in m.keys { out[k] = try m.double(k, in: range) }
        return out
    }

    /// An `.invalid` error at `key`'s value (or at this mapping when the key is absent).
    public func error(_ key: String, _ problem: String) -> ConfigError {
        let n = node(key)
        return .invalid(file: file, line: n?.mark?.line ?? mark?.line ?? 0, column: n?.mark?.column ?? mark?.column ?? 0,
                        field: field(key), problem: problem)
    }

    /// An `.outOfRange` error at `key`'s value (or at this mapping when the key is absent).
    public func outOfRange(_ key: String, value: String, expected: String) -> ConfigError {
        let n = node(key)
        return .outOfRange(file: file, line: n?.mark?.line ?? mark?.line ?? 0, column: n?.mark?.column ?? mark?.column ?? 0,
                           field: field(key), value: value, expected: expected)
    }

    // MARK: node-level readers

    public static func list(_ n: Node, file: String, field: String) throws(ConfigError) -> [(node: Node, field: String)] {
        guard let seq = n.sequence else { throw typeError(n, file: file, field: field, "a list") }
        return seq.enumerated().map { ($0.element, "\(field)[\($0.offset)]") }
    }

    public static func string(_ n: Node, file: String, field: String) throws(ConfigError) -> String {
        guard let s = n.scalar?.string else { throw typeError(n, file: file, field: field, "a string") }
        return s
    }

    public static func bool(_ n: Node, file: String, field: String) throws(ConfigError) -> Bool {
        guard n.scalar != nil, let b = n.bool else { throw typeError(n, file: file, field: field, "true or false") }
        return b
    }

    public static func double(_ n: Node, file: String, field: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard n.scalar != nil, let v = n.float, n.bool == nil || YAMLNodes.int(n) != nil else {
            throw typeError(n, file: file, field: field, "a number")
        }
        guard range.contains(v) else {
            throw .outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                              value: "\(v)", expected: "a number in \(YAMLNodes.format(range))")
        }
        return v
    }

    public static func int(_ n: Node, file: String, field: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard n.scalar != nil, let v = YAMLNodes.int(n) else { throw typeError(n, file: file, field: field, "an integer") }
        guard range.contains(v) else {
            throw .outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                              value: "\(v)", expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    public static func enumeration<E: RawRepresentable & CaseIterable>(_ n: Node, file: String, field: String,
                                                                     _: E.Type) throws(ConfigError) -> E
    where E.RawValue == String {
        let s = try string(n, file: file, field: field)
        guard let e = E(rawValue: s) else {
            throw .outOfRange(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                              value: "'\(s)'", expected: "one of " + E.allCases.map { $0.rawValue }.joined(separator: ", "))
        }
        return e
    }

    public static func typeError(_ n: Node, file: String, field: String, _ expected: String) -> ConfigError {
        .wrongType(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field,
                   expected: expected, found: YAMLNodes.describe(n))
    }

    public static func invalid(_ n: Node, file: String, field: String, _ problem: String) -> ConfigError {
        .invalid(file: file, line: n.mark?.line ?? 0, column: n.mark?.column ?? 0, field: field, problem: problem)
    }
}
