import Foundation
import Testing
@testable import TelemetryCore

@Suite("Document cache")
struct DocumentCacheTests {
    private func oneEvent(_ name: String, at seconds: UInt64) throws -> [UInt8] {
        try logsRequest([eventRecord(name, Scenario.identityAttributes, time: Scenario.at(seconds))]).serializedBytes()
    }

    private func ingest(_ ingestor: TelemetryIngestor, _ store: TestStore, _ name: String, at seconds: UInt64) throws {
        let report = try ingestor.ingest(.logs, body: try oneEvent(name, at: seconds), format: .protobuf,
                                         encoding: .identity, user: store.user, now: fixedNow)
        #expect(report.applied == 1)
    }

    @Test("a file another process changed is parsed again, so its update is kept")
    func otherWriter() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(root: root)
            let cache = DocumentCache()
            let cached = TelemetryIngestor(directory: store.directory, configuration: store.configuration, cache: cache)
            let other = TelemetryIngestor(directory: store.directory, configuration: store.configuration, cache: nil)

            try ingest(cached, store, "compaction", at: 1)
            try ingest(cached, store, "compaction", at: 2)
            #expect(cache.usage.hits == 1)
            try ingest(other, store, "compaction", at: 3)  // the file is no longer what `cached` wrote
            try ingest(cached, store, "compaction", at: 4)
            #expect(cache.usage.hits == 1)
            #expect(cache.usage.misses == 1)  // the changed file (the very first update found no file)

            let published = try store.published()
            #expect(published.integer("events", "compaction") == 4)
            #expect(published.integer("received", "logRequests") == 4)
        }
    }

    @Test("with and without the cache, the same requests give the same bytes")
    func sameBytes() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(root: root)
            let cached = TelemetryIngestor(directory: store.directory, configuration: store.configuration,
                                           cache: DocumentCache())
            try cached.ingest(.metrics, body: try Fixtures.bytes("metrics-delta.pb"), format: .protobuf,
                              encoding: .identity, user: store.user, now: fixedNow)
            try cached.ingest(.logs, body: try Fixtures.bytes("logs.json"), format: .json, encoding: .identity,
                              user: store.user, now: fixedNow)
            try ingest(cached, store, "compaction", at: 30)
            let withCache = try store.aggregateBytes()

            try FileManager.default.removeItem(atPath: store.aggregatePath)
            let parsing = TelemetryIngestor(directory: store.directory, configuration: store.configuration, cache: nil)
            try parsing.ingest(.metrics, body: try Fixtures.bytes("metrics-delta.pb"), format: .protobuf,
                               encoding: .identity, user: store.user, now: fixedNow)
            try parsing.ingest(.logs, body: try Fixtures.bytes("logs.json"), format: .json, encoding: .identity,
                               user: store.user, now: fixedNow)
            try ingest(parsing, store, "compaction", at: 30)
            #expect(try store.aggregateBytes() == withCache)
        }
    }

    @Test("entries are bounded by count and by bytes, least recently used out first")
    func bounds() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root + "/data")
            let users = UserStore(directory: directory, configuration: StoreConfiguration(durable: false))
            let ids = try (0..<3).map { index in try UserID(validating: try users.add(name: "u\(index)", now: fixedNow).id) }
            let cache = DocumentCache(maxEntries: 2)
            let store = AggregateStore(directory: directory, configuration: StoreConfiguration(durable: false), cache: cache)
            func touch(_ user: UserID) throws {
                try store.update(user) { document in
                    document.events["compaction", default: 0] += 1
                    return ((), write: true)
                }
            }
            try touch(ids[0])
            try touch(ids[1])
            try touch(ids[0])  // ids[1] is now the least recently used
            try touch(ids[2])
            #expect(cache.usage.entries == 2)
            #expect(cache.usage.hits == 1)
            try touch(ids[0])  // still there
            #expect(cache.usage.hits == 2)
            try touch(ids[1])  // evicted: parsed again
            #expect(cache.usage.hits == 2)
            #expect(cache.usage.bytes > 0)

            let tiny = DocumentCache(maxBytes: 16)
            let tinyStore = AggregateStore(directory: directory, configuration: StoreConfiguration(durable: false), cache: tiny)
            try tinyStore.update(ids[0]) { document in
                document.events["compaction", default: 0] += 1
                return ((), write: true)
            }
            #expect(tiny.usage.entries == 0 && tiny.usage.bytes == 0)
            #expect(try store.read(ids[0])?.events["compaction"] == 4)
        }
    }
}
