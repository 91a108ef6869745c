import Foundation
import SwiftProtobuf
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// A request retried byte for byte counts once, however large: larger than the log-record
/// window, the series bound, or the recent points of one delta series (issue 11, defect 1).
@Suite("Whole-request replays")
struct WholeRequestReplayTests {
    /// `count` distinct tool_result events in one request.
    static func distinctRecords(_ count: Int) -> LogsRequest {
        logsRequest(
            (0..<count).map { index in
                eventRecord(
                    EventName.toolResult, [kv("tool_name", "Read"), kv("event.sequence", int: Int64(index))],
                    time: Scenario.at(UInt64(index)))
            })
    }

    @Test("one log batch of 4 097 distinct records, sent twice, is stored once")
    func logBatchLargerThanTheRecordWindow() throws {
        try TestStore.withTemporary { store in
            let request = Self.distinctRecords(4097)
            let first = try store.ingest(request)
            #expect(first.applied == 4097)
            let second = try store.ingest(request, now: Timestamp(seconds: fixedNow.seconds + 30))
            #expect(second.applied == 0)
            #expect(second.duplicates == 4097)
            let published = try store.published()
            #expect(published.integer("events", "tool_result") == 4097)
            #expect(published.integer("totals", "totalToolCalls") == 4097)
            #expect(published.integer("received", "logRecordsApplied") == 4097)
            #expect(published.integer("received", "logRequests") == 1)
        }
    }

    @Test("one metrics batch of 5 000 delta series, sent twice, is stored once")
    func metricsBatchLargerThanTheSeriesBound() throws {
        try TestStore.withTemporary { store in
            let points = (0..<5000).map { index in
                numberPoint([kv("type", "input"), kv("model", Scenario.sonnet), kv("session.id", "session-\(index)")], 3)
            }
            let request = metricsRequest([sumMetric(MetricName.tokenUsage, points)])
            #expect(try store.ingest(request).applied == 5000)
            let second = try store.ingest(request, now: Timestamp(seconds: fixedNow.seconds + 30))
            #expect(second.applied == 0)
            #expect(second.duplicates == 5000)
            let published = try store.published()
            #expect(published.integer("totals", "totalInputTokens") == 15_000)
            #expect(published.integer("received", "dataPointsApplied") == 5000)
        }
    }

    @Test("one batch with 20 points of one delta series, sent twice, is stored once")
    func morePointsOfOneSeriesThanItsWindow() throws {
        try TestStore.withTemporary { store throws in
            let points = (0..<20).map { index in
                let start = Scenario.t0 + UInt64(index) * 1_000_000_000
                return numberPoint(
                    [kv("type", "input"), kv("model", Scenario.sonnet)], 7, start: start,
                    time: start + 500_000_000)
            }
            let request = metricsRequest([sumMetric(MetricName.tokenUsage, points)])
            #expect(try store.ingest(request).applied == 20)
            #expect(try store.ingest(request).duplicates == 20)
            #expect(try store.published().integer("totals", "totalInputTokens") == 140)
        }
    }

    @Test("a retry compressed again, with other gzip bytes, is still the same request")
    func recompressedRetry() throws {
        try TestStore.withTemporary { store in
            let plain = try Self.distinctRecords(4200).serializedBytes() as [UInt8]
            let fast = try compress(plain, .gzip, level: 1)
            let best = try compress(plain, .gzip, level: 9)
            #expect(fast != best)
            for body in [fast, best] {
                _ = try store.ingestor.ingest(
                    .logs, body: body, format: .protobuf, encoding: .gzip, user: store.user,
                    now: fixedNow)
            }
            #expect(try store.published().integer("events", "tool_result") == 4200)
        }
    }

    @Test("a replayed request with rejected points is answered with the same rejections, and nothing is written")
    func replayKeepsItsRejections() throws {
        try TestStore.withTemporary { store in
            let request = metricsRequest([
                sumMetric(
                    MetricName.tokenUsage,
                    [
                        numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], 4),
                        numberPoint([kv("type", "input"), kv("model", Scenario.haiku)], -1),
                        numberPoint([kv("type", "bogus"), kv("model", Scenario.sonnet)], 2),
                    ])
            ])
            let first = try store.ingest(request)
            #expect(first.applied == 1)
            #expect(first.rejected == 2)
            let stored = try store.aggregateBytes()
            let second = try store.ingest(request, now: Timestamp(seconds: fixedNow.seconds + 5))
            #expect(second.applied == 0)
            #expect(second.duplicates == 1)
            #expect(second.rejected == 2)
            #expect(second.reasons == first.reasons)
            #expect(try store.aggregateBytes() == stored)
        }
    }

    @Test("the request window keeps the newest requests, for at most the replay window")
    func windowIsBounded() throws {
        var limits = AggregationLimits()
        limits.recentRequests = 3
        var document = AggregateDocument(user: testUser, limits: limits)
        let aggregator = MetricsAggregator(limits: limits)
        func send(_ sequence: UInt64, at now: Timestamp) -> ApplyReport {
            let body = try! smallDeltaBatch(sequence: sequence).serializedBytes() as [UInt8]
            let identity = RequestIdentity(signal: .metrics, format: .protobuf, plainBody: body)
            let batch = try! OTLPDecoder().decodeMetricsBatch(body, format: .protobuf)
            return document.applyOnce(identity, now: now, limits: limits) {
                aggregator.apply(batch, to: &$0, now: now)
            }.0
        }
        for sequence: UInt64 in 0..<4 { #expect(send(sequence, at: fixedNow).applied == 2) }
        #expect(document.recentRequests.count == 3)
        #expect(send(1, at: fixedNow).duplicates == 2)
        // An hour later every remembered request is forgotten once a new one arrives.
        let later = Timestamp(seconds: fixedNow.seconds + limits.replayWindowSeconds + 1)
        #expect(send(9, at: later).applied == 2)
        #expect(document.recentRequests.count == 1)
    }

    @Test("the request window is stored in aggregate.json, and documents without it still read")
    func storedAndBackwardCompatible() throws {
        var document = aggregate(metrics: [smallDeltaBatch(sequence: 1)])
        document.recentRequests.insert(0x0123_4567_89ab_cdef, at: fixedNow.seconds)
        let bytes = AggregateCoding.encode(document)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"recentRequests\":\""))
        #expect(try AggregateCoding.decode(bytes, expectedUser: testUser, limits: AggregationLimits()) == document)

        // As written before whole requests were remembered: no `recentRequests` key.
        var older = document
        older.recentRequests = RecentDigests(capacity: AggregationLimits().recentRequests)
        let olderText = String(decoding: AggregateCoding.encode(older), as: UTF8.self)
            .replacingOccurrences(of: "\"recentRequests\":\"\",", with: "")
        #expect(!olderText.contains("recentRequests"))
        let decoded = try AggregateCoding.decode(Array(olderText.utf8), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded == older)
    }
}
