import Foundation
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// Folding a run of journal records newest first, each entry built once.
@Suite("Journal tail fold")
struct JournalTailFoldTests {
    /// Small bounds, so that entries leave and come back within a few records.
    static let tight: AggregationLimits = {
        var limits = AggregationLimits()
        limits.models = 3
        limits.dayModels = 2
        limits.tools = 3
        limits.sessions = 1
        limits.series = 16
        limits.recentRecords = 40
        limits.recentRequests = 4
        return limits
    }()

    /// Requests of every kind three times over, with days set, removed and set again between
    /// them, so that every map sees entries written again, removed and re-added: the user's
    /// `aggregate.json` (written by the first write) and the journal's records after it.
    func journal(_ store: TestStore) throws -> (base: [UInt8], records: [JournalFormat.Record], steps: Int) {
        let aggregates = AggregateStore(directory: store.directory, configuration: JournalTests.lazy, limits: store.limits)
        var step = 0
        for round in 0..<3 {
            for request in try JournalTests.requests() {
                let (format, encoding) = Fixtures.kind(request.1)
                let now = Timestamp(seconds: request.2.seconds + UInt64(round) * 86_400)
                _ = try store.ingestor.ingest(
                    request.0, body: try Fixtures.bytes(request.1), format: format, encoding: encoding, user: store.user,
                    now: now)
                step += 1
                _ = try aggregates.update(store.user) { document in
                    let day = "2026-01-0\(step % 3 + 1)"
                    if step % 4 == 0 { document.removeDay(day) } else { document.setDay(day, to: document.totals) }
                    document.countEvent("step \(step % 5)", limits: store.limits)
                    return ((), true)
                }
            }
        }
        let journal = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.directory.journalPath(store.user))))
        return (try store.aggregateFileBytes(), JournalFormat.scan(journal).records, step)
    }

    @Test("newest first gives exactly what applying every record in order gives, after every record, with and without the state")
    func newestFirstEqualsInOrder() throws {
        try TestStore.withTemporary(configuration: JournalTests.lazy, limits: Self.tight) { store in
            let (base, records, step) = try journal(store)
            #expect(records.count >= step)
            // Entries do leave and come back along the way.
            let changes = try records.map { try DocumentChanges(decoding: $0.payload) }
            #expect(changes.filter { !$0.days.removed.isEmpty }.count >= 3)
            #expect(changes.contains { !$0.seriesRemoved.isEmpty })
            #expect(changes.contains { !$0.models.changed.isEmpty } && changes.contains { $0.recentRecords != nil })
            for includingState in [true, false] {
                let start = try AggregateCoding.decode(
                    base, expectedUser: store.user, limits: store.limits, skippingState: !includingState)
                var inOrder = start
                for (index, record) in records.enumerated() {
                    try DocumentChanges(decoding: record.payload).apply(to: &inOrder, includingState: includingState)
                    var newestFirst = start
                    try JournalTailFold.fold(
                        records[...index].map(\.payload), into: &newestFirst, includingState: includingState)
                    #expect(newestFirst == inOrder, "after \(index + 1) records, state: \(includingState)")
                }
                #expect((0..<5).allSatisfy { inOrder.events["step \($0)"] != nil })
            }
        }
    }

    @Test("records merged into one (a memo) apply as the records in order do, from any record on; the fold merges the same")
    func mergedEqualsInOrder() throws {
        var limits = Self.tight
        limits.recentRecords = 8
        limits.recentRequests = 2
        try TestStore.withTemporary(configuration: JournalTests.lazy, limits: limits) { store in
            let (base, records, _) = try journal(store)
            let changes = try records.map { try DocumentChanges(decoding: $0.payload) }
            // More digests are appended than the window holds: merges must drop the ones pushed out.
            let appended = changes.compactMap(\.recentRecords).reduce(0) { $0 + $1.appended.count / 12 }
            #expect(appended > 4 * limits.recentRecords)
            let start = try AggregateCoding.decode(base, expectedUser: store.user, limits: store.limits)
            var after = [start]
            for change in changes {
                var next = after[after.count - 1]
                try change.apply(to: &next)
                after.append(next)
            }
            for first in stride(from: 0, to: changes.count, by: 5) {
                var merged = DocumentChanges()
                for last in first..<changes.count {
                    merged.merge(changes[last])
                    var applied = after[first]
                    try merged.apply(to: &applied)
                    #expect(applied == after[last + 1], "records \(first + 1) to \(last + 1)")
                }
            }
            // The fold, asked to, gives the same merged changes as merging the records one by one.
            for count in [1, 2, changes.count / 2, changes.count] {
                var folded = start
                var fromFold: DocumentChanges? = DocumentChanges()
                try JournalTailFold.fold(records[..<count].map(\.payload), into: &folded, merging: &fromFold)
                let merged = changes[..<count].reduce(into: DocumentChanges()) { $0.merge($1) }
                #expect(fromFold == merged, "\(count) records")
                #expect(folded == after[count], "\(count) records")
            }
        }
    }

    @Test("removed keys stay sorted and distinct through merges")
    func sortedRemovals() {
        var ids: [UInt64] = [2, 5, 9]
        ids.formSortedUnion([1, 5, 7, 12])
        #expect(ids == [1, 2, 5, 7, 9, 12])
        ids.removeSorted(7)
        ids.removeSorted(8)
        #expect(ids == [1, 2, 5, 9, 12])
        var keys: [String] = []
        keys.formSortedUnion(["b", "d"])
        keys.formSortedUnion([])
        keys.formSortedUnion(["a", "d", "e"])
        keys.removeSorted("a")
        #expect(keys == ["b", "d", "e"])
    }

    @Test("a record cut short or with a damaged length is refused, whichever record it is")
    func damagedRecordsAreRefused() throws {
        try TestStore.withTemporary(configuration: JournalTests.lazy) { store in
            for request in try JournalTests.requests() { try JournalTests().ingest(store.ingestor, store.user, request) }
            let journal = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.directory.journalPath(store.user))))
            let payloads = JournalFormat.scan(journal).records.map(\.payload)
            #expect(payloads.count >= 3)
            for index in [0, payloads.count / 2, payloads.count - 1] {
                var damaged = payloads
                damaged[index].removeLast(3)
                var document = AggregateDocument(user: store.user)
                #expect(throws: JournalError.self) { try JournalTailFold.fold(damaged, into: &document) }
            }
        }
    }
}
