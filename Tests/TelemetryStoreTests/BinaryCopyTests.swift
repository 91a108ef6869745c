import Foundation
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// `aggregate.bin`: a copy that loads fast, used only while it is a whole copy of exactly the
/// `aggregate.json` that is there.
@Suite("Binary copy")
struct BinaryCopyTests {
    /// Folds after every write and gives every document a copy.
    static let copying = StoreConfiguration(
        durable: false, compaction: CompactionPolicy(records: 1, binaryCopyBytes: 0))
    /// The same folds, and never a copy.
    static let plain = StoreConfiguration(
        durable: false, compaction: CompactionPolicy(records: 1, binaryCopyBytes: .max))

    /// Applies one fixture request through `store` (its own cache: a process of its own).
    func apply(_ request: (Signal, String, Timestamp), through store: AggregateStore, user: UserID) throws {
        let (export, identity) = try JournalTests.decoded(request)
        _ = try store.update(user) { document in
            document.applyOnce(identity, now: request.2, limits: AggregationLimits()) { document in
                let report: ApplyReport
                switch export {
                case .metrics(let batch): report = MetricsAggregator().apply(batch, to: &document, now: request.2)
                case .logs(let batch): report = LogsAggregator().apply(batch, to: &document, now: request.2)
                case .traces(let batch): report = TracesAggregator().apply(batch, to: &document, now: request.2)
                }
                document.attributes["team"] = "Платформа"
                document.parkedApplied.record("00000000-0000-4000-8000-000000000001", 7)
                return report
            }
        }
    }

