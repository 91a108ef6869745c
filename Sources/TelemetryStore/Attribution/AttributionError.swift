/// Why a request with no user in its URL or headers could not be attributed or kept, and the
/// failures of claiming. Mapped to HTTP statuses in TelemetryService's `ErrorAnswer`.
public enum AttributionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The points carry several different `user.id`s: one request, one installation.
    case severalInstallations(Int)
    /// Nothing in the data says which installation sent it (no 64-hex `user.id`), so it can be
    /// neither attributed nor kept for a later claim.
    case noInstallation
    /// The operator chose `--unattributed refuse`.
    case refused
    /// Keeping the request would exceed a bound of the parked area.
    case parkingFull(String)
    /// `user claim`: the installation is bound to another user.
    case boundElsewhere(InstallationID, UserID)

    /// The forms that carry the user with the real Claude Code (its exporter drops the query).
    public static let workingForms =
        "set OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude/users/<uuid>, "
        + "or OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude with OTEL_EXPORTER_OTLP_HEADERS=x-user-id=<uuid> "
        + "(Claude Code drops a URL's query, so ?user= never arrives)"

    public var description: String {
        switch self {
        case .severalInstallations(let count):
            return "the data points carry \(count) different user.id values; send each installation's data in its own request"
        case .noInstallation:
            return "no user id in the URL or headers, and no Claude Code user.id in the data to keep it by: " + Self.workingForms
        case .refused:
            return "no user id in the URL or headers (this receiver does not keep unattributed data): " + Self.workingForms
        case .parkingFull(let reason):
            return "cannot keep more unattributed data (\(reason)); retry later, and meanwhile " + Self.workingForms
        case .boundElsewhere(let installation, let user):
            return
                "installation \(installation) is already bound to user \(user) (remove that user's binding with `claude-telemetry user remove`)"
        }
    }
}
