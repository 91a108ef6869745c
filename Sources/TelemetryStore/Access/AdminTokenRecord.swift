/// What is stored about one admin read token: never the token, only its SHA-256, so a copy of
/// the data directory does not hand out read access to the whole team.
package struct AdminTokenRecord: Codable, Equatable, Sendable {
    /// The operator's label (`token add --name`), unique in the store; how a token is revoked.
    package var name: String
    /// SHA-256 of the token's UTF-8 bytes, 64 lowercase hexadecimal digits.
    package var sha256: String
    /// ISO 8601 UTC time of creation.
    package var createdAt: String

    package init(name: String, sha256: String, createdAt: String) {
        self.name = name
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}
