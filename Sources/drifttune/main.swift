import DriftTuneCLI
import Foundation

// A closed pipe on standard output or a FIFO output becomes a write error with a message and a
// non-zero exit (EPIPE), not a silent death by SIGPIPE.
signal(SIGPIPE, SIG_IGN)
DriftTuneCommand.main()
