/// The on-disk layout, in one place:
///
///     <root>/users/<uuid>/user.json        the user record (its existence is the user's)
///     <root>/users/<uuid>/aggregate.json   the aggregate document, replaced atomically
///     <root>/users/<uuid>/journal          changes since aggregate.json, appended (see AggregateStore)
///     <root>/users/<uuid>/aggregate.bin    a binary copy of a large aggregate.json, to load fast
///     <root>/users/<uuid>/.lock            the flock that serialises writers
///
/// Paths are only ever built from a validated ``UserID``, so nothing can point outside `root`.
package struct DataDirectory: Sendable, Equatable {
    package let root: String

    package init(_ root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    package var usersDirectory: String { root + "/users" }

    package func userDirectory(_ user: UserID) -> String { usersDirectory + "/" + user.rawValue }
    package func recordPath(_ user: UserID) -> String { userDirectory(user) + "/user.json" }
    package func aggregatePath(_ user: UserID) -> String { userDirectory(user) + "/aggregate.json" }
    package func lockPath(_ user: UserID) -> String { userDirectory(user) + "/.lock" }
    package func journalPath(_ user: UserID) -> String { userDirectory(user) + "/journal" }
    /// A binary copy of `aggregate.json`, for loading it fast (see ``BinaryCopy``).
    package func binaryCopyPath(_ user: UserID) -> String { userDirectory(user) + "/aggregate.bin" }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
