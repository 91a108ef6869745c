import TelemetryStore

/// The parked area in the health documents: how many sources (installations, unknown user
/// ids) and requests wait to be claimed, and the command that shows them. An index that
/// cannot be read is said, not hidden (the health answer itself stays 200).
struct ParkedNotice: Encodable, Equatable {
    var installations = 0
    var requests = 0
    var unknownUserIds = 0
    var unknownUserRequests = 0
    let command = AttributionSummary.unclaimedCommand
    var error: String?

    init(_ directory: DataDirectory) {
        do {
            let summary = try AttributionSummary.read(directory)
            installations = summary.parkedInstallations
            requests = summary.parkedRequests
            unknownUserIds = summary.unknownUserIds
            unknownUserRequests = summary.unknownUserRequests
        } catch {
            self.error = "the parked-data index cannot be read (run `claude-telemetry verify`): \(error)"
        }
    }
}
