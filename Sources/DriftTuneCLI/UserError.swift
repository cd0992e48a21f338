import ArgumentParser
import Foundation

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
            let message = String(describing: error)
            warn("drifttune: error: \(message)\n")
            throw ExitCode(2)
        }
    }
}
