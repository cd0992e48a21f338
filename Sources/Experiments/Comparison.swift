import Foundation

/// `drifttune compare A B`: per environment, method and metric, B − A with a bootstrap CI —
/// paired over seeds when both folders hold the same seeds, unpaired otherwise — and a plain
/// statement of what differs between the two sweeps (scenario, scenario file, seeds).
public struct Comparison: Sendable, Encodable {
    public struct Row: Sendable, Equatable, Encodable {
        public var environment: String
        public var method: String
        public var metric: String
        public var meanA: Double
        public var meanB: Double
        /// B − A.
        public var difference: ConfidenceInterval
        public var paired: Bool
        public var seedsA: Int
        public var seedsB: Int
    }

    public var nameA: String
    public var nameB: String
    /// Plain-language notes on what differs between the two sweeps.
    public var notes: [String]
    public var rows: [Row]

    /// Compares two results folders.
    public static func compare(_ a: String, _ b: String) throws -> Comparison {
        let sa = try ResultTables.load(directory: a), sb = try ResultTables.load(directory: b)
        let ma = try? Manifest.load(directory: a), mb = try? Manifest.load(directory: b)
        return compare(sa, sb, manifestA: ma, manifestB: mb, nameA: a, nameB: b)
    }

    public static func compare(_ sa: ResultSet, _ sb: ResultSet, manifestA: Manifest?, manifestB: Manifest?,
                               nameA: String, nameB: String) -> Comparison {
        var notes: [String] = []
        if sa.scenario != sb.scenario {
            notes.append("The scenarios differ: A is '\(sa.scenario)', B is '\(sb.scenario)'.")
        } else if let ma = manifestA, let mb = manifestB, ma.scenarioHash != mb.scenarioHash {
            notes.append("Same scenario name, but the scenario files differ (hash \(ma.scenarioHash.prefix(12)) vs \(mb.scenarioHash.prefix(12))).")
        } else {
            notes.append("Same scenario ('\(sa.scenario)').")
        }
        if let ma = manifestA, let mb = manifestB, ma.gitCommit != mb.gitCommit {
            notes.append("Produced by different commits: A \(ma.gitCommit.prefix(12)), B \(mb.gitCommit.prefix(12)).")
        }
        let seedsA = Set(sa.summary.map(\.seed)), seedsB = Set(sb.summary.map(\.seed))
        if seedsA != seedsB {
            let onlyA = seedsA.subtracting(seedsB).sorted(), onlyB = seedsB.subtracting(seedsA).sorted()
            notes.append("The held-out seeds differ (only in A: \(list(onlyA)); only in B: \(list(onlyB))); differences on unmatched seeds are unpaired.")
        } else {
            notes.append("Both hold the same \(seedsA.count) held-out seeds; differences are paired by seed.")
        }
        let envs = sa.environments.filter { sb.environments.contains($0) }
        for e in sa.environments where !envs.contains(e) { notes.append("Environment '\(e)' is only in A.") }
        for e in sb.environments where !envs.contains(e) { notes.append("Environment '\(e)' is only in B.") }
        let st = sa.statistics
        var rows: [Row] = []
        for env in envs {
            for m in sa.methods {
                for metric in sa.metrics {
                    let va = sa.values(environment: env, method: m, metric: metric)
                    let vb = sb.values(environment: env, method: m, metric: metric)
                    guard !va.isEmpty, !vb.isEmpty else { continue }
                    let da = Dictionary(va.map { ($0.seed, $0.value) }, uniquingKeysWith: { x, _ in x })
                    let db = Dictionary(vb.map { ($0.seed, $0.value) }, uniquingKeysWith: { x, _ in x })
                    let paired = Set(da.keys) == Set(db.keys)
                    let seed = SummaryMarkdown.seed(sa, "compare", env, m, metric)
                    let ci: ConfidenceInterval
                    if paired {
                        let d = da.keys.sorted().map { db[$0]! - da[$0]! }
                        ci = Bootstrap.mean(d, resamples: st.resamples, confidence: st.confidence, seed: seed)
                    } else {
                        ci = Bootstrap.difference(vb.map(\.value), va.map(\.value), resamples: st.resamples,
                                                  confidence: st.confidence, seed: seed)
                    }
                    rows.append(Row(environment: env, method: m, metric: metric, meanA: Statistics.mean(va.map(\.value)),
                                    meanB: Statistics.mean(vb.map(\.value)), difference: ci, paired: paired,
                                    seedsA: va.count, seedsB: vb.count))
                }
            }
            for m in sa.methods where !sb.methods.contains(m) { notes.append("Method '\(m)' is only in A.") }
            for m in sb.methods where !sa.methods.contains(m) { notes.append("Method '\(m)' is only in B.") }
        }
        return Comparison(nameA: nameA, nameB: nameB, notes: Array(NSOrderedSet(array: notes)) as! [String], rows: rows)
    }

    static func list(_ xs: [UInt64]) -> String { xs.isEmpty ? "none" : xs.map(String.init).joined(separator: ", ") }

    /// Markdown for people.
    public func markdown() -> String {
        var out = "A: \(nameA)\nB: \(nameB)\n\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        var env = ""
        for r in rows {
            if r.environment != env {
                env = r.environment
                out += "\n## \(env)\n\n| method | metric | A | B | B − A [95% CI] | |\n|---|---|---:|---:|---:|---|\n"
            }
            let d = r.difference
            let mark = d.excludesZero ? " *" : ""
            out += "| \(r.method) | \(r.metric) | \(SummaryMarkdown.format(r.meanA)) | \(SummaryMarkdown.format(r.meanB)) | "
            out += "\(SummaryMarkdown.signed(d.estimate)) [\(SummaryMarkdown.signed(d.lower)), \(SummaryMarkdown.signed(d.upper))]\(mark) | "
            out += r.paired ? "paired, \(r.seedsA) seeds |\n" : "unpaired, \(r.seedsA) vs \(r.seedsB) seeds |\n"
        }
        if rows.isEmpty { out += "\nNothing to compare: no environment and method is in both.\n" }
        out += "\n`*`: the interval excludes zero.\n"
        return out
    }
}
