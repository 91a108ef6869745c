import SystemCalls

extension UserStore {
    /// The ids of every user directory that holds a `user.json`, sorted, without parsing any
    /// record: operations that go over all users (prune, stats) keep going past one corrupt
    /// record, which ``list()`` would throw on.
    package func knownUsers() throws(StorageError) -> [UserID] {
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory.usersDirectory)
        } catch {
            if error == .noSuchFileOrDirectory { return [] }
            throw error.storage("list", directory.usersDirectory)
        }
        return names.sorted().compactMap { name in
            guard let user = try? UserID(validating: name), exists(user) else { return nil }
            return user
        }
    }
}
