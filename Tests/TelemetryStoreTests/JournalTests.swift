import Foundation
import Synchronization
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// The journalled store: a write appends one record of what it changed; readers and other
/// processes fold the records in; `aggregate.json` follows on compaction.
@Suite("Journal")
struct JournalTests {
    /// Never compacts on its own (only the first write of a user writes aggregate.json).
    static let lazy = StoreConfiguration(
        durable: false, compaction: CompactionPolicy(records: 1_000_000, minimumBytes: 1 << 40, seconds: .max))

    /// Every request kind the receiver reads, each at its own receive time.
    static func requests() throws -> [(Signal, String, Timestamp)] {
        var list: [(Signal, String, Timestamp)] = [
            (.metrics, "metrics-delta.pb", fixedNow), (.logs, "logs.pb", fixedNow), (.traces, "traces.pb", fixedNow),
            (.metrics, "metrics-cumulative-1.json", fixedNow), (.metrics, "metrics-cumulative-2.pb", fixedNow),
            (.metrics, "metrics-kinds.json", fixedNow), (.logs, "logs.json", fixedNow),
            (.metrics, "metrics-cumulative-3.json", fixedNow),
        ]
        // The same batches again an hour and more later: windows prune, series are forgotten.
        list.append((.metrics, "metrics-delta.json", Timestamp(seconds: fixedNow.seconds + 7200)))
        list.append((.logs, "seed-logs.json", Timestamp(seconds: fixedNow.seconds + 7300)))
        list.append((.metrics, "seed-metrics.json", Timestamp(seconds: fixedNow.seconds + 7400)))
        return list
    }

    func ingest(_ ingestor: TelemetryIngestor, _ user: UserID, _ request: (Signal, String, Timestamp)) throws {
        let (format, encoding) = Fixtures.kind(request.1)
        _ = try ingestor.ingest(
            request.0, body: try Fixtures.bytes(request.1), format: format, encoding: encoding, user: user, now: request.2)
    }

    /// One of ``requests()`` decoded, with its identity for the whole-request replay window.
    static func decoded(_ request: (Signal, String, Timestamp)) throws -> (DecodedExport, RequestIdentity) {
        let (format, encoding) = Fixtures.kind(request.1)
        let plain = try OTLPDecoder().inflate(try Fixtures.bytes(request.1), encoding: encoding)
        let export = try OTLPDecoder().decode(request.0, plain, format: format, encoding: .identity)
        return (export, RequestIdentity(signal: request.0, format: format, plainBody: plain))
    }

    /// Applies one of ``requests()`` through `writer` (a process with its own cache).
    static func apply(_ request: (Signal, String, Timestamp), through writer: AggregateStore, user: UserID) throws {
        let (export, identity) = try decoded(request)
        _ = try writer.update(user) { document in
            document.applyOnce(identity, now: request.2, limits: AggregationLimits()) { document in
                switch export {
                case .metrics(let batch): MetricsAggregator().apply(batch, to: &document, now: request.2)
                case .logs(let batch): LogsAggregator().apply(batch, to: &document, now: request.2)
                case .traces(let batch): TracesAggregator().apply(batch, to: &document, now: request.2)
                }
            }
        }
    }

