/// Why a request with no user in its URL or headers could not be attributed or kept, and the
/// failures of claiming. Mapped to HTTP statuses in TelemetryService's `ErrorAnswer`.
package enum AttributionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The points carry several different `user.id`s: one request, one installation.
    case severalInstallations(Int)
    /// Nothing in the data says which installation sent it (no 64-hex `user.id`), so it can be
    /// neither attributed nor kept for a later claim.
    case noInstallation
    /// The operator chose `--unattributed refuse`.
    case refused
    /// Keeping the request would exceed a bound of the parked area, or the client address's
    /// share of it; the client is told to retry after a delay it honours.
    case parkingFull(String, retryAfterSeconds: Int)
    /// `user claim`: the source is bound to another user (and `--move` was not given).
    case boundElsewhere(ParkedSource, UserID)
    /// `user unbind`: the source is not bound to that user (bound to the other one, or to none).
    case notBound(ParkedSource, UserID?)
    /// `unclaimed discard SOURCE`: nothing is parked for it.
    case nothingParked(ParkedSource)

    /// The forms that carry the user with the real Claude Code (its exporter drops the query).
    package static let workingForms =
        "set OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude/users/<uuid>, "
        + "or OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude with OTEL_EXPORTER_OTLP_HEADERS=x-user-id=<uuid> "
        + "(Claude Code drops a URL's query, so ?user= never arrives)"

    package var description: String {
        switch self {
        case .severalInstallations(let count):
            return "the data points carry \(count) different user.id values; send each installation's data in its own request"
        case .noInstallation:
            return "no user id in the URL or headers, and no Claude Code user.id in the data to keep it by: " + Self.workingForms
        case .refused:
            return "no user id in the URL or headers (this receiver does not keep unattributed data): " + Self.workingForms
        case .parkingFull(let reason, _):
            return "cannot keep more unattributed data (\(reason)); retry later, and meanwhile " + Self.workingForms
        case .boundElsewhere(let source, let user):
            return "\(source.kind) \(source) is already bound to user \(user); move it with "
                + "`claude-telemetry user claim --move UUID \(source)`, or stop it with `claude-telemetry user unbind \(user) \(source)`"
        case .notBound(let source, let user):
            if let user {
                return "\(source.kind) \(source) is bound to user \(user), not to the user given"
            }
            return "\(source.kind) \(source) is not bound to any user (see `claude-telemetry user list`)"
        case .nothingParked(let source):
            return "nothing is parked for \(source.kind) \(source) (see `claude-telemetry unclaimed`)"
        }
    }
}
