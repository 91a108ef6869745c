import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// `claude_code.llm_request` spans become per-model latency, `claude_code.tool` spans per-tool
/// durations; token counts on spans are never counted; a replayed span counts once.
@Suite struct TraceAggregationTests {
    static func apply(_ names: [String], to document: inout AggregateDocument) throws -> [ApplyReport] {
        try names.map { name in
            TracesAggregator().apply(try Fixtures.traces(name), to: &document, now: fixedNow)
        }
    }

    /// Counts per bucket, from (bucket index, count) pairs.
    static func buckets(_ filled: [Int: Int]) -> [Int] {
        (0...DurationStats.boundsMs.count).map { filled[$0] ?? 0 }
    }

    @Test func exactLatencyFigures() throws {
        var document = AggregateDocument(user: testUser)
        let report = try Self.apply(["traces.pb"], to: &document)[0]
        #expect(report.applied == 6)
        #expect(report.ignored == 2)
        #expect(report.rejected == 0)

        let published = try Published(bytes: AggregateCoding.encode(document))
        let sonnet = ["latency", Scenario.sonnet]
        #expect(published.integer("latency", Scenario.sonnet, "requests") == 2)
        #expect(published.integer("latency", Scenario.sonnet, "failures") == 0)
        #expect(published.integer("latency", Scenario.sonnet, "durationMs", "count") == 2)
        #expect(published.number("latency", Scenario.sonnet, "durationMs", "total") == 2000)
        #expect(published.number("latency", Scenario.sonnet, "durationMs", "max") == 1200)
        #expect(published.value(sonnet + ["durationMs", "buckets"]) as? [Int] == Self.buckets([4: 1, 5: 1]))
        #expect(published.integer("latency", Scenario.sonnet, "ttftMs", "count") == 2)
        #expect(published.number("latency", Scenario.sonnet, "ttftMs", "total") == 500)
        #expect(published.number("latency", Scenario.sonnet, "ttftMs", "max") == 300)
        #expect(published.value(sonnet + ["ttftMs", "buckets"]) as? [Int] == Self.buckets([2: 1, 3: 1]))

        let haiku = ["latency", Scenario.haiku]
        #expect(published.integer("latency", Scenario.haiku, "requests") == 1)
        #expect(published.integer("latency", Scenario.haiku, "failures") == 1)
        #expect(published.number("latency", Scenario.haiku, "durationMs", "total") == 4000)
        #expect(published.value(haiku + ["durationMs", "buckets"]) as? [Int] == Self.buckets([6: 1]))
        #expect(published.integer("latency", Scenario.haiku, "ttftMs", "count") == 0)

        #expect(published.keys("toolDurations") == ["Bash", "Edit"])
        #expect(published.integer("toolDurations", "Bash", "calls") == 2)
        #expect(published.number("toolDurations", "Bash", "durationMs", "total") == 2645)
        #expect(published.number("toolDurations", "Bash", "durationMs", "max") == 2600)
        #expect(published.value("toolDurations", "Bash", "durationMs", "buckets") as? [Int] == Self.buckets([0: 1, 6: 1]))
        // Edit has no duration_ms: its span's own end minus start, 120 ms.
        #expect(published.number("toolDurations", "Edit", "durationMs", "total") == 120)
        #expect(published.value("toolDurations", "Edit", "durationMs", "buckets") as? [Int] == Self.buckets([2: 1]))

        #expect(published.value("latencyBucketsMs") as? [Double] == DurationStats.boundsMs)
        #expect(published.integer("received", "traceRequests") == 1)
        #expect(published.integer("received", "spansApplied") == 6)
    }

    @Test func spanTokensAreNeverCounted() throws {
        var document = AggregateDocument(user: testUser)
        _ = try Self.apply(["traces.json"], to: &document)
        #expect(document.totals.isZero)
        #expect(document.models.isEmpty)
        #expect(document.days.isEmpty)
        #expect(document.querySources.isEmpty)
        #expect(document.events.isEmpty)
    }

