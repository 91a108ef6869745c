/// Reads and updates users' `aggregate.json` files.
///
/// An update holds the user's `flock` for its whole read-apply-write cycle and replaces the
/// file atomically, so concurrent writers (threads or processes) never lose each other's
/// changes and a reader without a lock always sees a complete document.
public struct AggregateStore: Sendable {
    public let directory: DataDirectory
    public let configuration: StoreConfiguration
    public let limits: AggregationLimits
    /// Documents this process wrote, to skip re-parsing them (nil: always parse).
    public let cache: DocumentCache?

    public init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
                limits: AggregationLimits = AggregationLimits(), cache: DocumentCache? = nil) {
        self.directory = directory
        self.configuration = configuration
        self.limits = limits
        self.cache = cache
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
        var document = try readForUpdate(user) ?? AggregateDocument(user: user, limits: limits)
        let (result, write) = try body(&document)
        if write {
            let bytes = AggregateCoding.encode(document)
            do {
                try AtomicFile.replace(directory.aggregatePath(user), with: bytes, durable: configuration.durable)
            } catch {
                cache?.forget(user)
                throw error
            }
            cache?.remember(document, writtenAs: bytes, for: user)
        }
        _ = consume lock
        return result
    }

    /// The stored document, from the cache when the file holds exactly what this process last
    /// wrote for the user, else parsed.
    private func readForUpdate(_ user: UserID) throws(StorageError) -> AggregateDocument? {
        guard let cache else { return try read(user) }
        let path = directory.aggregatePath(user)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error == .noSuchFile { return nil }
            throw error.storage("read", path)
        }
        if let cached = cache.document(for: user, stored: bytes) { return cached }
        return try decodeStored(bytes, of: user)
    }
}
