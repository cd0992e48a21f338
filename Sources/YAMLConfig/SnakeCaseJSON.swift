import Foundation

/// The one key convention of DriftTune's JSON files and `--json` outputs: snake_case keys, sorted.
/// Property names with an acronym spell it as a word in their `CodingKeys` (`targetKl`) so the
/// decoder maps `target_kl` back.
public enum SnakeCaseJSON {
    /// Sorted snake_case keys; `pretty` for files people read.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    /// `value` as one line of JSON text.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self)
    }
}
