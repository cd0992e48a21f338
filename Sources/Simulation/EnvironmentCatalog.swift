import Foundation
import YAMLConfig

/// Finds environment specs by name in an `environments/` directory.
///
/// The directory is, in order: the one given explicitly, `$DRIFTTUNE_ENVIRONMENTS`, or the first
/// `environments/` found in the current directory or one of its parents.
public struct EnvironmentCatalog: Sendable {
    public let directory: String?
    /// Where it looked (for error messages).
    public let searched: [String]

    public init(directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: String = FileManager.default.currentDirectoryPath) {
        if let d = directory ?? environment["DRIFTTUNE_ENVIRONMENTS"] {
            self.directory = d
            searched = [d]
            return
        }
        var tried: [String] = []
        var url = URL(fileURLWithPath: currentDirectory).standardizedFileURL
        var found: String? = nil
        while true {
            let candidate = url.appendingPathComponent("environments").path
            tried.append(candidate)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue {
                found = candidate
                break
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        self.directory = found
        searched = tried
    }

    /// Names of the specs in the directory, sorted.
    public func names() -> [String] {
        guard let d = directory, let files = try? FileManager.default.contentsOfDirectory(atPath: d) else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Path of spec `name` (which may also be a path to a `.yaml` or `.yml` file, or any path with a `/`,
    /// as `--env` takes). The file must be UTF-8 text of a spec's size.
    public func path(of name: String) throws -> String {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
            guard FileManager.default.fileExists(atPath: name) else { throw ConfigError.fileNotFound(path: name, expected: EnvironmentSpec.expectedFile) }
            try InputConfinement.requireYAMLMappingFile(name, what: "an environment spec (YAML)")
            return name
        }
        return try path(ofName: name)
    }

    /// Path of spec `name` in the catalog: a plain name only (names in scenario files never become paths).
    public func path(ofName name: String) throws -> String {
        try InputConfinement.requirePlainName(name, what: "environment name")
        guard let d = directory else { throw ConfigError.notFound(kind: "environment", name: name, searched: searched) }
        let p = (d as NSString).appendingPathComponent("\(name).yaml")
        guard FileManager.default.fileExists(atPath: p) else {
            throw ConfigError.notFound(kind: "environment", name: name, searched: [d])
        }
        try InputConfinement.requireYAMLMappingFile(p, what: "an environment spec (YAML)")
        return p
    }

    /// Loads and validates spec `name`.
    public func load(_ name: String) throws -> EnvironmentSpec {
        try EnvironmentSpec.load(file: try path(of: name))
    }
}
