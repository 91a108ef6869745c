import Foundation
import SwiftProtobuf
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

/// The views a scrape keeps between reads hold the days from the `daysFrom` they were read for:
/// a later read from an earlier day reads the user again, one from a later day takes the view.
@Suite("Stored users' views kept between reads")
struct StoredUserCacheTests {
    /// One token point on the day `daysAgo` days before the fixed now.
    func ingest(daysAgo: UInt64, into store: TestStore) throws {
        let time = fixedNow.nanoseconds - daysAgo * 86_400_000_000_000
        let request = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [numberPoint([kv("type", "input"), kv("model", "m1")], 100, start: time - 500_000, time: time)])
        ])
        _ = try store.ingestor.ingest(
            .metrics, body: try request.serializedBytes(), format: .protobuf, encoding: .identity, user: store.user,
            now: fixedNow)
    }

    @Test("a view cut at a later day is not taken for a read from an earlier one")
    func viewsHoldTheirDays() throws {
        try TestStore.withTemporary { store in
            for daysAgo: UInt64 in [20, 10, 2] { try ingest(daysAgo: daysAgo, into: store) }
            let keys = try #require(
                try AggregateStore(directory: store.directory, limits: store.limits).read(store.user)
            ).days.keys.sorted()
            #expect(keys.count == 3)
            let cache = StoredUserCache()
            func days(from lowest: String?) throws -> [String] {
                let loaded = try StoredUsers.load(store.directory, limits: store.limits, cache: cache, daysFrom: lowest)
                return try #require(loaded.users.first?.view).days.map(\.day)
            }
            #expect(try days(from: keys[2]) == [keys[2]])
            // Further back than the cached view holds: read again.
            #expect(try days(from: keys[1]) == [keys[1], keys[2]])
            #expect(try days(from: nil) == keys)
            // A view holding more days serves a read from a later day (the scrape's day moves on).
            #expect(try days(from: keys[2]) == keys)
            #expect(cache.count == 1)
        }
    }
}
