import ArgumentParser
import Foundation
import PolicyRuntime
import SafeFiles

/// A mistake in what the user gave us. Printed as one line on standard error; exit status 2.
public struct UserError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ParsableCommand {
    /// Runs `body`; any `CustomStringConvertible` error becomes one line on stderr and exit status 2.
    func reportingUserErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            warn("drifttune: error: \(oneLineMessage(String(describing: error)))\n")
            throw ExitCode(2)
        }
    }
}

/// An error message as one bounded line: only its first line (a reader's message may quote the
/// offending input on the next ones), control characters escaped, at most `limit` characters, so
/// an error never echoes a file or a megabyte-long header.
func oneLineMessage(_ message: String, limit: Int = 400) -> String {
    let lines = message.split(separator: "\n", omittingEmptySubsequences: true)
    let first = lines.first.map(String.init) ?? message
    let cut = inputExcerpt(first, limit: limit)
    return lines.count > 1 ? cut + " (…)" : cut
}
