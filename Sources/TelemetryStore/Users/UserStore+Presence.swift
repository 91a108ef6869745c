import SystemCalls

extension UserStore {
    /// True when the user's record exists, false when the user was never created (or was
    /// removed). Throws when the data directory itself cannot answer: it, or its `users/`, is
    /// missing (not mounted yet, deleted) or unreadable. An exporter drops a batch answered
    /// "unknown user" for good, so that answer is kept for a data directory known to be there;
    /// anything else is storage trouble, which the exporter retries.
    ///
    /// Costs one `access` call for a known user, as ``exists(_:)`` does.
    package func isKnown(_ user: UserID) throws(StorageError) -> Bool {
        let record = directory.recordPath(user)
        if access(record, F_OK) == 0 { return true }
        let error = Errno.current
        guard error == .noSuchFileOrDirectory else { throw error.storage("look up user", record) }
        let users = directory.usersDirectory
        var info = stat()
        guard stat(users, &info) == 0 else { throw Errno.current.storage("find users directory", users) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw Errno.notDirectory.storage("find users directory", users) }
        guard access(users, R_OK | X_OK) == 0 else { throw Errno.current.storage("read users directory", users) }
        return false
    }
}
