import Foundation
import SystemCalls

/// Why `claude-telemetry user add` refused to create a user.
package enum UserCreationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Emails are unique (compared without regard to case): parked data is suggested to the
    /// user whose email it carries, which must be one user.
    case emailTaken(String, by: UserID)
    /// Another user has this name (allowed with `--allow-duplicate-name`).
    case nameTaken(String, by: UserID)
    case idTaken(UserID)
    case storage(StorageError)

    package var description: String {
        switch self {
        case .emailTaken(let email, let user):
            return "user \(user) already has the email \(UserID.preview(email)); two users may not share an email"
        case .nameTaken(let name, let user):
            return "user \(user) is already named \(UserID.preview(name)); choose another name, or pass --allow-duplicate-name"
        case .idTaken(let user):
            return "user \(user) already exists"
        case .storage(let error):
            return error.description
        }
    }
}

extension DataDirectory {
    /// Serialises user creation, so that two `user add` at once cannot both take one email.
    /// (It locks the data directory itself too, which nothing else locks.)
    var usersCreationLockPath: String { root + "/.users.lock" }
}

extension UserStore {
    /// Creates a user after checking that no user has its email (any case) or, unless
    /// `allowDuplicateName`, its name. `id` creates the user with that id (to recover what a
    /// client configured with it sent before it existed); otherwise a random one.
    package func create(
        name: String, email: String? = nil, id: UserID? = nil, allowDuplicateName: Bool = false,
        now: Timestamp = .now()
    ) throws(UserCreationError) -> UserRecord {
        let existing: [UserRecord]
        do {
            try prepare()
        } catch {
            throw .storage(error)
        }
        let lock = try lockCreation()
        defer { _ = lock.path }
        do {
            existing = try list()
        } catch {
            throw .storage(error)
        }
        if let email, let other = existing.first(where: { $0.email?.lowercased() == email.lowercased() }),
            let user = try? UserID(validating: other.id)
        {
            throw .emailTaken(email, by: user)
        }
        if !allowDuplicateName, let other = existing.first(where: { $0.name == name }),
            let user = try? UserID(validating: other.id)
        {
            throw .nameTaken(name, by: user)
        }
        if let id, exists(id) { throw .idTaken(id) }
        do {
            return try add(name: name, email: email, id: id, now: now)
        } catch {
            throw .storage(error)
        }
    }

    private func lockCreation() throws(UserCreationError) -> FileLock {
        do {
            return try FileLock(path: directory.usersCreationLockPath, timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        } catch {
            throw .storage(error)
        }
    }
}
