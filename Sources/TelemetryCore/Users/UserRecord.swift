/// What the admin tool stores about a user. Its file's existence is what makes the user known.
public struct UserRecord: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var createdAt: String

    public init(id: UserID, name: String, createdAt: String) {
        self.id = id.rawValue
        self.name = name
        self.createdAt = createdAt
    }
}