    @Test("folding the journal gives exactly the document that compacting after every write gives")
    func foldEqualsRewrite() throws {
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
            let journalled = try TestStore(root: root + "/a", configuration: Self.lazy)
            let rewriting = try TestStore(
                root: root + "/b", configuration: StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1)))
            for request in try Self.requests() {
                try ingest(journalled.ingestor, journalled.user, request)
                try ingest(rewriting.ingestor, rewriting.user, request)
                var folded = try #require(
                    try AggregateStore(directory: journalled.directory, limits: journalled.limits).read(journalled.user))
                let expected = try #require(try AggregateStore(directory: rewriting.directory).read(rewriting.user))
                folded.userId = expected.userId
                folded.journalGeneration = expected.journalGeneration
                #expect(folded == expected)
            }
            // The file alone lags: only the first write wrote it; the journal holds the rest.
            let file = try Published(bytes: try journalled.aggregateFileBytes())
            let current = try journalled.published()
            #expect(file.integer("received", "metricRequests") == 1)
            #expect(
                current.integer("received", "metricRequests") == (try rewriting.published().integer("received", "metricRequests"))
            )
            #expect(current.integer("received", "metricRequests")! > 1)
        }
    }

    @Test("another process's records are read from where this process stopped, and the result is the same")
    func otherProcessTail() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let processA = AggregateStore(
                directory: store.directory, configuration: Self.lazy, limits: AggregationLimits(), cache: DocumentCache())
            let processB = AggregateStore(
                directory: store.directory, configuration: Self.lazy, limits: AggregationLimits(), cache: DocumentCache())
            for (index, request) in try Self.requests().enumerated() {
                try Self.apply(request, through: index % 3 == 0 ? processB : processA, user: store.user)
            }
            // A third reader, cold, folds the whole journal; each process's cached copy agrees.
            let cold = try #require(try AggregateStore(directory: store.directory, configuration: Self.lazy).read(store.user))
            let a = try processA.update(store.user) { document in (document, false) }
            let b = try processB.update(store.user) { document in (document, false) }
            #expect(a == cold)
            #expect(b == cold)
            #expect(cold.received.metricRequests > 3)
            #expect(cold.received.logRequests > 1)
        }
    }

    @Test(
        "a write appends one record; aggregate.json is written on the first write and on compaction only; the journal restarts in place"
    )
    func appendThenCompact() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            try store.ingest(smallDeltaBatch(sequence: 1))
            let afterFirst = try store.aggregateFileBytes()
            // The first write is aggregate.json itself; the journal comes with the second.
            #expect(!FileManager.default.fileExists(atPath: journal))
            try store.ingest(smallDeltaBatch(sequence: 2))
            try store.ingest(smallDeltaBatch(sequence: 3))
            #expect(try store.aggregateFileBytes() == afterFirst)
            let scan = JournalFormat.scan([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))))
            #expect(scan.records.count == 2)
            #expect(scan.tornBytes == 0)
            #expect(try store.published().integer("totals", "totalInputTokens") == 30)

            let journalInode = try FileIdentity.of(journal)?.inode
            let aggregates = AggregateStore(directory: store.directory, configuration: Self.lazy)
            #expect(try aggregates.compact(store.user))
            #expect(!(try aggregates.compact(store.user)))
            let compacted = try Published(bytes: try store.aggregateFileBytes())
            #expect(compacted.integer("totals", "totalInputTokens") == 30)
            #expect(compacted.integer("state", "journalGeneration") == 2)
            #expect(try Data(contentsOf: URL(fileURLWithPath: journal)).count == JournalFormat.headerSize)
            #expect(try FileIdentity.of(journal)?.inode == journalInode)
            try store.ingest(smallDeltaBatch(sequence: 4))
            #expect(try store.published().integer("totals", "totalInputTokens") == 40)
        }
    }

    @Test("a reader without the lock never misses a record while folds restart the journal in place")
    func readersDuringFolds() throws {
        try withTemporaryDirectory { root in
            // A fold after every second record, so reads race folds all the time.
            let store = try TestStore(
                root: root, configuration: StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 2)))
            let writes = 1000
            let reader = AggregateStore(directory: store.directory, configuration: store.configuration)
            let user = store.user
            let done = Atomic<Bool>(false)
            let observed = Mutex<(reads: Int, backwards: [String])>((0, []))
            let thread = Thread {
                var last = 0
                while !done.load(ordering: .acquiring) {
                    guard let document = try? reader.read(user) else { continue }
                    let seen = Int(document.received.metricRequests)
                    observed.withLock { state in
                        state.reads += 1
                        if seen < last { state.backwards.append("\(last) then \(seen)") }
                    }
                    last = max(last, seen)
                }
            }
            thread.start()
            for sequence in 1...writes { try store.ingest(smallDeltaBatch(sequence: UInt64(sequence))) }
            done.store(true, ordering: .releasing)
            while !thread.isFinished { usleep(1_000) }
            let result = observed.withLock { $0 }
            #expect(result.backwards.isEmpty, "a read lacked records an earlier read had: \(result.backwards.prefix(5))")
            #expect(result.reads > 50)
            #expect(try reader.read(user)?.received.metricRequests == writes)
        }
    }

    @Test("a torn tail is never read, verify-level readers report it, and the next write cuts it")
    func tornTail() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            for sequence in 1...3 { try store.ingest(smallDeltaBatch(sequence: UInt64(sequence))) }
            let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
            // Half of a fourth record, as a crash mid-append leaves it.
            let next = JournalFormat.frame(Array(#"{"totals":{"raw":{"sessions":1000}}}"#.utf8), seconds: fixedNow.seconds)
            try Data(whole + next.prefix(next.count - 5)).write(to: URL(fileURLWithPath: journal))
            let aggregates = AggregateStore(
                directory: store.directory, configuration: Self.lazy, limits: AggregationLimits(), cache: DocumentCache())
            let current = try #require(try aggregates.current(store.user))
            #expect(current.tornBytes == next.count - 5)
            #expect(current.document.totals[.sessions] == 3)
            // A flipped byte inside a whole record is a torn tail from that record on, too.
            var flipped = whole
            flipped[whole.count - 3] ^= 0x20
            try Data(flipped).write(to: URL(fileURLWithPath: journal))
            #expect(try #require(try aggregates.current(store.user)).document.totals[.sessions] == 2)
            try Data(whole + next.prefix(7)).write(to: URL(fileURLWithPath: journal))
            // The writer (a cold one, as after a restart) cuts the tail before it appends.
            DocumentCache.shared.removeAll()
            try store.ingest(smallDeltaBatch(sequence: 4))
            let after = try #require(try aggregates.current(store.user))
            #expect(after.tornBytes == 0)
            #expect(after.journalRecords == 3)
            #expect(after.document.totals[.sessions] == 4)
        }
    }

    @Test("a crash between the two steps of a compaction counts nothing twice")
    func crashBetweenCompactionSteps() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            for sequence in 1...3 { try store.ingest(smallDeltaBatch(sequence: UInt64(sequence))) }
            let oldJournal = try Data(contentsOf: URL(fileURLWithPath: journal))
            try AggregateStore(directory: store.directory, configuration: Self.lazy).compact(store.user)
            // aggregate.json of the new generation is in place, the journal is still the old one.
            try oldJournal.write(to: URL(fileURLWithPath: journal))
            DocumentCache.shared.removeAll()
            #expect(try store.published().integer("totals", "totalSessions") == 3)
            try store.ingest(smallDeltaBatch(sequence: 4))
            #expect(try store.published().integer("totals", "totalSessions") == 4)
            let scan = JournalFormat.scan([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))))
            #expect(scan.generation == 2)
            #expect(scan.records.count == 1)
        }
    }

    @Test("a journal that follows a newer aggregate.json than the stored one is refused and left untouched")
    func newerGenerationIsCorrupt() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            try store.ingest(smallDeltaBatch(sequence: 1))
            let planted = JournalFormat.header(generation: 9)
            try Data(planted).write(to: URL(fileURLWithPath: journal))
            DocumentCache.shared.removeAll()
            #expect(throws: StorageError.self) { try store.ingest(smallDeltaBatch(sequence: 2)) }
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))) == planted)
        }
    }

    @Test("a data directory of the format before the journal is read and upgraded in place")
    func upgradeFromPlainDocument() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            // What the receiver wrote before the journal existed: aggregate.json alone, no
            // journalGeneration under state.
            var legacy = AggregateDocument(user: store.user)
            _ = MetricsAggregator().apply(try Fixtures.metrics("metrics-delta.pb"), to: &legacy, now: fixedNow)
            let bytes = AggregateCoding.encode(legacy)
            #expect(!String(decoding: bytes, as: UTF8.self).contains("journalGeneration"))
            try Data(bytes).write(to: URL(fileURLWithPath: store.aggregatePath))
            #expect(try store.published().integer("totals", "totalInputTokens") == 1700)
            try store.ingest(smallDeltaBatch(sequence: 1, input: 5))
            #expect(try store.published().integer("totals", "totalInputTokens") == 1705)
            #expect(try store.aggregateFileBytes() == bytes)
            try AggregateStore(directory: store.directory, configuration: Self.lazy).compact(store.user)
            #expect(try Published(bytes: try store.aggregateFileBytes()).integer("totals", "totalInputTokens") == 1705)
        }
    }

    @Test("a journal of JSON records (as written before the binary records) is read the same, and the next write appends to it")
    func upgradeFromJSONRecords() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            for request in try Self.requests() { try ingest(store.ingestor, store.user, request) }
            let expected = try #require(
                try AggregateStore(
                    directory: store.directory, configuration: Self.lazy, limits: store.limits, cache: DocumentCache()
                ).read(store.user))
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
            let scan = JournalFormat.scan(bytes)
            #expect(scan.records.count > 3)
            // Every record is binary now, and says exactly what its JSON form says.
            var rewritten = Array(bytes[0..<JournalFormat.headerSize])
            for record in scan.records {
                #expect(record.payload.first == DocumentChanges.binaryVersion)
                let changes = try DocumentChanges(decoding: record.payload)
                let json = changes.encodedJSON()
                #expect(json.first == UInt8(ascii: "{"))
                #expect(try DocumentChanges(decoding: json) == changes)
                rewritten += JournalFormat.frame(json, seconds: record.seconds)
            }
            try Data(rewritten).write(to: URL(fileURLWithPath: journal))
            DocumentCache.shared.removeAll()
            let read = try #require(
                try AggregateStore(
                    directory: store.directory, configuration: Self.lazy, limits: store.limits, cache: DocumentCache()
                ).read(store.user))
            #expect(read == expected)
            // A writer with a cold cache folds the JSON records and appends a binary one after them.
            try store.ingest(smallDeltaBatch(sequence: 1, input: 5))
            let after = JournalFormat.scan([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))))
            #expect(after.records.count == scan.records.count + 1)
            #expect(after.records.last?.payload.first == DocumentChanges.binaryVersion)
            let final = try #require(
                try AggregateStore(
                    directory: store.directory, configuration: Self.lazy, limits: store.limits, cache: DocumentCache()
                ).read(store.user))
            #expect(final.totals[.inputTokensFromTokenMetric] == expected.totals[.inputTokensFromTokenMetric] + 5)
        }
    }

    @Test("a record's size follows the request, not the user's history")
    func recordSizeIsIndependentOfHistory() throws {
        try TestStore.withTemporary(configuration: Self.lazy) { store in
            let journal = store.directory.journalPath(store.user)
            func lastRecordSize() throws -> Int {
                let scan = JournalFormat.scan([UInt8](try Data(contentsOf: URL(fileURLWithPath: journal))))
                return try #require(scan.records.last).payload.count
            }
            try store.ingest(smallDeltaBatch(sequence: 1))
            try store.ingest(smallDeltaBatch(sequence: 2))
            let young = try lastRecordSize()
            // 300 more days of history, a day per request.
            for day in 3...302 {
                let batch = smallDeltaBatch(sequence: UInt64(day) * 86_400_000_000)
                try store.ingest(batch, now: Timestamp(seconds: fixedNow.seconds + UInt64(day) * 86_400))
            }
            #expect(try store.published().keys("days").count > 250)
            try store.ingest(
                smallDeltaBatch(sequence: 303 * 86_400_000_000 + 1), now: Timestamp(seconds: fixedNow.seconds + 303 * 86_400))
            let old = try lastRecordSize()
            #expect(old < young + 400)
        }
    }

    @Test("the sweep folds a journal whose oldest record is older than the policy's seconds, and no other")
    func sweepFoldsIdleJournals() throws {
        try withTemporaryDirectory { root in
            let policy = StoreConfiguration(
                durable: false, compaction: CompactionPolicy(records: 1_000_000, minimumBytes: 1 << 40, seconds: 300))
            let store = try TestStore(root: root, configuration: policy)
            // Records carry the time they were written (the wall clock), which the sweep compares with.
            let started = Timestamp.now().seconds
            try store.ingest(smallDeltaBatch(sequence: 1))
            try store.ingest(smallDeltaBatch(sequence: 2))
            let before = try store.aggregateFileBytes()
            let sweep = JournalSweep(store: AggregateStore(directory: store.directory, configuration: policy))
            #expect(sweep.run(now: Timestamp(seconds: started + 299)) == 0)
            #expect(try store.aggregateFileBytes() == before)
            #expect(sweep.run(now: Timestamp(seconds: started + 400)) == 1)
            #expect(try Published(bytes: try store.aggregateFileBytes()).integer("totals", "totalSessions") == 2)
            #expect(sweep.run(now: Timestamp(seconds: started + 900)) == 0)
        }
    }
}