    @Test func aReplayedBatchCountsOnceInEitherEncoding() throws {
        var document = AggregateDocument(user: testUser)
        let reports = try Self.apply(["traces.pb", "traces.pb", "traces.json.gz"], to: &document)
        #expect(reports[1].applied == 0)
        #expect(reports[1].duplicates == 6)
        #expect(!reports[1].changedDocument)
        #expect(reports[2].duplicates == 6)
        #expect(document.traces.models[Scenario.sonnet]?.durationMs.count == 2)
        #expect(document.traces.tools["Bash"]?.count == 2)
    }

    @Test func unusableDurationsAreRejectedAndTheRestApplies() throws {
        func span(_ id: UInt8, _ attributes: [OTLPAttribute], start: UInt64 = 0, end: UInt64 = 0) -> TracesBatch.Span {
            TracesBatch.Span(
                traceId: Array(repeating: 1, count: 16), spanId: [0, 0, 0, 0, 0, 0, 0, id],
                name: "claude_code.llm_request", startTimeUnixNano: start, endTimeUnixNano: end,
                attributes: [OTLPAttribute(key: "model", value: .string("m"))] + attributes)
        }
        let spans = [
            span(1, [OTLPAttribute(key: "duration_ms", value: .int(-5))]),
            span(2, [OTLPAttribute(key: "duration_ms", value: .string("slow"))]),
            span(3, [OTLPAttribute(key: "duration_ms", value: .double(.infinity))]),
            span(4, [], start: 10, end: 5),
            span(5, [OTLPAttribute(key: "duration_ms", value: .int(100)), OTLPAttribute(key: "ttft_ms", value: .int(-1))]),
            span(
                6,
                [OTLPAttribute(key: "duration_ms", value: .string("75")), OTLPAttribute(key: "success", value: .string("false"))]),
        ]
        let batch = TracesBatch(resourceSpans: [.init(scopeSpans: [.init(spans: spans)])])
        var document = AggregateDocument(user: testUser)
        let report = TracesAggregator().apply(batch, to: &document, now: fixedNow)
        #expect(report.applied == 1)
        #expect(report.rejected == 5)
        #expect(
            report.reasons == [
                "claude_code.llm_request: attribute 'duration_ms' is negative",
                "claude_code.llm_request: attribute 'duration_ms' is not a number",
                "claude_code.llm_request: attribute 'duration_ms' is not a finite number",
                "claude_code.llm_request: no duration_ms attribute and no valid start and end time",
                "claude_code.llm_request: attribute 'ttft_ms' is negative",
            ])
        #expect(document.traces.models["m"]?.durationMs.totalMs == 75)
        #expect(document.traces.models["m"]?.failures == 1)
        #expect(document.received.spansRejected == 5)
    }

    @Test func modelAndToolNamesAreBounded() {
        var limits = AggregationLimits()
        limits.models = 3
        limits.tools = 2
        let spans = (0..<10).flatMap { index in
            [
                TracesBatch.Span(
                    spanId: [UInt8(index), 1], name: "claude_code.llm_request",
                    attributes: [
                        OTLPAttribute(key: "model", value: .string("model-\(index)")),
                        OTLPAttribute(key: "duration_ms", value: .int(10)),
                    ]),
                TracesBatch.Span(
                    spanId: [UInt8(index), 2], name: "claude_code.tool",
                    attributes: [
                        OTLPAttribute(key: "tool_name", value: .string("tool-\(index)")),
                        OTLPAttribute(key: "duration_ms", value: .int(10)),
                    ]),
            ]
        }
        var document = AggregateDocument(user: testUser, limits: limits)
        _ = TracesAggregator(limits: limits).apply(
            TracesBatch(resourceSpans: [.init(scopeSpans: [.init(spans: spans)])]),
            to: &document, now: fixedNow)
        #expect(document.traces.models.count == 3)
        #expect(document.traces.models["(other)"]?.durationMs.count == 8)
        #expect(document.traces.tools.count == 2)
        #expect(document.traces.tools["(other)"]?.count == 9)
    }

    @Test func traceFiguresSurviveARoundTrip() throws {
        var document = AggregateDocument(user: testUser)
        _ = try Self.apply(["traces.pb"], to: &document)
        let reread = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser,
            limits: AggregationLimits())
        #expect(reread.traces == document.traces)
        #expect(reread.received == document.received)
        #expect(AggregateCoding.encode(reread) == AggregateCoding.encode(document))
    }
}
