import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// The exporter retries a batch byte for byte when the answer came too late: applying the same
/// batch twice must count it once.
@Suite("Replayed delta batches")
struct ReplayTests {
    @Test("metrics-delta applied twice counts once", arguments: ["metrics-delta.pb", "metrics-delta.json"])
    func metricsTwice(file: String) throws {
        let request = try Fixtures.metrics(file)
        var document = AggregateDocument(user: testUser)
        let first = MetricsAggregator().apply(request, to: &document, now: fixedNow)
        let once = try Published(document)
        let second = MetricsAggregator().apply(
            request, to: &document, now: Timestamp(seconds: fixedNow.nanoseconds / 1_000_000_000 + 60))
        #expect(first.applied == 18)
        #expect(second.applied == 0)
        #expect(second.duplicates == 18)
        #expect(second.rejected == 0)
        #expect(!second.changedDocument)
        let twice = try Published(document)
        #expect(twice.integer("totals", "totalInputTokens") == 1700)
        #expect(isClose(twice.number("totals", "totalTokenCostUsd"), 0.0127))
        #expect(twice.integer("totals", "editsAccepted") == 4)
        #expect(NSDictionary(dictionary: twice.object("totals") ?? [:]) == NSDictionary(dictionary: once.object("totals") ?? [:]))
        #expect(document.received.dataPointsDuplicate == 18)
        #expect(document.received.dataPointsApplied == 18)
        #expect(document.received.metricRequests == 2)
        // Nothing changed, so the time of the last change stays.
        #expect(document.updatedAt == fixedNow.iso8601)
    }

    @Test("the protobuf and JSON forms of one batch are the same batch")
    func acrossEncodings() throws {
        var document = AggregateDocument(user: testUser)
        _ = MetricsAggregator().apply(try Fixtures.metrics("metrics-delta.pb"), to: &document, now: fixedNow)
        let report = MetricsAggregator().apply(try Fixtures.metrics("metrics-delta.json.gz"), to: &document, now: fixedNow)
        #expect(report.duplicates == 18)
        #expect(document.totals[.inputTokensFromTokenMetric] == 1700)
    }

    @Test("a later delta batch of the same series is not a replay")
    func nextInterval() throws {
        var document = AggregateDocument(user: testUser)
        let first = try Fixtures.metrics("metrics-delta.pb")
        var next = first
        for m in next.resourceMetrics[0].scopeMetrics[0].metrics.indices {
            for p in next.resourceMetrics[0].scopeMetrics[0].metrics[m].sum.dataPoints.indices {
                next.resourceMetrics[0].scopeMetrics[0].metrics[m].sum.dataPoints[p].startTimeUnixNano = Scenario.t1
                next.resourceMetrics[0].scopeMetrics[0].metrics[m].sum.dataPoints[p].timeUnixNano = Scenario.at(120)
            }
        }
        let reports = [first, next, first, next].map { MetricsAggregator().apply($0, to: &document, now: fixedNow) }
        #expect(reports.map(\.applied) == [18, 18, 0, 0])
        #expect(reports.map(\.duplicates) == [0, 0, 18, 18])
        #expect(document.totals[.inputTokensFromTokenMetric] == 3400)
        #expect(document.totals[.sessions] == 2)
    }

    @Test("replay detection is bounded to the recent points of a series")
    func recentWindow() throws {
        var limits = AggregationLimits()
        limits.recentPointsPerSeries = 3
        var document = AggregateDocument(user: testUser, limits: limits)
        let batches = (0..<5).map { smallDeltaBatch(sequence: UInt64($0)) }
        for batch in batches { _ = MetricsAggregator(limits: limits).apply(batch, to: &document, now: fixedNow) }
        #expect(document.totals[.inputTokensFromTokenMetric] == 50)
        // The last three are remembered ...
        let recent = MetricsAggregator(limits: limits).apply(batches[4], to: &document, now: fixedNow)
        #expect(recent.duplicates == 2)
        // ... the first one is forgotten and counts again (documented limit of the window).
        let old = MetricsAggregator(limits: limits).apply(batches[0], to: &document, now: fixedNow)
        #expect(old.applied == 2)
        #expect(document.totals[.inputTokensFromTokenMetric] == 60)
    }

