import Foundation
import SafeFiles

/// Reads and writes policy files: one JSON header line, then the JSON payload (a `PolicyDocument`).
///
///     {"format":"drifttune-policy","format_version":2,"payload_bytes":48213,"sha256":"9f…"}\n
///     {"actions":{…},"fallback":{…},"network":{…},…}
///
/// The header's SHA-256 covers exactly the payload bytes, so any flipped byte, truncation or edit
/// is caught before a single weight is used. `docs/policy-format.md` describes every field.
public enum PolicyFile {
    public static let formatName = "drifttune-policy"
    /// Format versions this runtime reads; `write` produces the last one.
    public static let supportedVersions = [2]

    struct Header: Codable {
        var format: String?
        var formatVersion: Int?
        var payloadBytes: Int?
        var sha256: String?
        enum CodingKeys: String, CodingKey {
            case format, formatVersion = "format_version", payloadBytes = "payload_bytes", sha256
        }
    }

    /// The file's bytes for `document` (deterministic: keys sorted, shortest round-trip floats).
    public static func encode(_ document: PolicyDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = try encoder.encode(document)
        let header = Header(format: formatName, formatVersion: supportedVersions.last!, payloadBytes: payload.count,
                            sha256: SHA256.hex(of: payload))
        var data = try encoder.encode(header)
        data.append(0x0A)
        data.append(payload)
        return data
    }

    /// Writes `document` to `path` through `OutputFile` (a regular file is replaced atomically).
    public static func write(_ document: PolicyDocument, to path: String) throws {
        try OutputFile.write(try encode(document), to: path)
    }

    /// Parses and validates a policy file's bytes; `file` names it in error messages.
    public static func decode(_ data: Data, file: String) throws -> PolicyDocument {
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            throw PolicyFileError.badHeader(file: file, reason: bytes.isEmpty ? "the file is empty" : "no header line")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        } catch {
            throw PolicyFileError.badHeader(file: file, reason: "the first line is not a JSON object")
        }
        guard let format = header.format else { throw PolicyFileError.badHeader(file: file, reason: "no \"format\"") }
        guard format == formatName else { throw PolicyFileError.unknownFormat(file: file, found: format) }
        guard let version = header.formatVersion else { throw PolicyFileError.badHeader(file: file, reason: "no \"format_version\"") }
        guard supportedVersions.contains(version) else {
            throw PolicyFileError.unsupportedFormatVersion(file: file, found: version, supported: supportedVersions)
        }
        guard let expectedBytes = header.payloadBytes, let digest = header.sha256 else {
            throw PolicyFileError.badHeader(file: file, reason: "no \"payload_bytes\" or \"sha256\"")
        }
        let payload = bytes[(newline + 1)...]
        guard payload.count == expectedBytes else {
            throw PolicyFileError.truncated(file: file, expectedBytes: expectedBytes, foundBytes: payload.count)
        }
        let computed = SHA256.hex(of: payload)
        guard computed == digest.lowercased() else {
            throw PolicyFileError.digestMismatch(file: file, expected: digest, computed: computed)
        }
        // JSONDecoder silently keeps one of two equal keys (Python's json the other): one verified
        // file would be two networks. Refuse it, naming the key.
        if case let .duplicateKey(path, key)? = JSONScan.firstProblem(in: payload) {
            throw PolicyFileError.duplicateKey(file: file, path: path, key: inputExcerpt(key, limit: 60))
        }
        let document: PolicyDocument
        do {
            // "NaN" / "Infinity" strings decode, so that validation can name the exact bad weight.
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            document = try decoder.decode(PolicyDocument.self, from: Data(payload))
        } catch let error as DecodingError {
            // JSONDecoder reports a number beyond Float's range as "not valid JSON" with no field: find it.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               case let .numberOutOfRange(path, text)? = JSONScan.firstProblem(in: payload)
                ?? JSONScan.firstProblem(in: payload, beyondFloat: true) {
                throw PolicyFileError.malformed(file: file, field: path, reason: "the number \(inputExcerpt(text, limit: 40)) is out of range")
            }
            throw malformed(error, file: file)
        }
        try PolicyValidation.validate(document, file: file)
        return document
    }

    /// Reads, verifies and validates the policy file at `path`.
    public static func read(_ path: String) throws -> PolicyDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw PolicyFileError.unreadable(file: path, reason: reason)
        }
        return try decode(data, file: path)
    }

    private static func malformed(_ error: DecodingError, file: String) -> PolicyFileError {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context.codingPath)
            return .malformed(file: file, field: parent == "(top level)" ? key.stringValue : "\(parent).\(key.stringValue)", reason: "missing")
        case let .typeMismatch(type, context):
            return .malformed(file: file, field: path(context.codingPath), reason: "expected \(type)")
        case let .valueNotFound(type, context):
            return .malformed(file: file, field: path(context.codingPath), reason: "expected \(type), found null")
        case let .dataCorrupted(context):
            return .malformed(file: file, field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .malformed(file: file, field: "(unknown)", reason: "\(error)")
        }
    }
}
