import TelemetryStore

/// The line `user list`, `verify` and `show` print when parked data waits, so an operator
/// finds it without knowing `unclaimed` exists.
enum ParkedNotice {
    static func summary(_ directory: DataDirectory) -> AttributionSummary? {
        try? InstallationAttribution(ingestor: TelemetryIngestor(directory: directory)).summary()
    }

    /// Printed to stdout after the command's own output; nothing when nothing waits.
    static func printIfWaiting(_ directory: DataDirectory) {
        guard let line = summary(directory)?.waitingLine else { return }
        print("")
        print(line)
    }
}
