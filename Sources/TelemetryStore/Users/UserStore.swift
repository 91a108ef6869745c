import Foundation
import SystemCalls

/// Creates, lists, looks up and removes users in a data directory.
package struct UserStore: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration

    package init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration()) {
        self.directory = directory
        self.configuration = configuration
    }

    /// True when the user's record exists. Cheap: one `access` call, no parsing.
    package func exists(_ user: UserID) -> Bool {
        FileSystem.exists(directory.recordPath(user))
    }

    /// Creates the data directory layout if missing (the root itself must be creatable).
    package func prepare() throws(StorageError) {
        do {
            try FileSystem.makeDirectory(directory.root)
        } catch {
            throw error.storage("create directory", directory.root)
        }
        do {
            try FileSystem.makeDirectory(directory.usersDirectory)
        } catch {
            throw error.storage("create directory", directory.usersDirectory)
        }
    }

    /// Adds a user with a new random id (or `id`), without the uniqueness checks of
    /// ``create(name:email:id:allowDuplicateName:now:)``, which is what `user add` uses.
    package func add(name: String, email: String? = nil, id: UserID? = nil, now: Timestamp = .now()) throws(StorageError)
        -> UserRecord
    {
        try prepare()
        let user = id ?? UserID.random()
        let record = UserRecord(id: user, name: name, createdAt: now.iso8601, email: email)
        let userDirectory = directory.userDirectory(user)
        do {
            try FileSystem.makeDirectory(userDirectory)
        } catch {
            throw error.storage("create directory", userDirectory)
        }
        let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes = Array((try? encoder.encode(record)) ?? Data()) + [UInt8(ascii: "\n")]
        try AtomicFile.replace(directory.recordPath(user), with: bytes, durable: configuration.durable)
        _ = consume lock
        return record
    }

    /// Reads one user's record.
    package func record(_ user: UserID) throws(StorageError) -> UserRecord? {
        let path = directory.recordPath(user)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw error.storage("read", path)
        }
        do {
            return try JSONDecoder().decode(UserRecord.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, reason: "not a user record: \(error)")
        }
    }

    /// Every user with a record, sorted by id. Directories that are not user ids are skipped.
    package func list() throws(StorageError) -> [UserRecord] {
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory.usersDirectory)
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            throw error.storage("list", directory.usersDirectory)
        }
        var records: [UserRecord] = []
        for name in names.sorted() {
            guard let user = try? UserID(validating: name) else { continue }
            if let record = try record(user) { records.append(record) }
        }
        return records
    }

    /// Removes a user and all its data. Takes the user's lock first so no writer is mid-update.
    /// Returns false when the user did not exist.
    @discardableResult
    package func remove(_ user: UserID) throws(StorageError) -> Bool {
        let userDirectory = directory.userDirectory(user)
        guard FileSystem.isDirectory(userDirectory) else { return false }
        let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        // The record goes first: from that instant the user is unknown to the responder.
        let names: [String]
        do {
            names = try FileSystem.contents(of: userDirectory)
        } catch {
            throw error.storage("list", userDirectory)
        }
        let ordered = names.sorted { lhs, rhs in lhs == "user.json" ? true : (rhs == "user.json" ? false : lhs < rhs) }
        for name in ordered {
            let path = userDirectory + "/" + name
            do {
                try FileSystem.removeFile(path)
            } catch {
                throw error.storage("remove", path)
            }
        }
        _ = consume lock
        // A writer that was waiting for the lock may recreate `.lock` before it sees the user is
        // gone; remove that too, a few times, rather than leave a stray directory.
        for attempt in 0..<5 {
            do {
                try FileSystem.removeDirectory(userDirectory)
                break
            } catch {
                guard error == .directoryNotEmpty, attempt < 4 else {
                    throw error.storage("remove directory", userDirectory)
                }
                _ = try? FileSystem.removeFile(directory.lockPath(user))
                usleep(10_000)
            }
        }
        if configuration.durable {
            try? FileSystem.syncDirectory(directory.usersDirectory)
        }
        return true
    }
}