@Suite("Journal: memos of let-go documents")
struct JournalMemoTests {
    @Test("a process that lets a document go keeps its memo; its next write resumes from it, whatever others appended")
    func resumedFromMemo() throws {
        // Compacts every fifth record, so that memos also meet a newer aggregate.json; documents
        // of any size keep memos (those over the minimum byte bound do).
        let policy = StoreConfiguration(
            durable: false, compaction: CompactionPolicy(records: 5, minimumBytes: 0, seconds: .max))
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
            let store = try TestStore(root: root + "/a", configuration: policy)
            let rewriting = try TestStore(
                root: root + "/b", configuration: StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1)))
            // Caches too small for the document as it grows (estimated at 10 526 bytes or more
            // once changed by these requests: over half the bound), large enough for its memo (at
            // most 10 122 bytes here).
            let caches = [DocumentCache(capacityBytes: 20_600), DocumentCache(capacityBytes: 20_600)]
            let writers = caches.map {
                AggregateStore(directory: store.directory, configuration: policy, limits: AggregationLimits(), cache: $0)
            }
            let reference = AggregateStore(
                directory: rewriting.directory, configuration: rewriting.configuration, limits: AggregationLimits(),
                cache: DocumentCache())
            var resumed = 0
            var step = 0
            for round in 0..<3 {
                for request in try JournalTests.requests() {
                    let writer = [0, 0, 1, 0, 1, 1, 0][step % 7]
                    step += 1
                    if caches[writer].memoCount == 1 { resumed += 1 }
                    let later = (request.0, request.1, Timestamp(seconds: request.2.seconds + UInt64(round) * 86_400))
                    try JournalTests.apply(later, through: writers[writer], user: store.user)
                    try JournalTests.apply(later, through: reference, user: rewriting.user)
                    // The writer keeps the document, or (too large for it) the document's memo.
                    let key = DocumentCache.Key(root: store.directory.root, user: store.user.rawValue)
                    if let entry = caches[writer].take(key) {
                        caches[writer].put(entry, for: key)
                    } else {
                        #expect(caches[writer].memoCount == 1, "round \(round), \(request.1)")
                    }
                    var current = try #require(try AggregateStore(directory: store.directory).read(store.user))
                    let expected = try #require(try AggregateStore(directory: rewriting.directory).read(rewriting.user))
                    current.userId = expected.userId
                    current.journalGeneration = expected.journalGeneration
                    #expect(current == expected, "round \(round), \(request.1)")
                }
            }
            #expect(resumed > 15)
        }
    }

    @Test("a document no larger than the journal's minimum byte bound keeps no memo")
    func smallDocumentsKeepNone() throws {
        let policy = StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 5, seconds: .max))
        try TestStore.withTemporary(configuration: policy) { store in
            let cache = DocumentCache(capacityBytes: 20_600)
            let writer = AggregateStore(
                directory: store.directory, configuration: policy, limits: AggregationLimits(), cache: cache)
            for request in try JournalTests.requests().prefix(6) {
                try JournalTests.apply(request, through: writer, user: store.user)
            }
            #expect(try store.aggregateFileBytes().count < policy.compaction.minimumBytes)
            #expect(
                cache.memoCount == 0
                    && cache.take(DocumentCache.Key(root: store.directory.root, user: store.user.rawValue)) == nil)
        }
    }
}
