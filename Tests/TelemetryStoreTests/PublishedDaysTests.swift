import Foundation
import SwiftProtobuf
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// The published days a fold writes into the binary copy: a reader takes them only for days the
/// journal's records left exactly as the copy had them, so each one it takes equals what the
/// current document's raw figures give.
@Suite("Published days in the binary copy")
struct PublishedDaysTests {
    /// Folds every third write, giving every document a copy; the writes between leave a tail.
    static let everyThird = StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 3, binaryCopyBytes: 0))

    /// What a reader of published figures gets now: the document and the days it takes as known.
    func read(_ store: TestStore) throws -> CurrentAggregate {
        try #require(
            try AggregateStore(directory: store.directory, limits: store.limits).current(
                store.user, skippingState: true, preferringCopy: true, publishedDays: true))
    }

    /// Every day taken equals the day published from the whole current document, and every
    /// other day has its raw figures and model map as the whole document has them.
    func expectCurrent(_ current: CurrentAggregate, _ store: TestStore, _ label: String) throws {
        let whole = try #require(
            try AggregateStore(directory: store.directory, limits: store.limits).current(
                store.user, skippingState: true, preferringCopy: true)
        ).document
        #expect(current.document.days == whole.days, "\(label): days")
        for day in whole.days.keys {
            if let published = current.publishedDays[day] {
                let expected = PublishedDay(whole.days[day]!, models: whole.dayModels[day] ?? [:], whole.sourceSelection)
                #expect(published == expected, "\(label): \(day)")
            } else {
                #expect(current.document.dayModels[day] == whole.dayModels[day], "\(label): models of \(day)")
            }
        }
        #expect(Set(current.publishedDays.keys).isSubset(of: Set(whole.days.keys)), "\(label): days taken")
    }

    /// A metric point on the day `daysAgo` before the fixed now.
    func request(_ metric: String, daysAgo: UInt64, sequence: UInt64, value: Double = 100) -> MetricsRequest {
        let time = fixedNow.nanoseconds - daysAgo * 86_400_000_000_000 + sequence * 1_000_000
        let attributes =
            metric == MetricName.tokenUsage
            ? [kv("type", "input"), kv("model", "claude-sonnet-4-6")] : [kv("model", "claude-sonnet-4-6")]
        return metricsRequest([sumMetric(metric, [numberPoint(attributes, value, start: time - 500_000, time: time)])])
    }

    @Test("after every fixture request, with and without a tail, every day taken equals the current document's")
    func takenDaysAreCurrent() throws {
        try TestStore.withTemporary(configuration: Self.everyThird) { store in
            var taken = 0
            for (index, request) in try JournalTests.requests().enumerated() {
                let (format, encoding) = Fixtures.kind(request.1)
                _ = try store.ingestor.ingest(
                    request.0, body: try Fixtures.bytes(request.1), format: format, encoding: encoding, user: store.user,
                    now: request.2)
                let current = try read(store)
                try expectCurrent(current, store, "after \(request.1)")
                if current.journalRecords == 0 {
                    // Just folded: the copy's every day is taken.
                    #expect(Set(current.publishedDays.keys) == Set(current.document.days.keys), "after fold \(index)")
                }
                taken += current.publishedDays.count
            }
            #expect(taken > 0)
        }
    }

    /// Folds after every write.
    static let everyWrite = StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1, binaryCopyBytes: 0))
    /// Never folds in these tests: every write stays in the journal.
    static let never = StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1_000, binaryCopyBytes: 0))

    func ingest(_ request: MetricsRequest, into store: TestStore, _ configuration: StoreConfiguration) throws {
        _ = try TelemetryIngestor(directory: store.directory, configuration: configuration, limits: store.limits).ingest(
            .metrics, body: try request.serializedBytes(), format: .protobuf, encoding: .identity, user: store.user,
            now: fixedNow)
    }

    /// One token point on each of the last `days` days, each write folded (a copy per fold).
    func seed(_ store: TestStore, days: Int) throws {
        for sequence in 0..<days {
            try ingest(
                request(MetricName.tokenUsage, daysAgo: UInt64(sequence + 1), sequence: UInt64(sequence)), into: store,
                Self.everyWrite)
        }
    }

    @Test("a day the journal wrote is derived again, the others are taken; a change of source drops them all")
    func touchedDaysAndSourcesInvalidate() throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            for (sequence, daysAgo) in [5, 4, 3].enumerated() {
                try ingest(
                    request(MetricName.tokenUsage, daysAgo: UInt64(daysAgo), sequence: UInt64(sequence)), into: store,
                    Self.everyWrite)
            }
            let folded = try read(store)
            #expect(folded.journalRecords == 0)
            let days = Set(folded.document.days.keys)
            #expect(days.count == 3 && Set(folded.publishedDays.keys) == days)

            // One more token point on the middle day: that day is no longer taken.
            try ingest(request(MetricName.tokenUsage, daysAgo: 4, sequence: 10), into: store, Self.never)
            let tail = try read(store)
            #expect(tail.journalRecords == 1)
            try expectCurrent(tail, store, "after a write to one day")
            let written = try #require(days.sorted().dropFirst().first)
            #expect(Set(tail.publishedDays.keys) == days.subtracting([written]))

            // The cost metric seen for the first time changes the cost's source for every day.
            try ingest(request(MetricName.costUsage, daysAgo: 3, sequence: 11, value: 0.5), into: store, Self.never)
            let switched = try read(store)
            #expect(switched.journalRecords == 2)
            #expect(switched.publishedDays.isEmpty)
            try expectCurrent(switched, store, "after a change of source")
        }
    }

    @Test(
        "a copy of an earlier layout (CTB1, CTB2) is passed over for the JSON, and the next load writes one of this layout",
        arguments: ["1", "2"])
    func earlierLayoutIsReplaced(version: Character) throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 2)
            let path = store.directory.binaryCopyPath(store.user)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(bytes[0..<4]) == Array("CTB3".utf8))
            bytes[3] = try #require(version.asciiValue)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let identity = try #require(try FileIdentity.of(store.aggregatePath))
            #expect(BinaryCopy.read(path, of: identity, user: store.user, limits: store.limits, skippingState: false) == nil)
            let passedOver = try read(store)
            #expect(passedOver.publishedDays.isEmpty && passedOver.document.days.count == 2)

            // A writer's load (here `compact`'s) reads the JSON and writes the copy again.
            try AggregateStore(
                directory: store.directory, configuration: Self.never, limits: store.limits, cache: DocumentCache()
            )
            .compact(store.user)
            #expect(Array([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))[0..<4]) == Array("CTB3".utf8))
            #expect(try read(store).publishedDays.count == 2)
        }
    }

    @Test("a damaged published section leaves the document read from the copy, with no day taken")
    func damagedSectionIsPassedOver() throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 3)
            let whole = try read(store)
            #expect(whole.publishedDays.count == 3)
            let path = store.directory.binaryCopyPath(store.user)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count - 2] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let damaged = try read(store)
            #expect(damaged.publishedDays.isEmpty)
            let full = try #require(
                try AggregateStore(directory: store.directory, limits: store.limits).current(
                    store.user, skippingState: true, preferringCopy: true))
            #expect(damaged.document == full.document)
            #expect(!damaged.document.sessions.isEmpty && damaged.document.dayModels.count == 3)
        }
    }
}
