import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Cumulative temporality becomes deltas")
struct CumulativeTests {
    private func apply(_ requests: [MetricsRequest], to document: inout AggregateDocument) -> [ApplyReport] {
        requests.map { MetricsAggregator().apply($0, to: &document, now: fixedNow) }
    }

    @Test("steps 1, 2, 3 add 1000 + 500 + 200", arguments: ["pb", "json"])
    func threeSteps(format: String) throws {
        var document = AggregateDocument(user: testUser)
        let reports = apply(try (1...3).map { try Fixtures.metrics("metrics-cumulative-\($0).\(format)") }, to: &document)
        #expect(reports.map(\.applied) == [1, 1, 1])
        #expect(reports.map(\.duplicates) == [0, 0, 0])
        let published = try Published(document)
        #expect(published.integer("totals", "totalInputTokens") == 1000 + 500 + 200)
        #expect(published.integer("models", Scenario.sonnet, "inputTokens") == 1700)
        #expect(published.integer("days", Scenario.day, "totalInputTokens") == 1700)
        #expect(document.rememberedSeries == 1)
    }

    @Test("after each step the total is the running total so far")
    func runningTotals() throws {
        var document = AggregateDocument(user: testUser)
        var totals: [Double] = []
        for step in 1...3 {
            _ = MetricsAggregator().apply(try Fixtures.metrics("metrics-cumulative-\(step).pb"), to: &document, now: fixedNow)
            totals.append(document.totals[.inputTokensFromTokenMetric])
        }
        #expect(totals == [1000, 1500, 1700])
    }

    @Test("a replayed step adds nothing and counts a duplicate")
    func replay() throws {
        var document = AggregateDocument(user: testUser)
        let one = try Fixtures.metrics("metrics-cumulative-1.pb")
        let two = try Fixtures.metrics("metrics-cumulative-2.pb")
        let reports = apply([one, two, two], to: &document)
        #expect(reports[2].applied == 0)
        #expect(reports[2].duplicates == 1)
        #expect(!reports[2].changedDocument)
        #expect(document.totals[.inputTokensFromTokenMetric] == 1500)
        #expect(document.received.dataPointsDuplicate == 1)
        #expect(document.received.dataPointsApplied == 2)
    }

    @Test("an older step arriving late is stale: adds nothing")
    func stale() throws {
        var document = AggregateDocument(user: testUser)
        let reports = apply(
            [try Fixtures.metrics("metrics-cumulative-2.pb"), try Fixtures.metrics("metrics-cumulative-1.pb")],
            to: &document)
        #expect(reports[0].applied == 1)
        #expect(reports[1].applied == 0)
        #expect(reports[1].duplicates == 1)
        // The first reading of a series counts in full.
        #expect(document.totals[.inputTokensFromTokenMetric] == 1500)
        // A reading from before the restart (older start time) is stale too.
        let more = apply(
            [try Fixtures.metrics("metrics-cumulative-3.pb"), try Fixtures.metrics("metrics-cumulative-2.pb")],
            to: &document)
        #expect(more.map(\.applied) == [1, 0])
        #expect(more[1].duplicates == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 1700)
    }

