import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

@Suite("aggregate.json encoding")
struct AggregateCodingTests {
    static func fullDocument() throws -> AggregateDocument {
        aggregate(
            metrics: [
                try Fixtures.metrics("metrics-delta.pb"), try Fixtures.metrics("metrics-kinds.pb"),
                try Fixtures.metrics("metrics-cumulative-3.pb"),
            ],
            logs: [try Fixtures.logs("logs.pb")])
    }

    @Test("decode(encode(document)) is the document, and encoding is deterministic")
    func roundTrip() throws {
        let document = try Self.fullDocument()
        let bytes = AggregateCoding.encode(document)
        let decoded = try AggregateCoding.decode(bytes, expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded == document)
        #expect(AggregateCoding.encode(decoded) == bytes)
        #expect(AggregateCoding.encode(document) == bytes)
    }

    @Test("an empty document round-trips")
    func emptyDocument() throws {
        let document = AggregateDocument(user: testUser)
        let bytes = AggregateCoding.encode(document)
        #expect(try AggregateCoding.decode(bytes, expectedUser: testUser, limits: AggregationLimits()) == document)
        let published = try Published(bytes: bytes)
        #expect(published.integer("totals", "totalInputTokens") == 0)
        #expect(published.value("updatedAt") == nil)
        #expect(published.string("sources", "tokens") == "api_request")
    }

