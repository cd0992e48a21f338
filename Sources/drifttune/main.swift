import DriftTuneCLI

DriftTuneCommand.main()
