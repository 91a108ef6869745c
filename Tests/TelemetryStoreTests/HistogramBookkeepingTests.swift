import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// Histograms go through the same delta/cumulative bookkeeping as sums: these pin, for
/// histograms, the rules the sum tests pin (replays, resets, stale and future readings).
@Suite("Histogram points share the sums' bookkeeping")
struct HistogramBookkeepingTests {
    private func tokens(
        count: UInt64, sum: Double, start: UInt64 = Scenario.t0, time: UInt64,
        temporality: Temporality
    ) -> MetricsBatch {
        MetricsBatch(
            metricsRequest([
                histogramMetric(
                    MetricName.genAITokenUsage,
                    [
                        histogramPoint(
                            [kv("gen_ai.token.type", "input"), kv("gen_ai.request.model", "m")],
                            count: count, sum: sum, start: start, time: time)
                    ], temporality: temporality),
                histogramMetric(
                    MetricName.genAIOperationDuration,
                    [
                        histogramPoint(
                            [kv("gen_ai.request.model", "m")], count: count, sum: Double(count) / 2,
                            start: start, time: time)
                    ], temporality: temporality),
            ]))
    }

    @Test("a replayed delta histogram point counts once; another time counts again")
    func deltaReplay() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let first = aggregator.apply(
            tokens(count: 3, sum: 300, time: Scenario.at(60), temporality: .delta),
            to: &document, now: fixedNow)
        let replay = aggregator.apply(
            tokens(count: 3, sum: 300, time: Scenario.at(60), temporality: .delta),
            to: &document, now: fixedNow)
        let later = aggregator.apply(
            tokens(count: 2, sum: 50, time: Scenario.at(120), temporality: .delta),
            to: &document, now: fixedNow)
        #expect(first.applied == 2)
        #expect(replay.applied == 0)
        #expect(replay.duplicates == 2)
        #expect(later.applied == 2)
        #expect(document.totals[.inputTokensFromGenAIMetric] == 350)
        #expect(document.totals[.apiRequestsFromMetric] == 5)
        #expect(document.rememberedSeries == 2)
    }

    @Test("a cumulative histogram restarting counts its whole reading; one from the old start is stale")
    func cumulativeResetAndStale() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let restart = Scenario.at(600)
        let reports = [
            tokens(count: 4, sum: 400, time: Scenario.at(60), temporality: .cumulative),
            tokens(count: 6, sum: 700, time: Scenario.at(120), temporality: .cumulative),
            tokens(count: 1, sum: 90, start: restart, time: Scenario.at(660), temporality: .cumulative),
            tokens(count: 7, sum: 800, time: Scenario.at(180), temporality: .cumulative),
        ].map { aggregator.apply($0, to: &document, now: fixedNow) }
        #expect(reports.map(\.applied) == [2, 2, 2, 0])
        #expect(reports[3].duplicates == 2)
        #expect(document.totals[.inputTokensFromGenAIMetric] == 700 + 90)
        #expect(document.totals[.apiRequestsFromMetric] == 6 + 1)
    }

    @Test("a cumulative histogram reading from the future is refused and does not freeze its series")
    func cumulativeFromTheFuture() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let start = fixedNow.nanoseconds - 3_600_000_000_000
        let first = aggregator.apply(
            tokens(
                count: 2, sum: 100, start: start, time: fixedNow.nanoseconds - 60_000_000_000,
                temporality: .cumulative), to: &document, now: fixedNow)
        let frozen = aggregator.apply(
            tokens(count: 3, sum: 150, start: start, time: UInt64.max, temporality: .cumulative),
            to: &document, now: fixedNow)
        let next = aggregator.apply(
            tokens(
                count: 4, sum: 170, start: start, time: fixedNow.nanoseconds,
                temporality: .cumulative), to: &document, now: fixedNow)
        #expect(first.applied == 2)
        #expect(frozen.rejected == 2)
        #expect(frozen.reasons.allSatisfy { $0.contains("more than a day after") })
        #expect(next.applied == 2)
        #expect(document.totals[.inputTokensFromGenAIMetric] == 170)
        #expect(document.totals[.apiRequestsFromMetric] == 4)
    }
}
