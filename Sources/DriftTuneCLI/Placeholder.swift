public enum DriftTuneCLI {}
