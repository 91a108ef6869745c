import Foundation
import SwiftProtobuf
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// `TelemetryIngestor` end to end on a real data directory.
@Suite("Ingesting into a data directory")
struct StorageTests {
    @Test("an unknown user is refused and nothing is written")
    func unknownUser() throws {
        try TestStore.withTemporary { store in
            let stranger = UserID.random()
            let before = try FileManager.default.contentsOfDirectory(atPath: store.directory.usersDirectory)
            #expect(throws: IngestError.unknownUser(stranger)) {
                try store.ingestor.ingest(
                    .metrics, body: try Fixtures.bytes("metrics-delta.pb"), format: .protobuf,
                    encoding: .identity, user: stranger, now: fixedNow)
            }
            // Refused before the body is even looked at.
            #expect(throws: IngestError.unknownUser(stranger)) {
                try store.ingestor.ingest(.logs, body: [0xFF], format: .protobuf, encoding: .identity, user: stranger)
            }
            #expect(!fileExists(store.directory.userDirectory(stranger)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.usersDirectory) == before)
            #expect(!fileExists(store.aggregatePath))
            #expect(IngestError.unknownUser(stranger).description.contains(stranger.rawValue))
        }
    }

    @Test(
        "metrics-delta and logs through the ingestor give the published figures",
        arguments: [
            ("metrics-delta.pb", "logs.pb"), ("metrics-delta.json.gz", "logs.json.gz"), ("metrics-delta.pb.gz", "logs.json"),
        ])
    func endToEnd(metricsFile: String, logsFile: String) throws {
        try TestStore.withTemporary { store in
            let (metricsFormat, metricsEncoding) = Fixtures.kind(metricsFile)
            let metricsReport = try store.ingestor.ingest(
                .metrics, body: try Fixtures.bytes(metricsFile), format: metricsFormat,
                encoding: metricsEncoding, user: store.user, now: fixedNow)
            #expect(metricsReport.applied == 18)
            let (logsFormat, logsEncoding) = Fixtures.kind(logsFile)
            let logsReport = try store.ingestor.ingest(
                .logs, body: try Fixtures.bytes(logsFile), format: logsFormat,
                encoding: logsEncoding, user: store.user, now: fixedNow)
            #expect(logsReport.applied == 13)

            let published = try store.published()
            #expect(published.string("userId") == store.user.rawValue)
            #expect(published.integer("totals", "totalSessions") == 1)
            #expect(published.integer("totals", "totalInputTokens") == 1700)
            #expect(published.integer("totals", "totalOutputTokens") == 350)
            #expect(isClose(published.number("totals", "totalTokenCostUsd"), 0.0127))
            #expect(published.number("totals", "totalMinutes") == 2)
            #expect(published.integer("totals", "totalToolCalls") == 3)
            #expect(published.integer("totals", "apiErrors") == 2)
            #expect(published.integer("events", "compaction") == 1)
            #expect(published.integer("received", "metricRequests") == 1)
            #expect(published.integer("received", "logRequests") == 1)
            #expect(!published.text.contains("secret text here!"))
            #expect(!fileExists(store.aggregatePath + ".tmp"))
        }
    }

    @Test("aggregate.json round trip: what is read back equals what was aggregated in memory")
    func roundTrip() throws {
        try TestStore.withTemporary { store in
            let metrics = try Fixtures.metrics("metrics-delta.pb")
            let kinds = try Fixtures.metrics("metrics-kinds.json")
            let logs = try Fixtures.logs("logs.pb")
            try store.ingest(metrics)
            try store.ingest(kinds)
            try store.ingest(logs)
            let stored = try #require(try store.ingestor.store.read(store.user))
            var expected = AggregateDocument(user: store.user)
            let limits = AggregationLimits()
            for request in [metrics, kinds] {
                let identity = RequestIdentity(signal: .metrics, format: .protobuf, plainBody: try request.serializedBytes())
                _ = expected.applyOnce(identity, now: fixedNow, limits: limits) {
                    MetricsAggregator().apply(request, to: &$0, now: fixedNow)
                }
            }
            let identity = RequestIdentity(signal: .logs, format: .protobuf, plainBody: try logs.serializedBytes())
            _ = expected.applyOnce(identity, now: fixedNow, limits: limits) {
                LogsAggregator().apply(logs, to: &$0, now: fixedNow)
            }
            // The first write also wrote aggregate.json: generation 1 of the journal follows it.
            expected.journalGeneration = stored.journalGeneration
            #expect(stored.journalGeneration == 1)
            #expect(stored == expected)
            #expect(try store.aggregateBytes() == AggregateCoding.encode(expected))
            // And the next update continues from the stored state.
            try store.ingest(smallDeltaBatch(sequence: 1, input: 5))
            #expect(try store.published().integer("totals", "totalInputTokens") == 1700 + 5)
            #expect(try store.published().integer("totals", "totalSessions") == 2)
        }
    }

    @Test(
        "a malformed body changes nothing on disk",
        arguments: [
            ([UInt8](arrayLiteral: 0x0A, 0xFF, 0xFF), PayloadFormat.protobuf, ContentEncoding.identity),
            (Array("{\"resourceMetrics\": [".utf8), .json, .identity),
            (Array("not gzip".utf8), .protobuf, .gzip),
        ])
    func malformedBody(body: [UInt8], format: PayloadFormat, encoding: ContentEncoding) throws {
        try TestStore.withTemporary { store in
            // Nothing stored yet: still nothing afterwards.
            #expect(throws: PayloadError.self) {
                try store.ingestor.ingest(.metrics, body: body, format: format, encoding: encoding, user: store.user)
            }
            #expect(!fileExists(store.aggregatePath))
            // With a stored document: byte-identical afterwards.
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            let before = try store.aggregateBytes()
            #expect(throws: PayloadError.self) {
                try store.ingestor.ingest(.metrics, body: body, format: format, encoding: encoding, user: store.user)
            }
            #expect(throws: PayloadError.self) {
                try store.ingestor.ingest(.logs, body: body, format: format, encoding: encoding, user: store.user)
            }
            #expect(try store.aggregateBytes() == before)
            #expect(!fileExists(store.aggregatePath + ".tmp"))
        }
    }

    @Test("too large bodies change nothing on disk")
    func tooLarge() throws {
        try withTemporaryDirectory { root in
            let small = OTLPDecoder(maxBodyBytes: 2000)
            let store = try TestStore(root: root)
            let ingestor = TelemetryIngestor(directory: store.directory, configuration: store.configuration, decoder: small)
            try store.ingest(try Fixtures.metrics("metrics-cumulative-1.pb"))
            let before = try store.aggregateBytes()
            #expect(throws: PayloadError.tooLarge(limit: 2000, decompressed: false)) {
                try ingestor.ingest(
                    .metrics, body: try Fixtures.bytes("metrics-delta.pb"), format: .protobuf, encoding: .identity,
                    user: store.user)
            }
            #expect(throws: PayloadError.tooLarge(limit: 2000, decompressed: true)) {
                try ingestor.ingest(
                    .metrics, body: try Fixtures.bytes("metrics-delta.pb.gz"), format: .protobuf, encoding: .gzip,
                    user: store.user)
            }
            #expect(try store.aggregateBytes() == before)
        }
    }

    @Test("an empty request is a success that writes nothing")
    func emptyRequest() throws {
        try TestStore.withTemporary { store in
            for file in ["empty-metrics.pb", "empty-metrics.json"] {
                let (format, encoding) = Fixtures.kind(file)
                let report = try store.ingestor.ingest(
                    .metrics, body: try Fixtures.bytes(file), format: format, encoding: encoding,
                    user: store.user)
                #expect(report == ApplyReport())
            }
            #expect(
                try store.ingestor.ingest(.logs, body: [], format: .protobuf, encoding: .identity, user: store.user)
                    == ApplyReport())
            #expect(!fileExists(store.aggregatePath))
        }
    }

    @Test("a replayed batch leaves aggregate.json byte-identical")
    func replayWritesNothing() throws {
        try TestStore.withTemporary { store in
            let request = try Fixtures.metrics("metrics-delta.pb")
            try store.ingest(request)
            let before = try store.aggregateBytes()
            let report = try store.ingest(request, now: Timestamp(seconds: 1_795_700_000))
            #expect(report.duplicates == 18)
            #expect(report.applied == 0)
            #expect(try store.aggregateBytes() == before)
        }
    }

    @Test("a batch with only rejected points is written, so the rejections are counted")
    func rejectionsArePersisted() throws {
        try TestStore.withTemporary { store in
            let bad = metricsRequest([sumMetric(MetricName.tokenUsage, [numberPoint([kv("type", "input")], .nan)])])
            let report = try store.ingest(bad)
            #expect(report.rejected == 1)
            #expect(try store.published().integer("received", "dataPointsRejected") == 1)
        }
    }

    @Test("a corrupt aggregate.json is reported and left untouched", arguments: [Signal.metrics, .logs])
    func corruptAggregate(signal: Signal) throws {
        try TestStore.withTemporary { store in
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            let full = try store.aggregateFileBytes()
            let truncated = Array(full.prefix(full.count / 2))
            try Data(truncated).write(to: URL(fileURLWithPath: store.aggregatePath))

            let body = try Fixtures.bytes(signal == .metrics ? "metrics-cumulative-1.pb" : "logs.pb")
            do {
                _ = try store.ingestor.ingest(signal, body: body, format: .protobuf, encoding: .identity, user: store.user)
                Issue.record("ingest into a corrupt document succeeded")
            } catch let error as StorageError {
                guard case .corrupt(let path, let reason) = error else {
                    Issue.record("expected corrupt, got \(error)")
                    return
                }
                #expect(path == store.aggregatePath)
                #expect(reason.hasPrefix("not a valid aggregate document"))
                #expect(error.description.contains("is corrupt"))
            }
            // Never reset to zero, never replaced.
            #expect(try store.aggregateFileBytes() == truncated)
            #expect(!fileExists(store.aggregatePath + ".tmp"))
            #expect(throws: StorageError.self) { try store.ingestor.store.read(store.user) }
        }
    }

    @Test("other damage to aggregate.json is corrupt too")
    func otherCorruption() throws {
        try TestStore.withTemporary { store in
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            let good = try store.published().text
            let other = UserID.random()
            let damaged = [
                "",
                "[]",
                good.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2"),
                good.replacingOccurrences(of: store.user.rawValue, with: other.rawValue),
                good.replacingOccurrences(of: "\"activeSeconds\"", with: "\"futureFigure\""),
                good.replacingOccurrences(of: "\"recentRecords\":\"", with: "\"recentRecords\":\"!!"),
            ]
            for text in damaged {
                #expect(text != good)
                try Data(text.utf8).write(to: URL(fileURLWithPath: store.aggregatePath))
                #expect(throws: StorageError.self) { try store.ingest(try Fixtures.metrics("metrics-cumulative-1.pb")) }
                #expect(try store.aggregateFileBytes() == Array(text.utf8))
            }
        }
    }

    @Test("durable storage (fsync) works the same")
    func durable() throws {
        try TestStore.withTemporary(configuration: StoreConfiguration()) { store in
            #expect(store.configuration.durable)
            try store.ingest(try Fixtures.metrics("metrics-delta.pb"))
            #expect(try store.published().integer("totals", "totalInputTokens") == 1700)
        }
    }

    @Test("a user directory without aggregate.json reads as no document")
    func noDocument() throws {
        try TestStore.withTemporary { store throws in
            #expect(try store.ingestor.store.read(store.user) == nil)
            #expect(try store.ingestor.store.read(UserID.random()) == nil)
        }
    }

    @Test("the layout of the data directory")
    func layout() throws {
        let directory = DataDirectory("/srv/data///")
        #expect(directory.root == "/srv/data")
        #expect(directory.usersDirectory == "/srv/data/users")
        #expect(directory.userDirectory(testUser) == "/srv/data/users/123e4567-e89b-42d3-a456-426614174000")
        #expect(directory.aggregatePath(testUser) == "/srv/data/users/123e4567-e89b-42d3-a456-426614174000/aggregate.json")
        #expect(directory.lockPath(testUser) == "/srv/data/users/123e4567-e89b-42d3-a456-426614174000/.lock")
        #expect(directory.recordPath(testUser) == "/srv/data/users/123e4567-e89b-42d3-a456-426614174000/user.json")
        #expect(DataDirectory("/").root == "/")
        #expect(DataDirectory.parent(of: "/a/b/c.json") == "/a/b")
        #expect(DataDirectory.parent(of: "/c.json") == "/")
        #expect(DataDirectory.parent(of: "c.json") == ".")
    }
}
