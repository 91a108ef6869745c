/// The read endpoints (GET and HEAD), by path under the prefix. New read endpoints are a case
/// here and a line in ``init(segments:)``; ``ReadService`` answers them.
package enum ReadRoute: Equatable, Sendable {
    /// `…/users/<id>/summary`: one user's figures; the id is the raw path segment, validated later.
    case userSummary(user: String)
    /// `…/team/summary`: every user's figures (admin read token).
    case teamSummary
    /// `…/team/summary.csv`: the same as CSV (admin read token).
    case teamSummaryCSV
    /// `…/prometheus`: every user's figures as Prometheus / OpenMetrics text (admin read token).
    case prometheus
    /// `…/team/usage_report/claude_code`: the Claude Code Analytics API's report (admin read token).
    case usageReport

    /// The route for the path segments after the prefix, or nil when they name no read endpoint.
    init?(segments: [String]) {
        switch segments.count {
        case 3 where segments[0] == "users" && segments[2] == "summary":
            self = .userSummary(user: segments[1])
        case 2 where segments[0] == "team" && segments[1] == "summary":
            self = .teamSummary
        case 2 where segments[0] == "team" && segments[1] == "summary.csv":
            self = .teamSummaryCSV
        case 1 where segments[0] == "prometheus":
            self = .prometheus
        case 3 where segments[0] == "team" && segments[1] == "usage_report" && segments[2] == "claude_code":
            self = .usageReport
        default:
            return nil
        }
    }

    /// The route's name in the request log.
    package var logName: String {
        switch self {
        case .userSummary: "read/user-summary"
        case .teamSummary: "read/team-summary"
        case .teamSummaryCSV: "read/team-summary-csv"
        case .prometheus: "read/prometheus"
        case .usageReport: "read/usage-report"
        }
    }
}
