/// What parked requests are kept under until an operator claims them:
/// - the Claude Code installation (`user.id`, 64 hex digits) of a request that named no user;
/// - the well-formed user id a request named that no user has (a typo in a configuration),
///   so `user claim` or `user add --id UUID` can still recover what it sent.
///
/// Its raw value names a file under the data directory; both forms are validated byte by
/// byte first (``InstallationID``, ``UserID``), and they cannot be mistaken for each other
/// (64 hex digits against 36 characters with dashes).
package enum ParkedSource: Hashable, Sendable, Comparable, CustomStringConvertible {
    case installation(InstallationID)
    case namedUser(UserID)

    /// Accepts an installation id or a canonical user id; nil for anything else.
    package init?(_ text: some StringProtocol) {
        if let installation = InstallationID(text) {
            self = .installation(installation)
        } else if let user = try? UserID(validating: text) {
            self = .namedUser(user)
        } else {
            return nil
        }
    }

    package var rawValue: String {
        switch self {
        case .installation(let installation): installation.rawValue
        case .namedUser(let user): user.rawValue
        }
    }

    /// `installation` or `unknown user id`, as `unclaimed` prints it.
    package var kind: String {
        switch self {
        case .installation: "installation"
        case .namedUser: "unknown user id"
        }
    }

    package var description: String { rawValue }

    package static func < (lhs: ParkedSource, rhs: ParkedSource) -> Bool { lhs.rawValue < rhs.rawValue }
}
