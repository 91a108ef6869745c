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

    /// Every day taken equals the day published from the whole current document; every other
    /// day (from `lowest` on) has its raw figures and model map as the whole document has them;
    /// each day the document holds is the whole document's. Returns the whole document.
    @discardableResult
    func expectCurrent(
        _ current: CurrentAggregate, _ store: TestStore, _ label: String, from lowest: String? = nil
    ) throws -> AggregateDocument {
        let whole = try #require(
            try AggregateStore(directory: store.directory, limits: store.limits).current(
                store.user, skippingState: true, preferringCopy: true)
        ).document
        #expect(current.document.totals == whole.totals, "\(label): totals")
        for day in current.document.days.keys {
            #expect(current.document.days[day] == whole.days[day], "\(label): figures of \(day) held")
        }
        for day in whole.days.keys where lowest.map({ day >= $0 }) ?? true {
            if let published = current.publishedDays[day] {
                let expected = PublishedDay(whole.days[day]!, models: whole.dayModels[day] ?? [:], whole.sourceSelection)
                #expect(published == expected, "\(label): \(day)")
            } else {
                #expect(current.document.days[day] == whole.days[day], "\(label): figures of \(day)")
                #expect(current.document.dayModels[day] == whole.dayModels[day], "\(label): models of \(day)")
            }
        }
        #expect(Set(current.publishedDays.keys).isSubset(of: Set(whole.days.keys)), "\(label): days taken")
        return whole
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
                let whole = try expectCurrent(current, store, "after \(request.1)")
                if current.journalRecords == 0 {
                    // Just folded: the copy's every day is taken, and its history is not read.
                    #expect(Set(current.publishedDays.keys) == Set(whole.days.keys), "after fold \(index)")
                    #expect(current.document.days.keys.isEmpty, "after fold \(index): no history read")
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
            let days = Set(try expectCurrent(folded, store, "folded").days.keys)
            #expect(days.count == 3 && Set(folded.publishedDays.keys) == days)
            #expect(folded.document.days.keys.isEmpty && folded.document.sessions.isEmpty)

            // One more token point on the middle day: that day is no longer taken. The record
            // holds the day's figures and model map whole, so the copy's history is not read.
            try ingest(request(MetricName.tokenUsage, daysAgo: 4, sequence: 10), into: store, Self.never)
            let tail = try read(store)
            #expect(tail.journalRecords == 1)
            try expectCurrent(tail, store, "after a write to one day")
            let written = try #require(days.sorted().dropFirst().first)
            #expect(Set(tail.publishedDays.keys) == days.subtracting([written]))
            #expect(tail.document.days.keys == [written])

            // A point with no model on the oldest day: the record holds that day's figures but not
            // its model map, which comes from the copy's history, read this time.
            let sessions = metricsRequest([
                sumMetric(
                    MetricName.sessionCount,
                    [
                        numberPoint(
                            [], 1, start: fixedNow.nanoseconds - 5 * 86_400_000_000_000,
                            time: fixedNow.nanoseconds - 5 * 86_400_000_000_000 + 1)
                    ])
            ])
            try ingest(sessions, into: store, Self.never)
            let partly = try read(store)
            #expect(partly.journalRecords == 2)
            let oldest = try #require(days.min())
            #expect(Set(partly.publishedDays.keys) == days.subtracting([written, oldest]))
            #expect(Set(partly.document.days.keys) == days)
            #expect(partly.document.dayModels[oldest] != nil)
            try expectCurrent(partly, store, "after a write of a day's figures only")

            // The cost metric seen for the first time changes the cost's source for every day.
            try ingest(request(MetricName.costUsage, daysAgo: 3, sequence: 11, value: 0.5), into: store, Self.never)
            let switched = try read(store)
            #expect(switched.journalRecords == 3)
            #expect(switched.publishedDays.isEmpty)
            try expectCurrent(switched, store, "after a change of source")
        }
    }

    @Test(
        "a copy of an earlier layout (CTB1, CTB2, CTB3) is passed over for the JSON, and the next load writes one of this layout",
        arguments: ["1", "2", "3"])
    func earlierLayoutIsReplaced(version: Character) throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 2)
            let path = store.directory.binaryCopyPath(store.user)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(bytes[0..<4]) == Array("CTB4".utf8))
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
            #expect(Array([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))[0..<4]) == Array("CTB4".utf8))
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

    @Test("read from a day on: only days from it are taken, and only the journal's days are held")
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
                try expectCurrent(current, store, label, from: lowest)
                let recent = Set(whole.days.keys.filter { $0 >= lowest })
                // The tail's days are derived again, from the records alone (they hold the days'
                // figures and model maps whole): the copy's history is not read.
                let written: Set = [dayKey(daysAgo: 10), dayKey(daysAgo: 2)]
                #expect(Set(current.publishedDays.keys) == recent.subtracting(written), "\(label): days taken")
                #expect(Set(current.document.days.keys) == written, "\(label): days held")
                #expect(Set(current.document.dayModels.keys) == written, "\(label): model maps held")
            }
        }
    }

    /// The copy at `path` with its published section replaced by `days` of `all`, written as
    /// the layout `word` names (1: one run; 2: chunks of `chunks` days each), the header's length
    /// and checksums recomputed (as a copy that passed its checks).
    func rewritePublished(
        _ path: String, _ bytes: [UInt8], layout: BinaryCopy.Layout, days: [String], of all: PublishedDays,
        word: UInt8, chunks: Int = BinaryCopy.publishedChunkDays
    ) throws {
        var header = Array(bytes[0..<BinaryCopy.headerSize])
        header[4] = word
        var section = BinaryCopyOutput(capacity: 0)
        if word == 1 {
            section.count(days.count)
            for day in days { section.publishedDay(day, all[day]!) }
        } else {
            let seed = XXHash64.hash(Array(header[0..<48]))
            for start in stride(from: 0, to: days.count, by: chunks) {
                var chunk = BinaryCopyOutput(capacity: 0)
                let part = days[start..<min(start + chunks, days.count)]
                chunk.count(part.count)
                for day in part { chunk.publishedDay(day, all[day]!) }
                section.u64(XXHash64.hash(chunk.bytes, seed: seed))
                section.blob(chunk.bytes)
            }
        }
        withUnsafeBytes(of: UInt64(section.bytes.count).littleEndian) { header.replaceSubrange(72..<80, with: $0) }
        let seed = XXHash64.hash(Array(header[0..<80]))
        let parts = BinaryCopy.Section.allCases.map { kind -> [UInt8] in
            guard kind != .published else { return section.bytes }
            return Array(bytes[layout.offset(kind)..<layout.offset(kind) + layout.length(kind)])
        }
        for (index, part) in parts.enumerated() {
            withUnsafeBytes(of: XXHash64.hash(part, seed: seed).littleEndian) {
                header.replaceSubrange(80 + index * 8..<88 + index * 8, with: $0)
            }
        }
        try Data(header + parts.joined()).write(to: URL(fileURLWithPath: path))
    }

    /// The published days a reader from `lowest` on (every day: nil) takes now.
    func published(_ store: TestStore, from lowest: String?) throws -> PublishedDays {
        try #require(
            try AggregateStore(directory: store.directory, limits: store.limits).current(
                store.user, skippingState: true, preferringCopy: true, publishedDays: true, daysFrom: lowest)
        ).publishedDays
    }

    @Test(
        "published days out of their order, or an order word other than 1 or 2, are never taken; in one run (word 1, as copies written before the chunks) or in chunks",
        arguments: [UInt8(1), 2])
    func publishedOrderIsChecked(word: UInt8) throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            try seed(store, days: 6)
            let path = store.directory.binaryCopyPath(store.user)
            let identity = try #require(try FileIdentity.of(store.aggregatePath))
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes[4] == 2, "this version writes chunks")
            let layout = try #require(BinaryCopy.layout(bytes, of: identity))
            let publishedStart = layout.offset(.published)
            let section = Array(bytes[publishedStart...])
            let all = try #require(BinaryCopy.decodePublished(section, layout: layout))
            #expect(all.count == 6)
            // The days as the fold writes them, newest first: the first chunk's first day is the newest.
            let first = section.withUnsafeBytes { raw in
                var input = BinaryCopyInput(raw, from: 0)
                guard let chunk = try? input.checkedChunk(seed: layout.chunkSeed) else { return "" }
                var days = BinaryCopyInput(chunk, from: 0)
                _ = try? days.count()
                return (try? days.string()) ?? ""
            }
            #expect(first == all.keys.max())

            // Newest first, as written: every day taken, from a day on too (in chunks of 4 and 2).
            try rewritePublished(path, bytes, layout: layout, days: all.keys.reversed(), of: all, word: word, chunks: 4)
            #expect(try read(store).publishedDays == all)
            let lowest = dayKey(daysAgo: 3)
            let recent = try published(store, from: lowest)
            #expect(recent == all.filter { $0 >= lowest } && recent.count == 3)
            // A byte of the newest-first days turned (the last day's, at the end of the file): no
            // day is taken by a reader of every day.
            let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var turned = written
            turned[turned.count - 3] ^= 0x10
            try Data(turned).write(to: URL(fileURLWithPath: path))
            let damaged = try read(store)
            #expect(damaged.publishedDays.isEmpty && damaged.document.days.count == 6)
            try Data(written).write(to: URL(fileURLWithPath: path))
            #expect(try read(store).publishedDays == all)
            // Oldest first (out of the order the layout names): whole and checked, but no day is
            // taken from it; the document is read whole from the copy.
            try rewritePublished(path, bytes, layout: layout, days: all.keys, of: all, word: word, chunks: 4)
            let misordered = try read(store)
            #expect(misordered.publishedDays.isEmpty && misordered.document.dayModels.count == 6)
            #expect(misordered.document.days.count == 6)

            // Another order word: not this layout; the JSON is read.
            for other: UInt8 in [0, 3] {
                var header = Array(bytes[0..<BinaryCopy.headerSize])
                header[4] = other
                #expect(BinaryCopy.layout(header, of: identity) == nil, "word \(other)")
            }
        }
    }

    @Test(
        "300 days in chunks: a reader of recent days checks the chunks it needs, one of older days reads on; a damaged chunk is never taken"
    )
    func chunksReadAsNeeded() throws {
        try TestStore.withTemporary(configuration: Self.everyWrite) { store in
            // 300 days in the journal, then one fold: a copy with ten chunks, over 16 KiB.
            for sequence in 0..<300 {
                try ingest(
                    request(MetricName.tokenUsage, daysAgo: UInt64(sequence + 1), sequence: UInt64(sequence)), into: store,
                    Self.never)
            }
            try AggregateStore(directory: store.directory, configuration: Self.never, limits: store.limits).compact(store.user)
            let path = store.directory.binaryCopyPath(store.user)
            let identity = try #require(try FileIdentity.of(store.aggregatePath))
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let layout = try #require(BinaryCopy.layout(bytes, of: identity))
            #expect(layout.length(.published) > BinaryCopy.publishedPrefixBytes)
            let all = try published(store, from: nil)
            #expect(all.count == 300)
            for daysAgo in [1, 31, 32, 33, 64, 65, 200, 299, 300, 400] {
                let lowest = dayKey(daysAgo: daysAgo)
                #expect(try published(store, from: lowest) == all.filter { $0 >= lowest }, "from \(lowest)")
            }

            // Any first part of the section — cut inside a chunk's checksum, its length or its
            // days, or right at a chunk's end — gives the days a whole read gives, or asks for the
            // rest: never fewer days, never damage.
            let start = layout.offset(.published), length = layout.length(.published)
            let section = Array(bytes[start..<start + length])
            var ends: [Int] = []
            section.withUnsafeBytes { raw in
                var input = BinaryCopyInput(raw, from: 0)
                while !input.isAtEnd, (try? input.checkedChunk(seed: layout.chunkSeed)) != nil { ends.append(input.offset) }
            }
            #expect(ends.count == 10 && ends.last == length)
            var cuts = Set(stride(from: 0, through: length, by: 97))
            for end in ends.prefix(4) { cuts.formUnion(max(0, end - 12)...min(length, end + 12)) }
            // Each reader's days are whole once the chunk holding its first older day is: from 40
            // days ago the second (days 33–64), from 96 the fourth (65–96 hold no older day), from
            // 130 the fifth; every day only at the section's end.
            let wholeAt: [Int?: Int] = [40: ends[1], 96: ends[3], 130: ends[4], nil: length]
            for daysAgo in [40, 96, 130, nil] {
                let lowest = daysAgo.map { dayKey(daysAgo: $0) }
                let expected = all.filter { day in lowest.map { day >= $0 } ?? true }
                var taken = 0
                for cut in cuts.sorted() {
                    switch BinaryCopy.decodePublished(Array(section[..<cut]), of: length, layout: layout, from: lowest) {
                    case .days(let days):
                        let same = days == expected
                        #expect(same, "from \(lowest ?? "the first"), cut at \(cut): \(days.count) days of \(expected.count)")
                        taken += 1
                    case .needsMore: break
                    case .damaged: Issue.record("from \(lowest ?? "the first"), cut at \(cut): damaged")
                    }
                }
                #expect(taken == cuts.filter { $0 >= wholeAt[daysAgo]! }.count, "from \(lowest ?? "the first")")
            }

            // A byte of the fourth chunk (days 97 to 128 ago) turned: the days of the first three
            // are still taken by a reader that stops inside the third (at day 96); a reader that
            // goes on into the fourth, or of every day, takes none (and reads the document whole).
            var damaged = bytes
            var offset = layout.offset(.published)
            try damaged.withUnsafeBytes { raw in
                var input = BinaryCopyInput(raw, from: offset)
                for _ in 0..<3 { _ = try input.checkedChunk(seed: layout.chunkSeed) }
                offset = input.offset
            }
            damaged[offset + 20] ^= 0x01
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let recent = dayKey(daysAgo: 95)
            #expect(try published(store, from: recent) == all.filter { $0 >= recent })
            #expect(try published(store, from: recent).count == 95)
            #expect(try published(store, from: dayKey(daysAgo: 96)).isEmpty)
            #expect(try published(store, from: nil).isEmpty)
            let whole = try read(store)
            #expect(whole.publishedDays.isEmpty && whole.document.days.count == 300)
        }
    }

    @Test("the list of published days finds each day it holds, and no other")
    func listFindsItsDays() throws {
        func day(_ requests: Int64) -> PublishedDay {
            var totals = PublishedTotals()
            totals.setCount(requests, atSlot: 0)
            return PublishedDay(totals: totals, models: [], unknownModel: nil)
        }
        let days = ["2026-01-30", "2026-02-01", "2026-02-02", "2026-11-30"]
        let entries = days.enumerated().map { PublishedDays.Entry(day: $1, figures: day(Int64($0 + 1))) }
        let list = try #require(PublishedDays(sorted: entries))
        // Out of order, or a day twice: no list.
        #expect(PublishedDays(sorted: entries.reversed()) == nil)
        #expect(PublishedDays(sorted: entries + [entries[3]]) == nil)
        for (index, key) in days.enumerated() { #expect(list[key] == day(Int64(index + 1)), "\(key)") }
        for missing in ["2026-01-29", "2026-01-31", "2026-02-03", "2026-12-01", "", "2026-02-01 "] {
            #expect(list[missing] == nil, "\(missing)")
        }
        let kept = list.filter { $0 >= "2026-02-01" && $0 != "2026-02-02" }
        #expect(kept.keys == ["2026-02-01", "2026-11-30"] && kept["2026-11-30"] == day(4) && kept["2026-02-02"] == nil)
        #expect(PublishedDays()["2026-02-01"] == nil && PublishedDays().isEmpty)
    }
}
