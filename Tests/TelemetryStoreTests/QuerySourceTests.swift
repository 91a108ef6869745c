import TelemetryTesting
import Testing

@testable import TelemetryStore

/// Tokens and cost per `query_source`, beside `models`, with the one-source-per-family rule:
/// Claude Code's `api_request` events say `sdk` where its metrics say `main` (headless runs),
/// and counting both would double every token.
@Suite struct QuerySourceTests {
    static func tokens(_ type: String, _ value: Double, source: String?) -> OTLPNumberPoint {
        numberPoint([kv("model", Scenario.sonnet), kv("type", type)] + (source.map { [kv("query_source", $0)] } ?? []), value)
    }

    static let metrics = metricsRequest([
        sumMetric(
            MetricName.tokenUsage,
            [
                tokens("input", 1000, source: "main"), tokens("output", 200, source: "main"),
                tokens("input", 300, source: "agent:explore"), tokens("cacheRead", 50, source: "agent:explore"),
                tokens("input", 7, source: nil),
            ]),
        sumMetric(
            MetricName.costUsage,
            [
                numberPoint([kv("model", Scenario.sonnet), kv("query_source", "main")], 0.25),
                numberPoint([kv("model", Scenario.sonnet), kv("query_source", "agent:explore")], 0.125),
            ]),
    ])

    static let events = logsRequest([
        eventRecord(
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("query_source", "sdk"), kv("input_tokens", int: 1000),
                kv("output_tokens", int: 200), kv("cost_usd", double: 0.25), kv("request_id", "r1"),
            ],
            time: Scenario.t1),
        eventRecord(
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("query_source", "agent:explore"),
                kv("input_tokens", int: 300), kv("cache_read_tokens", int: 50),
                kv("cost_usd", double: 0.125), kv("request_id", "r2"),
            ],
            time: Scenario.t1),
    ])

    @Test func metricsOnlyBreakDownByQuerySource() throws {
        let published = try Published(bytes: AggregateCoding.encode(aggregate(metrics: [Self.metrics])))
        #expect(published.keys("querySources") == ["main", "agent:explore"])
        #expect(published.integer("querySources", "main", "inputTokens") == 1000)
        #expect(published.integer("querySources", "main", "outputTokens") == 200)
        #expect(published.number("querySources", "main", "costUsd") == 0.25)
        #expect(published.integer("querySources", "agent:explore", "inputTokens") == 300)
        #expect(published.integer("querySources", "agent:explore", "cacheReadTokens") == 50)
        #expect(published.number("querySources", "agent:explore", "costUsd") == 0.125)
        // Points without query_source count in totals and models only.
        #expect(published.integer("totals", "totalInputTokens") == 1307)
        #expect(published.integer("models", Scenario.sonnet, "inputTokens") == 1307)
    }

    @Test func metricsAndEventsTogetherCountOnce() throws {
        let document = aggregate(metrics: [Self.metrics], logs: [Self.events])
        let published = try Published(bytes: AggregateCoding.encode(document))
        #expect(published.integer("totals", "totalInputTokens") == 1307)
        #expect(published.number("totals", "totalTokenCostUsd") == 0.375)
        #expect(published.integer("querySources", "main", "inputTokens") == 1000)
        #expect(published.integer("querySources", "agent:explore", "inputTokens") == 300)
        #expect(published.number("querySources", "agent:explore", "costUsd") == 0.125)
        // `sdk` exists only in events: its figures are kept in raw, and published as 0 because
        // this user's tokens and cost come from the metrics.
        #expect(published.integer("querySources", "sdk", "inputTokens") == 0)
        #expect(published.number("querySources", "sdk", "costUsd") == 0)
        #expect(published.number("querySources", "sdk", "raw", "inputTokens@api_request") == 1000)
        #expect(published.integer("querySources", "sdk", "apiRequests") == 1)
    }

    @Test func eventsOnlyBreakDownByQuerySource() throws {
        let published = try Published(bytes: AggregateCoding.encode(aggregate(logs: [Self.events])))
        #expect(published.integer("querySources", "sdk", "inputTokens") == 1000)
        #expect(published.number("querySources", "sdk", "costUsd") == 0.25)
        #expect(published.integer("querySources", "agent:explore", "cacheReadTokens") == 50)
        #expect(published.integer("totals", "totalInputTokens") == 1300)
    }

    @Test func querySourcesAreBoundedWithExactTotals() throws {
        var limits = AggregationLimits()
        limits.querySources = 3
        let points = (0..<10).map { Self.tokens("input", 10, source: "source-\($0)") }
        let document = aggregate(metrics: [metricsRequest([sumMetric(MetricName.tokenUsage, points)])], limits: limits)
        #expect(document.querySources.count == 3)
        #expect(document.querySources["(other)"]?[.inputTokensFromTokenMetric] == 80)
        #expect(document.totals[.inputTokensFromTokenMetric] == 100)
    }

    @Test func querySourcesSurviveARoundTrip() throws {
        let document = aggregate(metrics: [Self.metrics], logs: [Self.events])
        let reread = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser,
            limits: AggregationLimits())
        #expect(reread.querySources == document.querySources)
    }
}
