import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// The seed specification's two example payloads count as the seed says: a sum without
/// temporality or isMonotonic is a delta, and an `api_request`'s `cost` is its `cost_usd`.
@Suite struct SeedPayloadTests {
    func apply(metrics: [String] = [], logs: [String] = []) throws -> (Published, [ApplyReport]) {
        var document = AggregateDocument(user: testUser)
        var reports: [ApplyReport] = []
        let decoder = OTLPDecoder()
        for name in metrics {
            let batch = try decoder.decodeMetricsBatch(try Fixtures.bytes(name), format: .json)
            reports.append(MetricsAggregator().apply(batch, to: &document, now: fixedNow))
        }
        for name in logs {
            let batch = try decoder.decodeLogsBatch(try Fixtures.bytes(name), format: .json)
            reports.append(LogsAggregator().apply(batch, to: &document, now: fixedNow))
        }
        return (try Published(bytes: AggregateCoding.encode(document)), reports)
    }

    @Test func metricsExampleWithoutTemporalityCountsAsDelta() throws {
        let (published, reports) = try apply(metrics: ["seed-metrics.json"])
        #expect(reports[0].applied == 4)
        #expect(reports[0].rejected == 0)
        #expect(published.integer("totals", "totalSessions") == 1)
        #expect(published.integer("totals", "totalInputTokens") == 1500)
        #expect(published.integer("totals", "totalOutputTokens") == 300)
        #expect(published.number("totals", "totalTokenCostUsd") == 0.0225)
        #expect(published.integer("models", "claude-sonnet-4-5", "inputTokens") == 1500)
        #expect(published.integer("days", "2026-11-24", "totalInputTokens") == 1500)
        #expect(published.integer("received", "dataPointsRejected") == 0)
    }

    @Test func metricsExampleSentTwiceCountsOnce() throws {
        let (published, reports) = try apply(metrics: ["seed-metrics.json", "seed-metrics.json"])
        #expect(reports[1].duplicates == 4)
        #expect(reports[1].applied == 0)
        #expect(published.integer("totals", "totalInputTokens") == 1500)
    }

    @Test func aNonMonotonicSumWithATemporalityIsStillRejected() {
        let request = metricsRequest([
            sumMetric(
                MetricName.tokenUsage, [numberPoint([kv("model", Scenario.sonnet), kv("type", "input")], 10)],
                temporality: .delta, monotonic: false)
        ])
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(request, to: &document, now: fixedNow)
        #expect(report.rejected == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 0)
    }

    @Test func logExampleCostIsReadAsCostUsd() throws {
        let (published, reports) = try apply(logs: ["seed-logs.json"])
        #expect(reports[0].applied == 1)
        #expect(published.number("totals", "totalTokenCostUsd") == 0.0225)
        #expect(published.number("totals", "raw", "costUsd@api_request") == 0.0225)
        #expect(published.number("models", "claude-sonnet-4-5", "costUsd") == 0.0225)
        #expect(published.integer("totals", "totalInputTokens") == 1500)
        #expect(published.integer("totals", "totalOutputTokens") == 300)
        #expect(published.integer("totals", "apiRequests") == 1)
    }

    @Test func costUsdWinsOverCost() {
        var document = AggregateDocument(user: testUser)
        let record = eventRecord(
            "api_request", [kv("model", Scenario.sonnet), kv("cost_usd", "0.5"), kv("cost", "9")],
            time: Scenario.t1)
        _ = LogsAggregator().apply(logsRequest([record]), to: &document, now: fixedNow)
        #expect(document.totals[.costFromEvents] == 0.5)
    }

    @Test func bothExamplesTogetherCountCostOnce() throws {
        let (published, _) = try apply(metrics: ["seed-metrics.json"], logs: ["seed-logs.json"])
        #expect(published.number("totals", "totalTokenCostUsd") == 0.0225)
        #expect(published.integer("totals", "totalInputTokens") == 1500)
        #expect(published.string("sources", "cost") == "claude_code.cost.usage")
    }
}
