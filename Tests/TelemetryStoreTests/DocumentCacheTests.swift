import Testing

@testable import TelemetryStore

/// The per-process cache of documents: bounded by the estimated memory of what it holds.
@Suite("Document cache")
struct DocumentCacheTests {
    /// A user's entry whose document has `days` days of figures (and whatever else `fill` adds).
    func entry(user: UserID, days: Int, fill: (inout AggregateDocument) -> Void = { _ in }) -> DocumentCache.Entry {
        var document = AggregateDocument(user: user)
        for day in 0..<days { document.days["2026-01-\(day)"] = Figures() }
        fill(&document)
        return DocumentCache.Entry(document: document, position: .start(of: nil, bytes: 100))
    }

    func key(_ user: UserID) -> DocumentCache.Key { DocumentCache.Key(root: "/data", user: user.rawValue) }

    /// Whether the cache holds the user's entry (taken and put back).
    func holds(_ cache: DocumentCache, _ user: UserID) -> Bool {
        guard let taken = cache.take(key(user)) else { return false }
        cache.put(taken, for: key(user))
        return true
    }

    @Test(
        "holds documents up to its bound in estimated memory, lets one go for each that does not fit, never one over half of it")
    func boundedByEstimatedMemory() throws {
        let weight = entry(user: UserID.random(), days: 10).document.estimatedMemoryBytes
        let cache = DocumentCache(capacityBytes: 4 * weight)
        let users = (0..<6).map { _ in UserID.random() }
        for user in users.prefix(4) { cache.put(entry(user: user, days: 10), for: key(user)) }
        #expect(users.prefix(4).allSatisfy { holds(cache, $0) })
        // A fifth of the same size: exactly one of the first four leaves.
        cache.put(entry(user: users[4], days: 10), for: key(users[4]))
        let kept = users.prefix(5).filter { holds(cache, $0) }
        #expect(kept.count == 4 && kept.contains(users[4]))
        // Over half the bound: not cached, and nothing leaves for it.
        cache.put(entry(user: users[5], days: 40), for: key(users[5]))
        #expect(cache.take(key(users[5])) == nil)
        #expect(kept.allSatisfy { cache.take(key($0)) != nil })
        // Taken entries are out of the cache until put back.
        #expect(kept.allSatisfy { cache.take(key($0)) == nil })
    }

    @Test("a lower bound (--document-cache-bytes) lets entries go at once down to it; 0 caches nothing")
    func boundChangedWhileRunning() {
        let weight = entry(user: UserID.random(), days: 10).document.estimatedMemoryBytes
        let cache = DocumentCache(capacityBytes: 4 * weight)
        let users = (0..<4).map { _ in UserID.random() }
        for user in users { cache.put(entry(user: user, days: 10), for: key(user)) }
        cache.capacityBytes = 2 * weight
        #expect(cache.capacityBytes == 2 * weight)
        #expect(users.filter { holds(cache, $0) }.count == 2)
        cache.capacityBytes = 0
        #expect(users.allSatisfy { !holds(cache, $0) })
        cache.put(entry(user: users[0], days: 0), for: key(users[0]))
        #expect(cache.take(key(users[0])) == nil)
        #expect(DocumentCache(capacityBytes: -1).capacityBytes == 0)
        #expect(DocumentCache().capacityBytes == Int(Settings.documentCache.defaultValue ?? ""))
    }
}

extension DocumentCacheTests {
    /// An entry whose journal records since `aggregate.json` are known: one session changed, the
    /// journal read to `end`.
    func entryWithMemo(user: UserID, days: Int, end: Int) -> DocumentCache.Entry {
        var entry = entry(user: user, days: days)
        var changes = DocumentChanges()
        changes.sessions.changed["s"] = SessionRecord()
        entry.sinceSnapshot = changes
        entry.position.journalEnd = end
        entry.position.journalRecords = 3
        return entry
    }