    @Test("a value that drops with the same start time is a reset: the whole value is new")
    func resetByValueDrop() throws {
        var document = AggregateDocument(user: testUser)
        let dropped = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [
                    numberPoint(
                        [kv("type", "input"), kv("model", Scenario.sonnet)], 300, start: Scenario.t0, time: Scenario.at(200))
                ],
                temporality: .cumulative, description: "Number of tokens used", unit: "tokens")
        ])
        let reports = apply(
            [try Fixtures.metrics("metrics-cumulative-1.pb"), try Fixtures.metrics("metrics-cumulative-2.pb"), dropped],
            to: &document)
        #expect(reports.map(\.applied) == [1, 1, 1])
        #expect(document.totals[.inputTokensFromTokenMetric] == 1500 + 300)
    }

    @Test("an unchanged cumulative value at a later time adds zero")
    func unchanged() throws {
        var document = AggregateDocument(user: testUser)
        let same = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [
                    numberPoint(
                        [kv("type", "input"), kv("model", Scenario.sonnet)], 1000, start: Scenario.t0, time: Scenario.at(90))
                ],
                temporality: .cumulative, description: "Number of tokens used", unit: "tokens")
        ])
        let reports = apply([try Fixtures.metrics("metrics-cumulative-1.pb"), same], to: &document)
        #expect(reports[1].applied == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 1000)
    }

    @Test("series state survives an encode/decode round trip")
    func stateRoundTrip() throws {
        var document = AggregateDocument(user: testUser)
        _ = MetricsAggregator().apply(try Fixtures.metrics("metrics-cumulative-1.pb"), to: &document, now: fixedNow)
        var restored = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser,
            limits: AggregationLimits())
        #expect(restored == document)
        let report = MetricsAggregator().apply(try Fixtures.metrics("metrics-cumulative-2.pb"), to: &restored, now: fixedNow)
        #expect(report.applied == 1)
        let published = try Published(restored)
        #expect(published.integer("totals", "totalInputTokens") == 1500)
        // And the replay is still recognised after another round trip.
        var again = try AggregateCoding.decode(
            AggregateCoding.encode(restored), expectedUser: testUser, limits: AggregationLimits())
        let replay = MetricsAggregator().apply(try Fixtures.metrics("metrics-cumulative-2.pb"), to: &again, now: fixedNow)
        #expect(replay.duplicates == 1)
        #expect(again.totals[.inputTokensFromTokenMetric] == 1500)
    }

    @Test("the same series from another resource or with other attributes is separate")
    func seriesIdentity() throws {
        var document = AggregateDocument(user: testUser)
        var other = try Fixtures.metrics("metrics-cumulative-2.pb")
        other.resourceMetrics[0].resource.attributes.append(kv("service.instance.id", "second-process"))
        _ = apply([try Fixtures.metrics("metrics-cumulative-1.pb"), other], to: &document)
        // Different resource: its own series, counted from its first reading.
        #expect(document.totals[.inputTokensFromTokenMetric] == 1000 + 1500)
        #expect(document.rememberedSeries == 2)
        // Attribute order does not matter for the identity.
        var reordered = try Fixtures.metrics("metrics-cumulative-3.pb")
        reordered.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes.reverse()
        _ = apply([reordered], to: &document)
        #expect(document.rememberedSeries == 2)
        #expect(document.totals[.inputTokensFromTokenMetric] == 2500 + 200)
    }

    @Test("cumulative histograms: sum and count become deltas")
    func cumulativeHistogram() throws {
        func reading(count: UInt64, sum: Double, time: UInt64) -> MetricsRequest {
            metricsRequest([
                histogramMetric(
                    MetricName.genAITokenUsage,
                    [
                        histogramPoint(
                            [kv("gen_ai.token.type", "input"), kv("gen_ai.request.model", "m")],
                            count: count, sum: sum, time: time)
                    ], temporality: .cumulative),
                histogramMetric(
                    MetricName.genAIOperationDuration,
                    [histogramPoint([kv("gen_ai.request.model", "m")], count: count, sum: Double(count), time: time)],
                    temporality: .cumulative),
            ])
        }
        var document = AggregateDocument(user: testUser)
        let reports = apply(
            [
                reading(count: 2, sum: 700, time: Scenario.at(60)), reading(count: 5, sum: 1000, time: Scenario.at(120)),
                reading(count: 5, sum: 1000, time: Scenario.at(120)),
            ], to: &document)
        #expect(reports.map(\.applied) == [2, 2, 0])
        #expect(reports[2].duplicates == 2)
        #expect(document.totals[.inputTokensFromGenAIMetric] == 1000)
        #expect(document.totals[.apiRequestsFromMetric] == 5)
    }

    @Test(
        "the step function",
        arguments: [
            // (state start, state time, state value, start, time, value, expected)
            (UInt64(10), UInt64(20), 100.0, UInt64(10), UInt64(30), 150.0, MetricsAggregator.CumulativeStep.delta(50, 0)),
            (10, 20, 100, 10, 20, 150, .stale),
            (10, 20, 100, 10, 19, 150, .stale),
            (10, 20, 100, 9, 30, 150, .stale),
            (10, 20, 100, 11, 30, 40, .delta(40, 0)),
            (10, 20, 100, 10, 30, 40, .delta(40, 0)),
            (10, 20, 100, 10, 30, 100, .delta(0, 0)),
        ])
    func step(
        stateStart: UInt64, stateTime: UInt64, stateValue: Double, start: UInt64, time: UInt64, value: Double,
        expected: MetricsAggregator.CumulativeStep
    ) {
        var state = SeriesState()
        state.start = stateStart
        state.time = stateTime
        state.value = stateValue
        #expect(MetricsAggregator.cumulativeStep(state: state, start: start, time: time, value: value, count: 0) == expected)
        #expect(
            MetricsAggregator.cumulativeStep(state: nil, start: start, time: time, value: value, count: 0) == .delta(value, 0))
    }
}