    @Test("layout: sorted top-level keys, one line, final newline, no escaped slashes")
    func layout() throws {
        let bytes = AggregateCoding.encode(try Self.fullDocument())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"days\":"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        #expect(!text.contains("\\/"))
        let published = try Published(bytes: bytes)
        #expect(
            Set(published.root.keys) == [
                "schemaVersion", "userId", "updatedAt", "sources", "totals", "days", "models", "tools", "events", "received",
                "state",
                "querySources", "latency", "latencyBucketsMs", "toolDurations", "sessions",
            ])
        #expect(
            published.keys("state") == ["metricsSeen", "series", "seriesClock", "recentRecords", "recentRequests", "recentSpans"])
        #expect(
            published.keys("totals") == [
                "totalSessions", "agentsViewStarts", "totalInputTokens", "totalOutputTokens", "totalCacheReadTokens",
                "totalCacheCreationTokens",
                "totalTokenCostUsd", "totalLinesAdded", "totalLinesRemoved", "totalMinutes", "aiAssistedCommits", "prsCreated",
                "editDecisions", "editsAccepted", "editsRejected", "totalToolCalls", "apiRequests", "apiErrors", "raw",
            ])
        #expect(
            published.keys("models", Scenario.sonnet) == [
                "inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens", "costUsd", "apiRequests", "apiErrors",
                "raw",
            ])
        #expect(published.keys("tools", "Bash") == ["calls", "failures", "accepts", "rejects", "raw"])
        // The series table is base64 of whole entries.
        let table = try #require(published.string("state", "series"))
        #expect(!table.isEmpty && table.count % 4 == 0)
        // Zero raw figures are left out.
        #expect(published.object("tools", "Read", "raw")?.keys.sorted() == ["toolCalls@claude_code.tool.usage"])
    }

    @Test("published numbers are derived from raw figures only")
    func derivedFromRaw() throws {
        let document = aggregate(metrics: [try Fixtures.metrics("metrics-delta.pb")])
        var text = String(decoding: AggregateCoding.encode(document), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"totalInputTokens\":1700", with: "\"totalInputTokens\":999")
        #expect(text.contains("999"))
        let decoded = try AggregateCoding.decode(Array(text.utf8), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded == document)
        #expect(try Published(decoded).integer("totals", "totalInputTokens") == 1700)
    }

    @Test(
        "decoding refuses what it cannot trust",
        arguments: [
            ("", "not a valid aggregate document"),
            ("{}", "not a valid aggregate document (missing key"),
            ("[1]", "not a valid aggregate document"),
        ])
    func refusals(text: String, reasonPrefix: String) {
        do {
            _ = try AggregateCoding.decode(Array(text.utf8), expectedUser: testUser, limits: AggregationLimits())
            Issue.record("decoded \(text)")
        } catch {
            #expect(error.reason.hasPrefix(reasonPrefix), "\(error.reason)")
        }
    }

    @Test("decoding refuses a wrong user, schema, figure, series key or digest list")
    func inconsistentDocuments() throws {
        let good = String(decoding: AggregateCoding.encode(try Self.fullDocument()), as: UTF8.self)
        let table = try #require(try Published(bytes: Array(good.utf8)).string("state", "series"))
        let other = UserID.random()
        let cases: [(String, String)] = [
            (
                good.replacingOccurrences(of: testUser.rawValue, with: other.rawValue),
                "belongs to user \(other.rawValue), not \(testUser.rawValue)"
            ),
            (good.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":7"), "schemaVersion 7 is not 1"),
            (good.replacingOccurrences(of: "\"sessions\":", with: "\"sessionz\":"), "unknown figure 'sessionz'"),
            (
                good.replacingOccurrences(of: "\"series\":\"\(table)\"", with: "\"series\":\"\(table.dropLast(4))\""),
                "state.series ends inside an entry"
            ),
            (
                good.replacingOccurrences(of: "\"series\":\"\(table)\"", with: "\"series\":\"#\(table.dropFirst())\""),
                "state.series is not base64"
            ),
            (
                good.replacingOccurrences(of: "\"recentRecords\":\"", with: "\"recentRecords\":\"AAAA"),
                "state.recentRecords is not base64 of 12-byte digest entries"
            ),
        ]
        for (text, expected) in cases {
            #expect(text != good)
            do {
                _ = try AggregateCoding.decode(Array(text.utf8), expectedUser: testUser, limits: AggregationLimits())
                Issue.record("decoded a document that should say: \(expected)")
            } catch {
                #expect(error.reason.contains(expected), "\(error.reason)")
            }
        }
    }

    @Test("keys matched in place read escaped spellings as their plain ones; skipped keys are still checked")
    func keysMatchedInPlace() throws {
        let document = try Self.fullDocument()
        let good = String(decoding: AggregateCoding.encode(document), as: UTF8.self)
        // `raw` and a figure name spelled with escapes decode to the same document.
        let escaped = good.replacingOccurrences(of: "\"raw\":", with: "\"r\\u0061w\":")
            .replacingOccurrences(of: "\"linesAdded\":", with: "\"lines\\u0041dded\":")
        #expect(escaped != good)
        let decoded = try AggregateCoding.decode(Array(escaped.utf8), expectedUser: testUser, limits: AggregationLimits())
        #expect(AggregateCoding.encode(decoded) == AggregateCoding.encode(document))
        // A skipped key (a published figure) with bytes that are not UTF-8 is refused, as a read one is.
        var broken = Array(good.utf8)
        let key = Array("\"totalInputTokens\":".utf8)
        let at = try #require(broken.indices.first { broken[$0...].starts(with: key) })
        broken[at + 1] = 0xFF
        #expect(throws: AggregateCodingError.self) {
            try AggregateCoding.decode(broken, expectedUser: testUser, limits: AggregationLimits())
        }
    }

    @Test("the series table: read back exactly, refused out of order, and the JSON form written before still read")
    func seriesTable() throws {
        let document = try Self.fullDocument()
        #expect(document.series.count > 1)
        var packed: [UInt8] = []
        SeriesTable.encode(document.series, appendingTo: &packed)
        #expect(try SeriesTable.decode(String(decoding: packed, as: UTF8.self)) == document.series)
        // Two entries swapped: ids must increase.
        let sorted = document.series.map(\.key).sorted()
        let first = SeriesMap([sorted[0]: document.series[sorted[0]]!])
        let second = SeriesMap([sorted[1]: document.series[sorted[1]]!])
        var a: [UInt8] = []
        var b: [UInt8] = []
        SeriesTable.encode(second, appendingTo: &a)
        SeriesTable.encode(first, appendingTo: &b)
        let swapped = Array(Base64.decode(a.withUnsafeBufferPointer { $0 })! + Base64.decode(b.withUnsafeBufferPointer { $0 })!)
        var text: [UInt8] = []
        swapped.withUnsafeBufferPointer { Base64.encode($0, appendingTo: &text) }
        #expect(throws: AggregateCodingError.self) { try SeriesTable.decode(String(decoding: text, as: UTF8.self)) }
        // A document of the earlier form (one JSON object per series) decodes to the same series.
        let current = String(decoding: AggregateCoding.encode(document), as: UTF8.self)
        var objects = JSONWriter(capacity: 4096)
        objects.beginObject()
        for id in sorted {
            objects.hexKey(id)
            AggregateCoding.writeSeries(document.series[id]!, to: &objects)
        }
        objects.endObject()
        let earlier = current.replacingOccurrences(
            of: "\"series\":\"\(String(decoding: packed, as: UTF8.self))\"",
            with: "\"series\":\(String(decoding: objects.bytes, as: UTF8.self))")
        #expect(earlier != current)
        let decoded = try AggregateCoding.decode(Array(earlier.utf8), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded.series == document.series)
        #expect(AggregateCoding.encode(decoded) == AggregateCoding.encode(document))
    }

    @Test("counts are published as rounded, clamped integers")
    func rounding() {
        #expect(count(1699.9999999) == 1700)
        #expect(count(2.5) == 3)
        #expect(count(0) == 0)
        #expect(count(1e19) == Int64.max)
        #expect(count(-1e19) == Int64.min)
        #expect(count(9_007_199_254_740_992) == 9_007_199_254_740_992)
    }

    @Test("older documents without newer receive counters still decode")
    func missingCounters() throws {
        let decoded = try JSONDecoder().decode(ReceiveCounters.self, from: Data("{\"metricRequests\": 3}".utf8))
        var expected = ReceiveCounters()
        expected.metricRequests = 3
        #expect(decoded == expected)
    }

    @Test("recent digests keep insertion order through base64")
    func digests() throws {
        var digests = RecentDigests(capacity: 3)
        for value: UInt64 in [1, 2, 3, 4, UInt64.max] { digests.insert(value) }
        #expect(digests.ordered == [3, 4, UInt64.max])
        #expect(!digests.contains(1) && digests.contains(UInt64.max))
        let restored = try RecentDigests(encoded: digests.encoded, capacity: 3)
        #expect(restored.ordered == digests.ordered)
        // A smaller capacity keeps the newest.
        #expect(try RecentDigests(encoded: digests.encoded, capacity: 2).ordered == [4, UInt64.max])
        #expect(throws: RecentDigestsError.self) { try RecentDigests(encoded: "AAAA", capacity: 3) }
        #expect(throws: RecentDigestsError.self) { try RecentDigests(encoded: "not base64!", capacity: 3) }
    }
}
