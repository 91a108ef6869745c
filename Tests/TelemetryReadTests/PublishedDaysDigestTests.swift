import Foundation
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryRead
@testable import TelemetryStore

/// A team digest read with the binary copy's published days (the model maps and sessions of the
/// days they cover left unread) is the digest of the whole document, after every request and
/// whatever the journal's tail holds; so are the scrape's views.
extension OperationsTests {
    @Suite struct PublishedDaysDigestTests {
        /// Folds every third write, giving every document a binary copy; the writes between
        /// leave a tail.
        static let everyThird = StoreConfiguration(
            durable: false, compaction: CompactionPolicy(records: 3, binaryCopyBytes: 0))

        @Test func digestWithPublishedDaysEqualsTheWholeDocumentsDigest() throws {
            try TestStore.withTemporary(configuration: Self.everyThird) { store in
                let reader = StoredUserReader(directory: store.directory, limits: store.limits)
                let record = try #require(try UserStore(directory: store.directory).list().first)
                let requests: [(String, UInt64)] = [
                    ("metrics-delta.pb", 0), ("logs.pb", 0), ("metrics-cumulative-1.json", 0), ("metrics-kinds.json", 0),
                    ("logs.json", 0), ("metrics-delta.json", 7_200), ("seed-logs.json", 7_300), ("seed-metrics.json", 7_400),
                ]
                var taken = 0
                for (name, later) in requests {
                    let (format, encoding) = Fixtures.kind(name)
                    let signal: Signal = name.hasPrefix("metrics") || name == "seed-metrics.json" ? .metrics : .logs
                    _ = try store.ingestor.ingest(
                        signal, body: try Fixtures.bytes(name), format: format, encoding: encoding, user: store.user,
                        now: Timestamp(seconds: fixedNow.seconds + later))
                    let snapshot = try #require(try reader.snapshot(of: store.user, reading: .published(daysFrom: nil)))
                    taken += snapshot.publishedDays.count
                    let whole = try #require(
                        try AggregateStore(directory: store.directory, limits: store.limits).current(
                            store.user, skippingState: true, preferringCopy: true)
                    ).document
                    let fast = UserDigest(snapshot, limits: store.limits, keepingRaw: false, keepingSessions: false)
                    let slow = UserDigest(
                        user: store.user, record: record, document: whole, limits: store.limits, keepingRaw: false,
                        keepingSessions: false)
                    #expect(fast.days == slow.days, "after \(name)")
                    #expect(fast.totals == slow.totals && fast.models == slow.models, "after \(name)")
                    #expect(fast.tools == slow.tools && fast.events == slow.events, "after \(name)")
                    #expect(snapshot.document?.attributes == whole.attributes, "after \(name)")
                    // Read from a day on: the days from it, the rest as the whole digest has them.
                    for lowest in slow.days.map(\.day) + ["0000", "9999"] {
                        let recent = UserDigest(
                            try #require(try reader.snapshot(of: store.user, reading: .published(daysFrom: lowest))),
                            limits: store.limits,
                            keepingRaw: false, keepingSessions: false)
                        #expect(recent.days == slow.days.filter { $0.day >= lowest }, "after \(name), from \(lowest)")
                        #expect(recent.totals == slow.totals && recent.models == slow.models, "after \(name)")
                        #expect(recent.holdsDays(from: lowest) && !recent.holdsDays(from: nil))
                    }
                    // The scrape's and the usage report's views (published days taken, from a day
                    // on or not) are the views of the whole document.
                    for lowest in [nil] + slow.days.map(\.day) {
                        let loaded = try StoredUsers.load(store.directory, limits: store.limits, daysFrom: lowest)
                        let view = try #require(loaded.users.first?.view)
                        let expected = AggregateView(whole, daysFrom: lowest, includingSessions: false, raw: .totals)
                        #expect(view == expected, "after \(name), from \(lowest ?? "the first day")")
                        #expect(loaded.users.first?.attributes == whole.attributes)
                    }
                }
                #expect(taken > 0)
            }
        }
    }
}
