/// Refusals of the token commands (the store's own I/O fails with ``StorageError``).
package enum AdminTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case duplicateName(String)
    case unknownName(String)

    package var description: String {
        switch self {
        case .invalidName(let reason):
            return "invalid token name: \(reason)"
        case .duplicateName(let name):
            return "a token named '\(UserID.preview(name))' already exists (remove it first, or pick another name)"
        case .unknownName(let name):
            return "no token named '\(UserID.preview(name))' (see `claude-telemetry token list`)"
        }
    }
}