    func copyBytes(_ store: TestStore) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.directory.binaryCopyPath(store.user))))
    }

    @Test("after every kind of request the copy decodes to exactly what aggregate.json decodes to, whole and the readers' way")
    func copyEqualsTheJSON() throws {
        try TestStore.withTemporary(configuration: Self.copying) { store in
            let writer = AggregateStore(
                directory: store.directory, configuration: Self.copying, limits: store.limits, cache: DocumentCache())
            for request in try JournalTests.requests() {
                try apply(request, through: writer, user: store.user)
                let identity = try #require(try FileIdentity.of(store.aggregatePath))
                let json = try store.aggregateFileBytes()
                let copy = try copyBytes(store)
                for skippingState in [false, true] {
                    let expected = try AggregateCoding.decode(
                        json, expectedUser: store.user, limits: store.limits, skippingState: skippingState)
                    let decoded = BinaryCopy.decode(
                        copy, of: identity, user: store.user, limits: store.limits, skippingState: skippingState)
                    #expect(decoded == expected, "\(request.1), skipping state: \(skippingState)")
                }
            }
            // The document carries every section the copy stores.
            let document = try #require(try AggregateStore(directory: store.directory).read(store.user))
            #expect(!document.sessions.isEmpty && !document.series.isEmpty && document.recentRecords.count > 0)
            #expect(!document.traces.models.isEmpty && document.traces.recentSpans.count > 0 && !document.dayModels.isEmpty)
            #expect(document.attributes["team"] == "Платформа" && !document.parkedApplied.isEmpty)
        }
    }

    @Test(
        "a damaged copy, a copy of an earlier aggregate.json and no copy are all passed over for the JSON, with the same result")
    func copiesThatDoNotFitAreIgnored() throws {
        try withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
            let copied = try TestStore(root: root + "/a", configuration: Self.copying)
            let reference = try TestStore(root: root + "/b", configuration: Self.plain)
            let requests = try JournalTests.requests()
            func write(_ request: (Signal, String, Timestamp)) throws {
                // A cold cache each time: every write loads the document from the files.
                try apply(
                    request,
                    through: AggregateStore(
                        directory: copied.directory, configuration: Self.copying, limits: copied.limits,
                        cache: DocumentCache()), user: copied.user)
                try apply(
                    request,
                    through: AggregateStore(
                        directory: reference.directory, configuration: Self.plain, limits: reference.limits,
                        cache: DocumentCache()), user: reference.user)
            }
            func expectSameDocuments(_ label: String) throws {
                let stores = [copied, reference].map { AggregateStore(directory: $0.directory, limits: $0.limits) }
                for skippingState in [false, true] {
                    var a = try #require(try stores[0].current(copied.user, skippingState: skippingState, preferringCopy: true))
                        .document
                    let b = try #require(try stores[1].current(reference.user, skippingState: skippingState)).document
                    a.userId = b.userId
                    #expect(a == b, "\(label), skipping state: \(skippingState)")
                }
            }
            let copyPath = copied.directory.binaryCopyPath(copied.user)
            #expect(!FileManager.default.fileExists(atPath: reference.directory.binaryCopyPath(reference.user)))

            try write(requests[0])
            try write(requests[1])
            try expectSameDocuments("whole copy")
            let earlier = try copyBytes(copied)

            // Damaged: one flipped byte in the state section, then in the history, then in the
            // summary, each time of the copy that is there (a copy of the current aggregate.json,
            // read whole before it is damaged).
            let sections: [(BinaryCopy.Section, Int)] = [(.state, 20), (.history, 3), (.summary, 3)]
            for (index, (section, into)) in sections.enumerated() {
                let identity = try #require(try FileIdentity.of(copied.aggregatePath))
                let current = try copyBytes(copied)
                #expect(
                    BinaryCopy.read(copyPath, of: identity, user: copied.user, limits: copied.limits, skippingState: false)
                        != nil, "\(section): the copy before the damage is read")
                let layout = try #require(BinaryCopy.layout(current, of: identity))
                var damaged = current
                damaged[layout.offset(section) + into] ^= 0x40
                try Data(damaged).write(to: URL(fileURLWithPath: copyPath))
                #expect(
                    BinaryCopy.read(copyPath, of: identity, user: copied.user, limits: copied.limits, skippingState: false)
                        == nil, "\(section)")
                // A reader of published days without the history reads the summary alone of these.
                let forPublished = BinaryCopy.read(
                    copyPath, of: identity, user: copied.user, limits: copied.limits, skippingState: true,
                    publishedDays: true, history: false)
                #expect((forPublished == nil) == (section == .summary), "\(section): read for published days")
                try expectSameDocuments("damaged in its \(section)")
                try write(requests[2 + index])
                try expectSameDocuments("written after damage in its \(section)")
            }

            // A copy of an earlier aggregate.json put back (a crash between the two renames).
            try Data(earlier).write(to: URL(fileURLWithPath: copyPath))
            let identity = try #require(try FileIdentity.of(copied.aggregatePath))
            #expect(
                BinaryCopy.read(copyPath, of: identity, user: copied.user, limits: copied.limits, skippingState: false)?.document
                    == nil)
            try expectSameDocuments("earlier copy")
            try write(requests[5])
            try expectSameDocuments("written after an earlier copy")

            // No copy at all.
            try FileManager.default.removeItem(atPath: copyPath)
            try expectSameDocuments("no copy")
            for request in requests[6...] { try write(request) }
            try expectSameDocuments("every request")
            #expect(FileManager.default.fileExists(atPath: copyPath))
        }
    }

    @Test(
        "a fold rewrites the copy in place, cut to its new length; a copy torn in the middle of that is passed over for the JSON")
    func copiesAreRewrittenInPlace() throws {
        try TestStore.withTemporary(configuration: Self.copying) { store in
            let writer = AggregateStore(
                directory: store.directory, configuration: Self.copying, limits: store.limits, cache: DocumentCache())
            let requests = try JournalTests.requests()
            let copyPath = store.directory.binaryCopyPath(store.user)
            try apply(requests[0], through: writer, user: store.user)
            let inode = try #require(try FileIdentity.of(copyPath)).inode
            // A longer file than the next copy: the rewrite must cut what lies beyond it.
            let earlier = try copyBytes(store)
            try Data(earlier + [UInt8](repeating: 0x5A, count: 100_000)).write(to: URL(fileURLWithPath: copyPath))
            try apply(requests[1], through: writer, user: store.user)
            let rewritten = try copyBytes(store)
            #expect(try #require(try FileIdentity.of(copyPath)).inode == inode)
            let identity = try #require(try FileIdentity.of(store.aggregatePath))
            #expect(rewritten.count < earlier.count + 100_000)
            let fromCopy = BinaryCopy.read(copyPath, of: identity, user: store.user, limits: store.limits, skippingState: false)?
                .document
            let fromJSON = try AggregateCoding.decode(
                try store.aggregateFileBytes(), expectedUser: store.user, limits: store.limits)
            #expect(fromCopy == fromJSON)

            // What a reader meets while the next fold writes: the new copy's beginning over the old
            // copy's end (and the reverse), at several cuts.
            try apply(requests[2], through: writer, user: store.user)
            let newest = try copyBytes(store)
            let newestIdentity = try #require(try FileIdentity.of(store.aggregatePath))
            // 48: after the identity, 72: after the lengths (the checksums are seeded with the header).
            for cut in [48, 72, BinaryCopy.headerSize, newest.count / 2, newest.count - 1] {
                for (head, tail) in [(newest, rewritten), (rewritten, newest)] {
                    var torn = Array(head.prefix(cut))
                    if tail.count > cut { torn += tail[cut...] }
                    try Data(torn).write(to: URL(fileURLWithPath: copyPath))
                    #expect(
                        BinaryCopy.read(
                            copyPath, of: newestIdentity, user: store.user, limits: store.limits, skippingState: false) == nil,
                        "torn at \(cut)")
                    let read = try #require(try AggregateStore(directory: store.directory).read(store.user))
                    let expected = try AggregateCoding.decode(
                        try store.aggregateFileBytes(), expectedUser: store.user, limits: store.limits)
                    #expect(read == expected, "torn at \(cut)")
                }
            }
        }
    }

    @Test("a link planted at the copy's name is replaced, never written through")
    func plantedLinksAreNotWrittenThrough() throws {
        try withTemporaryDirectory { root in
            let store = try TestStore(root: root, configuration: Self.copying)
            let writer = AggregateStore(
                directory: store.directory, configuration: Self.copying, limits: store.limits, cache: DocumentCache())
            let requests = try JournalTests.requests()
            let copyPath = store.directory.binaryCopyPath(store.user)
            let outside = root + "/outside"
            let untouched = [UInt8]("not the store's".utf8)
            try apply(requests[0], through: writer, user: store.user)
            for (index, plant) in ["symbolic", "hard"].enumerated() {
                try Data(untouched).write(to: URL(fileURLWithPath: outside))
                try FileManager.default.removeItem(atPath: copyPath)
                if plant == "symbolic" {
                    try FileManager.default.createSymbolicLink(atPath: copyPath, withDestinationPath: outside)
                } else {
                    try FileManager.default.linkItem(atPath: outside, toPath: copyPath)
                }
                try apply(requests[1 + index], through: writer, user: store.user)
                #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: outside))) == untouched, "\(plant) link")
                let attributes = try FileManager.default.attributesOfItem(atPath: copyPath)
                #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(plant) link")
                #expect(attributes[.referenceCount] as? Int == 1, "\(plant) link")
                let identity = try #require(try FileIdentity.of(store.aggregatePath))
                #expect(
                    BinaryCopy.read(copyPath, of: identity, user: store.user, limits: store.limits, skippingState: false)
                        != nil, "\(plant) link")
            }
        }
    }

    @Test("documents below the policy's size have no copy, and a copy left by a larger one is removed at the next fold")
    func smallDocumentsHaveNoCopy() throws {
        try TestStore.withTemporary(configuration: Self.copying) { store in
            let copyPath = store.directory.binaryCopyPath(store.user)
            try store.ingest(smallDeltaBatch(sequence: 1))
            #expect(FileManager.default.fileExists(atPath: copyPath))
            let defaults = StoreConfiguration(durable: false, compaction: CompactionPolicy(records: 1))
            let aggregates = AggregateStore(
                directory: store.directory, configuration: defaults, limits: store.limits, cache: DocumentCache())
            _ = try aggregates.update(store.user) { document in
                document.countEvent("marker", limits: store.limits)
                return (document, true)
            }
            #expect(try store.aggregateFileBytes().count < defaults.compaction.binaryCopyBytes)
            #expect(!FileManager.default.fileExists(atPath: copyPath))
            #expect(try store.published().integer("events", "marker") == 1)
        }
    }
}
