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

    /// The day key `daysAgo` days before the fixed now.
    func dayKey(daysAgo: Int) -> String {
        let date = Date(timeIntervalSince1970: Double(fixedNow.seconds) - Double(daysAgo) * 86_400)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test("read from a day on: only days from it are taken, the days before keep their figures but no model maps")
    func readFromADayOn() throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 12)
            // A tail: one write to an old day, one to a recent day.
            try ingest(request(MetricName.tokenUsage, daysAgo: 10, sequence: 40), into: store, Self.never)
            try ingest(request(MetricName.tokenUsage, daysAgo: 2, sequence: 41), into: store, Self.never)
            let whole = try #require(
                try AggregateStore(directory: store.directory, limits: store.limits).current(
                    store.user, skippingState: true, preferringCopy: true)
            ).document
            #expect(whole.days.count == 12)
            for daysAgo in [15, 12, 6, 2, 1, 0] {
                let lowest = dayKey(daysAgo: daysAgo)
                let current = try #require(
                    try AggregateStore(directory: store.directory, limits: store.limits).current(
                        store.user, skippingState: true, preferringCopy: true, publishedDays: true, daysFrom: lowest))
                let label = "from \(lowest)"
                #expect(current.journalRecords == 2, "\(label)")
                // Every day's figures are there; the totals too.
                #expect(current.document.days == whole.days && current.document.totals == whole.totals, "\(label)")
                let recent = Set(whole.days.keys.filter { $0 >= lowest })
                // The tail's days are derived again, whether before `lowest` or not.
                let written: Set = [dayKey(daysAgo: 10), dayKey(daysAgo: 2)]
                #expect(Set(current.publishedDays.keys) == recent.subtracting(written), "\(label): days taken")
                for day in whole.days.keys {
                    if let published = current.publishedDays[day] {
                        let expected = PublishedDay(whole.days[day]!, models: whole.dayModels[day] ?? [:], whole.sourceSelection)
                        #expect(published == expected, "\(label): \(day)")
                    } else if day >= lowest || written.contains(day) {
                        // Derived again (written by the tail), or decided by the tail.
                        #expect(current.document.dayModels[day] == whole.dayModels[day], "\(label): models of \(day)")
                    } else {
                        #expect(current.document.dayModels[day] == nil, "\(label): no models read for \(day)")
                    }
                }
            }
        }
    }

    @Test("a copy whose published days are oldest first (earlier versions) is read, from a day on too")
    func oldestFirstCopyIsRead() throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 6)
            let path = store.directory.binaryCopyPath(store.user)
            let identity = try #require(try FileIdentity.of(store.aggregatePath))
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let layout = try #require(BinaryCopy.layout(bytes, of: identity))
            #expect(layout.publishedNewestFirst)
            let publishedStart = BinaryCopy.headerSize + layout.frontLength + layout.stateLength
            let section = Array(bytes[publishedStart...])
            let all = try #require(BinaryCopy.decodePublished(section, layout: layout))
            #expect(all.count == 6)
            // The days as the fold writes them, newest first: the section's first day is today's newest.
            let first = section.withUnsafeBytes { raw in
                var input = BinaryCopyInput(raw, from: 0)
                _ = try? input.count()
                return (try? input.string()) ?? ""
            }
            #expect(first == all.keys.max())

            // The same copy with the section written in `days`' order and the header's order word 0,
            // its checksums recomputed.
            let front = Array(bytes[BinaryCopy.headerSize..<BinaryCopy.headerSize + layout.frontLength])
            let state = Array(bytes[BinaryCopy.headerSize + layout.frontLength..<publishedStart])
            func writeOrderZero(_ days: [String]) throws -> [UInt8] {
                var section = BinaryCopyOutput(capacity: 0)
                section.count(days.count)
                for day in days { section.publishedDay(day, all[day]!) }
                var header = Array(bytes[0..<BinaryCopy.headerSize])
                header.replaceSubrange(4..<8, with: [0, 0, 0, 0])
                withUnsafeBytes(of: UInt64(section.bytes.count).littleEndian) { header.replaceSubrange(64..<72, with: $0) }
                let seed = XXHash64.hash(Array(header[0..<72]))
                for (index, part) in [front, state, section.bytes].enumerated() {
                    withUnsafeBytes(of: XXHash64.hash(part, seed: seed).littleEndian) {
                        header.replaceSubrange(72 + index * 8..<80 + index * 8, with: $0)
                    }
                }
                try Data(header + front + state + section.bytes).write(to: URL(fileURLWithPath: path))
                return header
            }
            // Newest first under word 0 (out of the order the word names): whole and checked, but
            // no day is taken from it; the document is read whole from the copy.
            _ = try writeOrderZero(all.keys.reversed())
            let misordered = try read(store)
            #expect(misordered.publishedDays.isEmpty && misordered.document.dayModels.count == 6)
            var header = try writeOrderZero(all.keys)
            let reread = try #require(BinaryCopy.layout(header, of: identity))
            #expect(!reread.publishedNewestFirst)

            let read = try read(store)
            #expect(read.publishedDays == all)
            let lowest = dayKey(daysAgo: 3)
            let recent = try #require(
                try AggregateStore(directory: store.directory, limits: store.limits).current(
                    store.user, skippingState: true, preferringCopy: true, publishedDays: true, daysFrom: lowest))
            #expect(recent.publishedDays == all.filter { $0 >= lowest })
            #expect(recent.publishedDays.count == 3)

            // An order word of neither kind: not this layout; the JSON is read.
            header.replaceSubrange(4..<8, with: [2, 0, 0, 0])
            #expect(BinaryCopy.layout(header, of: identity) == nil)
        }
    }

    @Test("the list of published days finds each day it holds, and no other")
    func listFindsItsDays() {
        func day(_ requests: Int64) -> PublishedDay {
            var totals = PublishedTotals()
            totals.setCount(requests, atSlot: 0)
            return PublishedDay(totals: totals, models: [], unknownModel: nil)
        }
        let days = ["2026-01-30", "2026-02-01", "2026-02-02", "2026-11-30"]
        let list = PublishedDays(sorted: days.enumerated().map { .init(day: $1, figures: day(Int64($0 + 1))) })
        for (index, key) in days.enumerated() { #expect(list[key] == day(Int64(index + 1)), "\(key)") }
        for missing in ["2026-01-29", "2026-01-31", "2026-02-03", "2026-12-01", "", "2026-02-01 "] {
            #expect(list[missing] == nil, "\(missing)")
        }
        let kept = list.filter { $0 >= "2026-02-01" && $0 != "2026-02-02" }
        #expect(kept.keys == ["2026-02-01", "2026-11-30"] && kept["2026-11-30"] == day(4) && kept["2026-02-02"] == nil)
        #expect(PublishedDays()["2026-02-01"] == nil && PublishedDays().isEmpty)
    }
}
