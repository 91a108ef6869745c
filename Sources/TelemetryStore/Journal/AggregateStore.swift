import SystemCalls

/// Reads and updates users' aggregates: `aggregate.json` plus the `journal` of changes since it.
///
/// An update holds the user's `flock`, applies the request to the current document (kept by
/// this process in ``DocumentCache``; the records other processes appended since are folded
/// in), and appends what changed as one checksummed record with one `write` (and `fdatasync`
/// when durable). Its cost follows the request, not the user's history. Once the journal is
/// due (``CompactionPolicy``) the document is written to a new `aggregate.json` by the usual
/// write-temporary-and-rename and the journal starts a new generation.
///
/// Readers take no lock: they read `aggregate.json`, then the journal, and fold its whole
/// records when the generations match. A torn tail (a crash mid-append) is never read as data,
/// and the next writer cuts it.
package struct AggregateStore: Sendable {
    package let directory: DataDirectory
    package let configuration: StoreConfiguration
    package let limits: AggregationLimits
    let cache: DocumentCache

    package init(
        directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
        limits: AggregationLimits = AggregationLimits()
    ) {
        self.directory = directory
        self.configuration = configuration
        self.limits = limits
        cache = .shared
    }

    /// Bounds this process's cache of current documents (`--document-cache-bytes`, in estimated
    /// bytes of memory; 0 caches nothing, and every write then reads the user's files).
    package static func limitDocumentCache(toBytes bytes: Int) {
        DocumentCache.shared.capacityBytes = bytes
    }

    /// A store with a cache of its own: what another process would see (for tests).
    init(directory: DataDirectory, configuration: StoreConfiguration, limits: AggregationLimits, cache: DocumentCache) {
        self.directory = directory
        self.configuration = configuration
        self.limits = limits
        self.cache = cache
    }

    /// The current document (journal folded in), or nil when the user has none yet. Takes no
    /// lock. `skippingState`: leave out the receiver's bookkeeping (readers never need it).
    /// Loads `aggregate.json`'s binary copy when there is one of exactly that file.
    package func read(_ user: UserID, skippingState: Bool = false) throws(StorageError) -> AggregateDocument? {
        try current(user, skippingState: skippingState, preferringCopy: true)?.document
    }

    /// Runs `body` on the user's current document under the user's lock. `body` returns its
    /// result and whether the document changed; a change is journalled (durably, when
    /// configured) before the lock is released.
    package func update<Result>(
        _ user: UserID, _ body: (inout AggregateDocument) throws -> (Result, write: Bool)
    ) throws -> Result {
        let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var session = try JournalSession(store: self, user: user)
        defer { session.close() }
        var document = session.lendDocument()
        let (result, write) = try body(&document)
        if write {
            try session.append(document, now: .now())
        } else {
            session.keep(unchanged: document)
        }
        _ = consume lock
        return result
    }

    /// Folds the user's journal into `aggregate.json` now. False when there was nothing to fold
    /// (or the user has no data).
    @discardableResult
    package func compact(_ user: UserID) throws(StorageError) -> Bool {
        let lock = try FileLock(path: directory.lockPath(user), timeoutMilliseconds: configuration.lockTimeoutMilliseconds)
        var session = try JournalSession(store: self, user: user)
        defer { session.close() }
        let folded = session.entry.position.journalRecords > 0
        if folded { try session.compact() }
        _ = consume lock
        return folded
    }
}
