import Foundation
import Yams

/// A configuration file's text composed into YAML nodes, with every failure as a `ConfigError`:
/// syntax errors and duplicate keys name file, line and column.
public enum ConfigDocument {
    /// The text of the file at `path`; `expected` describes the file kind for the not-found message
    /// ("an environment spec (YAML)").
    public static func text(of path: String, expected: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .fileNotFound(path: path, expected: expected)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The root node of `yaml` (nil for an empty document). A key given twice in one mapping is
    /// refused (Yams' composer checks this); `file` only appears in error messages.
    public static func root(yaml: String, file: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            throw error(e, file: file, yaml: yaml)
        } catch {
            throw .syntax(file: file, line: 1, column: 1, problem: ConfigError.excerpt("\(error)", limit: 120))
        }
    }

    static func error(_ e: YamlError, file: String, yaml: String) -> ConfigError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .syntax(file: file, line: mark.line, column: mark.column, problem: problem)
        case .reader(let problem, _, _, _):
            return .syntax(file: file, line: 1, column: 1, problem: problem)
        case .duplicatedKeysInMapping(let keys, let context):
            let key = keys.first ?? "?"
            let mark = context.mark
            return .duplicateKey(file: file, line: mark.line, column: mark.column, key: key,
                                 again: nextLine(of: key, after: mark, in: yaml))
        default:
            // Never the whole YAML text, which some YamlError descriptions embed.
            return .syntax(file: file, line: 1, column: 1, problem: ConfigError.excerpt("\(e)", limit: 120))
        }
    }

    /// The next line after `mark` that sets `key` at the same indentation (block mappings), or
    /// `mark`'s line when the key comes again on it (flow mappings); 0 if not found.
    static func nextLine(of key: String, after mark: Mark, in yaml: String) -> Int {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return 0 }
        let first = lines[mark.line - 1]
        if first.components(separatedBy: "\(key):").count > 2 { return mark.line }
        let indent = String(repeating: " ", count: max(mark.column - 1, 0))
        for i in mark.line..<lines.count {
            let line = lines[i]
            if line.hasPrefix(indent + key), line.dropFirst(indent.count + key.count).drop(while: { $0 == " " }).first == ":" {
                return i + 1
            }
        }
        return 0
    }
}
