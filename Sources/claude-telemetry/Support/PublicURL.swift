import Foundation
import TelemetryAdmin
import TelemetryStore

/// The service's public base URL for the lines and links a command prints: `--url`, else
/// `CLAUDE_TELEMETRY_PUBLIC_URL`, else what the running service recorded in the data directory
/// when it started (its `--public-url`: `scripts/run-service.sh` records its own port), else
/// the default.
enum PublicURL {
    static func resolve(flag: String?, dataDirectory: DataDirectory) -> String {
        if let flag { return flag }
        if let value = ProcessInfo.processInfo.environment[ExporterEnvironment.baseURLEnvironment], !value.isEmpty {
            return value
        }
        if let recorded = ServiceRecord.read(ServiceRecord.path(in: dataDirectory))?.publicURL { return recorded }
        return ExporterEnvironment.defaultBaseURL
    }

    static let help =
        "The receiver's public base URL [env \(ExporterEnvironment.baseURLEnvironment), else the one the running "
        + "service recorded in the data directory, else \(ExporterEnvironment.defaultBaseURL)]"
}
