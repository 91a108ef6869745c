/// Reads and updates users' `aggregate.json` files.
///
/// An update holds the user's `flock` for its whole read-apply-write cycle and replaces the
/// file atomically, so concurrent writers (threads or processes) never lose each other's
/// changes and a reader without a lock always sees a complete document.
public struct AggregateStore: Sendable {
    public let directory: DataDirectory
    public let configuration: StoreConfiguration
    public let limits: AggregationLimits

    public init(
        directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
        limits: AggregationLimits = AggregationLimits()
    ) {
        self.directory = directory
        self.configuration = configuration
        self.limits = limits
    }

    /// The stored document, or nil when the user has none yet. Takes no lock.
    public func read(_ user: UserID) throws(StorageError) -> AggregateDocument? {
        try readStored(user)?.document
    }

    /// Runs `body` on the user's current document under the user's lock. `body` returns its
    /// result and whether the document must be written back; the write replaces the file
    /// atomically (and durably, when configured) before the lock is released.
    public func update<Result>(
        _ user: UserID, _ body: (inout AggregateDocument) throws -> (Result, write: Bool)
    ) throws -> Result {
        let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var document = try read(user) ?? AggregateDocument(user: user, limits: limits)
        let (result, write) = try body(&document)
        if write {
            try AtomicFile.replace(
                directory.aggregatePath(user), with: AggregateCoding.encode(document),
                durable: configuration.durable)
        }
        _ = consume lock
        return result
    }
}
