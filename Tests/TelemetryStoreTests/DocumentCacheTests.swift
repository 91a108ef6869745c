import Testing

@testable import TelemetryStore

/// The per-process cache of documents: bounded by the stored size of what it holds.
@Suite("Document cache")
struct DocumentCacheTests {
    func entry(user: UserID, storedBytes: Int) -> DocumentCache.Entry {
        DocumentCache.Entry(
            document: AggregateDocument(user: user), snapshot: nil, snapshotBytes: storedBytes - JournalFormat.headerSize,
            journalDevice: 0, journalInode: 0, journalEnd: JournalFormat.headerSize, journalRecords: 0,
            oldestRecordSeconds: nil)
    }

    func key(_ user: UserID) -> DocumentCache.Key { DocumentCache.Key(root: "/data", user: user.rawValue) }

    /// Whether the cache holds the user's entry (taken and put back).
    func holds(_ cache: DocumentCache, _ user: UserID) -> Bool {
        guard let taken = cache.take(key(user)) else { return false }
        cache.put(taken, for: key(user))
        return true
    }

    @Test(
        "holds documents up to its bound by stored size, lets one go for each that does not fit, never one over half of it")
    func boundedByStoredSize() throws {
        let cache = DocumentCache(capacityBytes: 1000)
        let users = (0..<6).map { _ in UserID.random() }
        for user in users.prefix(4) { cache.put(entry(user: user, storedBytes: 250), for: key(user)) }
        #expect(users.prefix(4).allSatisfy { holds(cache, $0) })
        // A fifth of the same size: exactly one of the first four leaves.
        cache.put(entry(user: users[4], storedBytes: 250), for: key(users[4]))
        let kept = users.prefix(5).filter { holds(cache, $0) }
        #expect(kept.count == 4 && kept.contains(users[4]))
        // Over half the bound: not cached, and nothing leaves for it.
        cache.put(entry(user: users[5], storedBytes: 501), for: key(users[5]))
        #expect(cache.take(key(users[5])) == nil)
        #expect(kept.allSatisfy { cache.take(key($0)) != nil })
        // Taken entries are out of the cache until put back.
        #expect(kept.allSatisfy { cache.take(key($0)) == nil })
    }
}
