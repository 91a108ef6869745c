/// What the admin tool stores about a user. Its file's existence is what makes the user known.
package struct UserRecord: Codable, Equatable, Sendable {
    package var id: String
    package var name: String
    package var createdAt: String
    /// The email the user was created with: the first request whose Claude Code `user.email`
    /// equals it binds that installation to this user (see ``InstallationAttribution``).
    package var email: String?

    package init(id: UserID, name: String, createdAt: String, email: String? = nil) {
        self.id = id.rawValue
        self.name = name
        self.createdAt = createdAt
        self.email = email
    }
}
