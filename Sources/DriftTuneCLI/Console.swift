import Foundation
import PolicyRuntime
import SafeFiles

/// Writes `text` and `terminator` to standard output, unbuffered; a failed write (full disk,
/// closed descriptor) throws, so the command exits non-zero with a message instead of losing output.
func emit(_ text: String, terminator: String = "\n") throws {
    try OutputFile.standardOutput(text + terminator)
}

/// Best-effort diagnostics on standard error (a failure there has nowhere to be reported; it never traps).
func warn(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}