    @Test("logs applied twice count once", arguments: ["logs.pb", "logs.json"])
    func logsTwice(file: String) throws {
        let request = try Fixtures.logs(file)
        var document = AggregateDocument(user: testUser)
        let first = LogsAggregator().apply(request, to: &document, now: fixedNow)
        let second = LogsAggregator().apply(request, to: &document, now: fixedNow)
        #expect(first.applied == 13)
        #expect(second.applied == 0)
        #expect(second.duplicates == 13)
        #expect(!second.changedDocument)
        #expect(document.events["api_request"] == 3)
        #expect(document.events["user_prompt"] == 2)
        #expect(document.totals[.inputTokensFromEvents] == 1710)
        #expect(document.totals[.toolCallsFromEvents] == 3)
        #expect(document.received.logRecordsDuplicate == 13)
        #expect(document.received.logRequests == 2)
    }

    @Test("logs: protobuf then JSON of the same records count once")
    func logsAcrossEncodings() throws {
        var document = AggregateDocument(user: testUser)
        _ = LogsAggregator().apply(try Fixtures.logs("logs.pb"), to: &document, now: fixedNow)
        let report = LogsAggregator().apply(try Fixtures.logs("logs.json.gz"), to: &document, now: fixedNow)
        #expect(report.duplicates == 13)
        #expect(document.events["tool_result"] == 3)
    }

    @Test("api_request is deduplicated by request_id, even when the records differ")
    func requestIDDedup() throws {
        var document = AggregateDocument(user: testUser)
        let first = eventRecord(
            "api_request", [kv("model", "m"), kv("input_tokens", "100"), kv("request_id", "req_x")],
            time: Scenario.at(1))
        // Another record of the same API request: other time, other sequence, numbers as ints.
        let again = eventRecord(
            "api_request",
            [
                kv("model", "m"), kv("input_tokens", int: 100), kv("request_id", "req_x"),
                kv("event.sequence", int: 99),
            ], time: Scenario.at(30))
        let other = eventRecord(
            "api_request", [kv("model", "m"), kv("input_tokens", int: 100), kv("request_id", "req_y")],
            time: Scenario.at(30))
        let reports = [logsRequest([first]), logsRequest([again, other])].map {
            LogsAggregator().apply($0, to: &document, now: fixedNow)
        }
        #expect(reports[0].applied == 1)
        #expect(reports[1].applied == 1)
        #expect(reports[1].duplicates == 1)
        #expect(document.totals[.inputTokensFromEvents] == 200)
        #expect(document.totals[.apiRequestsFromEvents] == 2)
        #expect(document.events["api_request"] == 2)
    }

    @Test("two identical-looking events at different times are two events")
    func distinctEvents() throws {
        var document = AggregateDocument(user: testUser)
        let a = eventRecord("tool_result", [kv("tool_name", "Bash")], time: Scenario.at(1))
        let b = eventRecord("tool_result", [kv("tool_name", "Bash")], time: Scenario.at(2))
        let report = LogsAggregator().apply(logsRequest([a, b, a]), to: &document, now: fixedNow)
        #expect(report.applied == 2)
        #expect(report.duplicates == 1)
        #expect(document.tools["Bash"]?[.toolCallsFromEvents] == 2)
    }

    @Test("record replay detection survives an encode/decode round trip")
    func digestsRoundTrip() throws {
        var document = AggregateDocument(user: testUser)
        _ = LogsAggregator().apply(try Fixtures.logs("logs.pb"), to: &document, now: fixedNow)
        var restored = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser, limits: AggregationLimits())
        let report = LogsAggregator().apply(try Fixtures.logs("logs.pb"), to: &restored, now: fixedNow)
        #expect(report.duplicates == 13)
        #expect(restored.totals == document.totals)
    }
}
