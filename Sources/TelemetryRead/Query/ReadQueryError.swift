package import TelemetryStore

/// Why a read request cannot be answered as asked. Each says which part of the request to fix;
/// values are quoted only as bounded, printable previews.
package enum ReadQueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user segment of the path is not a canonical user id (400).
    case invalidUser(UserIDError)
    /// A well-formed id that names no user (404).
    case unknownUser(UserID)
    case invalidDate(parameter: String, value: String)
    case fromAfterTo(from: String, to: String)
    case rangeTooLong(days: Int64, maximum: Int64)
    /// `?group=` names a key that is not one of the configured team attributes.
    case unknownGroup(String, configured: [String])
    /// A parameter with a value it cannot take (`raw=maybe`).
    case invalidParameter(name: String, value: String, expected: String)

    package var description: String {
        switch self {
        case .invalidUser(let error):
            return error.description
        case .unknownUser(let user):
            return "unknown user \(user): the id in the URL must be one created with `claude-telemetry user add`"
        case .invalidDate(let parameter, let value):
            return
                "parameter '\(parameter)' is '\(UserID.preview(value))'; expected a date YYYY-MM-DD (a day of the service's --timezone), e.g. 2026-11-24"
        case .fromAfterTo(let from, let to):
            return "parameter 'from' (\(from)) is after 'to' (\(to)); the range is inclusive and must not be reversed"
        case .rangeTooLong(let days, let maximum):
            return "parameters 'from' and 'to' span \(days) days; at most \(maximum) days may be asked for at once"
        case .unknownGroup(let key, let configured):
            if configured.isEmpty {
                return "parameter 'group' is '\(UserID.preview(key))', but no team attributes are configured "
                    + "(start the responder with --team-attributes KEY,... to group users)"
            }
            return "parameter 'group' is '\(UserID.preview(key))'; expected one of the configured team attributes: "
                + configured.joined(separator: ", ")
        case .invalidParameter(let name, let value, let expected):
            return "parameter '\(name)' is '\(UserID.preview(value))'; expected \(expected)"
        }
    }
}