    @Test(
        "a document that leaves keeps its memo, one without known changes leaves nothing; a cached document has no memo beside it"
    )
    func memosOfDocumentsLetGo() throws {
        let weight = entry(user: UserID.random(), days: 10).document.estimatedMemoryBytes
        let memoWeight = try #require(entryWithMemo(user: UserID.random(), days: 10, end: 0).sinceSnapshot).estimatedMemoryBytes
        #expect(3 * memoWeight < weight)
        let cache = DocumentCache(capacityBytes: 4 * weight)
        let users = (0..<4).map { _ in UserID.random() }
        cache.put(entry(user: users[0], days: 10), for: key(users[0]))
        cache.put(entryWithMemo(user: users[1], days: 10, end: 101), for: key(users[1]))
        cache.put(entryWithMemo(user: users[2], days: 10, end: 102), for: key(users[2]))
        #expect(cache.memoCount == 0)
        // Room for memos only: every document leaves, those with known changes keep a memo.
        cache.capacityBytes = 3 * memoWeight
        #expect(users.allSatisfy { !holds(cache, $0) } && cache.memoCount == 2)
        let memo = try #require(cache.takeMemo(key(users[1])))
        #expect(memo.position.journalEnd == 101 && memo.position.journalRecords == 3)
        #expect(memo.changes.sessions.changed["s"] == SessionRecord())
        #expect(cache.takeMemo(key(users[1])) == nil && cache.takeMemo(key(users[0])) == nil && cache.memoCount == 1)
        // Putting a user's document back replaces its memo; a memo is not put beside a document.
        cache.capacityBytes = 4 * weight
        cache.put(entryWithMemo(user: users[2], days: 10, end: 112), for: key(users[2]))
        #expect(holds(cache, users[2]) && cache.memoCount == 0)
        cache.put(memo, for: key(users[2]))
        #expect(cache.takeMemo(key(users[2])) == nil)
        cache.put(memo, for: key(users[1]))
        #expect(cache.memoCount == 1)
        // A document over half the bound is not kept; its memo is.
        cache.put(entryWithMemo(user: users[3], days: 40, end: 104), for: key(users[3]))
        #expect(!holds(cache, users[3]) && cache.takeMemo(key(users[3]))?.position.journalEnd == 104)
        // No room: not even memos.
        cache.capacityBytes = 0
        #expect(cache.memoCount == 0 && !holds(cache, users[2]))
        cache.put(memo, for: key(users[1]))
        #expect(cache.memoCount == 0)
    }
}

/// The estimate follows what a document holds in memory, entry by entry.
@Suite("Document memory estimate")
struct DocumentMemoryEstimateTests {
    @Test("every kind of entry adds to it, replay windows and series at their in-memory size")
    func everyKindOfEntryCounts() throws {
        let user = UserID.random()
        let empty = AggregateDocument(user: user)
        let base = empty.estimatedMemoryBytes
        var document = empty
        document.days["2026-01-01"] = Figures()
        #expect(document.estimatedMemoryBytes == base + 330)
        document = empty
        for index in 1...100 { document.recentRecords.insert(UInt64(index), at: 1) }
        #expect(document.estimatedMemoryBytes == base + 100 * 120)
        // A series set since the document was read costs 250 bytes ...
        document = empty
        var state = SeriesState()
        state.recent.append(7, keepingAtMost: 8)
        for index in 0..<10 { document.series[UInt64(index)] = state }
        #expect(document.estimatedMemoryBytes == base + 10 * 250)
        // ... one read from a table only its bytes (65 of them with one digest) and its offset.
        document.series = try SeriesMap(packed: document.series.packed())
        #expect(document.estimatedMemoryBytes == base + 10 * (65 + 4))
        document = empty
        document.sessions["s"] = SessionRecord()
        document.dayModels["2026-01-01"] = ["m": Figures(), "n": Figures()]
        #expect(document.estimatedMemoryBytes == base + 490 + 120 + 2 * 330)
    }
}
