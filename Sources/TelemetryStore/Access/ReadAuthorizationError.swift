/// Why a request for team-wide data was refused. The messages never repeat what was sent:
/// a mistyped token is still most of a token, and error messages reach the request log.
package enum ReadAuthorizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `Authorization: Bearer …` header (answered 401 with `WWW-Authenticate: Bearer`).
    case missing
    /// A bearer value that is no current admin read token: unknown, revoked, or a user id (403).
    case refused
    /// The token file could not be read (answered 503, like every storage failure).
    case unavailable(StorageError)

    package var description: String {
        switch self {
        case .missing:
            return "this endpoint needs an admin read token: send Authorization: Bearer <token> "
                + "(an operator creates one with `claude-telemetry token add --name NAME`)"
        case .refused:
            return "the bearer token is not a valid admin read token (unknown or revoked; a user id is never one)"
        case .unavailable(let error):
            return "admin read tokens cannot be checked: \(error)"
        }
    }
}
