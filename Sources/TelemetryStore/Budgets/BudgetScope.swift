/// Whose spending a budget limits: one user, the users sharing one value of a team attribute
/// (`--team-attributes`), or everyone in the data directory.
package enum BudgetScope: Hashable, Sendable, CustomStringConvertible {
    case user(UserID)
    case group(key: String, value: String)
    case team

    /// `user`, `group` or `team` (the `scope` label and JSON field).
    package var kind: String {
        switch self {
        case .user: "user"
        case .group: "group"
        case .team: "team"
        }
    }

    /// How the scope is named on the command line: `--user UUID`, `--group KEY=VALUE`, `--team`.
    package var description: String {
        switch self {
        case .user(let user): "--user \(user)"
        case .group(let key, let value): "--group \(key)=\(value)"
        case .team: "--team"
        }
    }

    /// Parses `--group KEY=VALUE`: a key of at most 128 bytes and a value of at most 128 bytes,
    /// neither with control characters, the key without spaces.
    package static func group(_ text: String) throws(BudgetError) -> BudgetScope {
        guard let equals = text.firstIndex(of: "=") else {
            throw .invalidScope("--group '\(UserID.preview(text))' needs KEY=VALUE, e.g. --group department=platform")
        }
        let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        guard !key.isEmpty, !value.isEmpty, key.utf8.count <= 128, value.utf8.count <= 128,
            !key.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
            !value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else {
            throw .invalidScope(
                "--group '\(UserID.preview(text))': KEY and VALUE must be non-empty, at most 128 bytes, "
                    + "without control characters (and KEY without spaces)")
        }
        return .group(key: key, value: value)
    }
}
