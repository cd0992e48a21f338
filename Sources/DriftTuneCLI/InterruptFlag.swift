import Dispatch
import Foundation

/// Turns SIGINT (Ctrl-C) into a flag the training loop checks between iterations, so it can save
/// a checkpoint and exit cleanly instead of dying mid-write.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    /// Installs the SIGINT handler; a second Ctrl-C while the first is handled exits at once.
    static func installForSIGINT() -> InterruptFlag {
        let flag = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler { [flag] in
            if flag.isRaised { exit(130) }
            flag.raise()
            warn("\ndrifttune: interrupted; saving a checkpoint after this iteration (Ctrl-C again to abort)\n")
        }
        s.resume()
        flag.source = s
        return flag
    }

    var isRaised: Bool { lock.withLock { raised } }
    func raise() { lock.withLock { raised = true } }
}
