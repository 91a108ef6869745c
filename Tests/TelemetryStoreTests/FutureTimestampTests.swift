import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// Times more than a day after receipt are not trusted: they cannot push today out of the
/// daily view, nor freeze a cumulative series (issue 11, defect 6 and its cumulative risk).
@Suite("Timestamps from the future")
struct FutureTimestampTests {
    static let nanosPerDay: UInt64 = 86_400 * 1_000_000_000
    /// 2500-01-01T00:00:00Z
    static let year2500: UInt64 = 16_725_225_600 * 1_000_000_000

    @Test("400 days of points in the year 2500 go to the receive day; today's data keeps its day")
    func farFutureDeltaPoints() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let future = (0..<400).map { day in
            let time = Self.year2500 + UInt64(day) * Self.nanosPerDay
            return numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], 1, start: time - 1_000, time: time)
        }
        let report = aggregator.apply(
            MetricsBatch(metricsRequest([sumMetric(MetricName.tokenUsage, future)])),
            to: &document, now: fixedNow)
        #expect(report.applied == 400)
        let today = fixedNow.day
        #expect(Set(document.days.keys) == [today])
        #expect(document.days[today]?[.inputTokensFromTokenMetric] == 400)

        let real = numberPoint(
            [kv("type", "input"), kv("model", Scenario.sonnet)], 5,
            start: fixedNow.nanoseconds - 2_000, time: fixedNow.nanoseconds - 1_000)
        _ = aggregator.apply(
            MetricsBatch(metricsRequest([sumMetric(MetricName.tokenUsage, [real])])), to: &document, now: fixedNow)
        #expect(document.days[today]?[.inputTokensFromTokenMetric] == 405)
        #expect(document.totals[.inputTokensFromTokenMetric] == 405)
    }

    @Test("a point less than a day ahead keeps its own day (clock skew is not moved)")
    func nearFutureKeepsItsDay() {
        var document = AggregateDocument(user: testUser)
        let time = fixedNow.nanoseconds + Self.nanosPerDay - 1_000_000_000
        let point = numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], 2, start: time - 1_000, time: time)
        _ = MetricsAggregator().apply(
            MetricsBatch(metricsRequest([sumMetric(MetricName.tokenUsage, [point])])),
            to: &document, now: fixedNow)
        #expect(Set(document.days.keys) == [Timestamp(nanoseconds: time).day])
    }

    @Test("log records dated in the year 2500 count on the receive day")
    func farFutureLogRecords() {
        var document = AggregateDocument(user: testUser)
        let records = (0..<400).map { day in
            eventRecord(EventName.toolResult, [kv("tool_name", "Read")], time: Self.year2500 + UInt64(day) * Self.nanosPerDay)
        }
        _ = LogsAggregator().apply(LogsBatch(logsRequest(records)), to: &document, now: fixedNow)
        #expect(Set(document.days.keys) == [fixedNow.day])
        #expect(document.days[fixedNow.day]?[.toolCallsFromEvents] == 400)
    }

    @Test("a cumulative reading stamped with the largest time is refused and does not freeze its series")
    func cumulativeReadingFromTheFuture() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let start = fixedNow.nanoseconds - 3_600_000_000_000
        func reading(_ value: Double, time: UInt64) -> MetricsBatch {
            MetricsBatch(
                metricsRequest([
                    sumMetric(
                        MetricName.tokenUsage,
                        [
                            numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], value, start: start, time: time)
                        ], temporality: .cumulative)
                ]))
        }
        #expect(
            aggregator.apply(reading(100, time: fixedNow.nanoseconds - 60_000_000_000), to: &document, now: fixedNow).applied == 1
        )
        let frozen = aggregator.apply(reading(150, time: UInt64.max), to: &document, now: fixedNow)
        #expect(frozen.rejected == 1)
        #expect(frozen.reasons.first?.contains("more than a day after") == true)
        // The next real reading carries the increase the refused one had.
        let next = aggregator.apply(reading(170, time: fixedNow.nanoseconds), to: &document, now: fixedNow)
        #expect(next.applied == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 170)
    }
}
