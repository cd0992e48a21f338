import Foundation
import Yams

/// Why a name or an input file was refused before any reader saw it.
public enum InputConfinementError: Error, Sendable, Equatable, CustomStringConvertible {
    case notPlainName(what: String, name: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notPlainName(what, name):
            return "\(what) '\(InputConfinement.excerpt(name))' is not a plain name; expected letters, digits, '-', '_' "
                + "and '.' (not first), at most \(InputConfinement.maxNameLength) characters"
        case let .unreadable(path, reason):
            return "\(InputConfinement.excerpt(path)): \(reason)"
        }
    }
}

/// Names that become paths (scenario and environment names from YAML) must be plain names, and
/// text inputs (specs, scenarios, settings) must be readable UTF-8 files of a sane size, so a name
/// cannot escape its folder and an error cannot echo an arbitrary file.
public enum InputConfinement {
    public static let maxNameLength = 100
    /// The largest spec, scenario or settings file read (1 MiB).
    public static let maxTextFileBytes = 1 << 20

    /// Letters, digits, `-`, `_` and `.`, not starting with `.`, 1 to `maxNameLength` characters.
    public static func isPlainName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxNameLength, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { s in
            (s.value < 0x80 && (CharacterSet.alphanumerics.contains(s))) || s == "-" || s == "_" || s == "."
        }
    }

    /// Throws unless `name` is a plain name; `what` says what it names ("scenario name").
    public static func requirePlainName(_ name: String, what: String) throws(InputConfinementError) {
        guard isPlainName(name) else { throw .notPlainName(what: what, name: name) }
    }

    /// Throws unless `path` is a readable regular file of at most `maxTextFileBytes` holding UTF-8 text.
    public static func requireTextFile(_ path: String, what: String) throws(InputConfinementError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file; expected \(what)")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "a folder; expected \(what)") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else {
            throw .unreadable(path: path, reason: "not a regular file; expected \(what)")
        }
        if let size = attributes[.size] as? Int, size > maxTextFileBytes {
            throw .unreadable(path: path, reason: "\(size) bytes, larger than the \(maxTextFileBytes) bytes \(what) may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "not readable; expected \(what)")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw .unreadable(path: path, reason: "not valid UTF-8 text; expected \(what)")
        }
    }

    /// At most 80 characters of `text`, control characters escaped.
    static func excerpt(_ text: String) -> String {
        var out = ""
        for (i, s) in text.unicodeScalars.enumerated() {
            if i >= 80 { return out + "…" }
            if s.value < 0x20 || (0x7F..<0xA0).contains(s.value) {
                out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

extension InputConfinement {
    /// `requireTextFile`, and the text must not be a single YAML value: a reader would quote that
    /// value (the whole file) in its "expected a mapping" message.
    public static func requireYAMLMappingFile(_ path: String, what: String) throws(InputConfinementError) {
        try requireTextFile(path, what: what)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              let root = try? Yams.compose(yaml: text) else { return }  // syntax errors are the reader's to report
        if case .scalar = root { throw .unreadable(path: path, reason: "holds a single value, not a YAML mapping; expected \(what)") }
    }
}
