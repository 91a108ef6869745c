import Foundation
import TelemetryAdmin

extension ExporterEnvironment {
    /// The user's personal dashboard page (web/, served by the nginx location snippet), printed
    /// beside the environment lines so a new user has a place to see their figures: the
    /// recommended per-user endpoint `…/claude/users/ID` becomes `…/claude/dashboard/#user=ID`.
    /// The id goes in the fragment, which browsers never send to a server or a Referer.
    var dashboardLink: String {
        let endpoint = recommended.first { $0.name == "OTEL_EXPORTER_OTLP_ENDPOINT" }?.value ?? ""
        guard let users = endpoint.range(of: "/users/", options: .backwards) else { return endpoint }
        return endpoint[..<users.lowerBound] + "/dashboard/#user=" + endpoint[users.upperBound...]
    }
}
