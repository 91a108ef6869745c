import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// Nothing a sender does can make a user's document grow without bound.
@Suite("Bounds on the document")
struct BoundsTests {
    @Test("1000 distinct model names: at most `models` entries, \"(other)\" absorbs the rest, totals exact")
    func models() throws {
        let limits = AggregationLimits()
        let points = (0..<1000).map { numberPoint([kv("type", "input"), kv("model", "model-\($0)")], Double($0 + 1)) }
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(
            metricsRequest([sumMetric(MetricName.tokenUsage, points)]), to: &document, now: fixedNow)
        #expect(report.applied == 1000)
        #expect(document.models.count == limits.models)
        #expect(document.models.count <= 200)
        let other = try #require(document.models[AggregationLimits.overflowName])
        // The first limit - 1 names keep their own entry, in arrival order.
        let named = limits.models - 1
        #expect(document.models["model-0"]?[.inputTokensFromTokenMetric] == 1)
        #expect(document.models["model-\(named - 1)"] != nil)
        #expect(document.models["model-\(named)"] == nil)
        #expect(document.models["model-999"] == nil)
        // 1 + 2 + ... + 1000, of which 1 + ... + 199 are named.
        let total = 1000.0 * 1001 / 2
        let namedTotal = Double(named * (named + 1) / 2)
        #expect(other[.inputTokensFromTokenMetric] == total - namedTotal)
        #expect(document.totals[.inputTokensFromTokenMetric] == total)
        let sumOverModels = document.models.values.reduce(0) { $0 + $1[.inputTokensFromTokenMetric] }
        #expect(sumOverModels == total)
        let published = try Published(document)
        #expect(published.integer("totals", "totalInputTokens") == 500_500)
        #expect(published.keys("models").count == 200)
        #expect(published.integer("models", "(other)", "inputTokens") == 500_500 - 19_900)
    }

    @Test("tool and event names are bounded the same way")
    func toolsAndEvents() throws {
        var limits = AggregationLimits()
        limits.tools = 5
        limits.eventNames = 4
        let records =
            (0..<20).map { eventRecord("tool_result", [kv("tool_name", "tool-\($0)")], time: Scenario.at(UInt64($0))) }
            + (0..<10).map { eventRecord("custom_\($0)", [], time: Scenario.at(UInt64(100 + $0))) }
        let document = aggregate(logs: [logsRequest(records)], limits: limits)
        #expect(document.tools.count == 5)
        #expect(document.tools["(other)"]?[.toolCallsFromEvents] == 16)
        #expect(document.totals[.toolCallsFromEvents] == 20)
        #expect(document.events.count == 4)
        #expect(document.events["tool_result"] == 20)
        #expect(document.events["(other)"] == 8)
        #expect(document.events.values.reduce(0, +) == 30)
    }

    @Test("days: the oldest day is dropped, totals keep everything")
    func days() throws {
        var limits = AggregationLimits()
        limits.days = 3
        let day = 86_400 * Scenario.nanosPerSecond
        let batches = (0..<5).map { index in
            metricsRequest([
                sumMetric(
                    MetricName.commitCount,
                    [
                        numberPoint(
                            [], Double(index + 1), start: Scenario.t0 + UInt64(index) * day,
                            time: Scenario.t1 + UInt64(index) * day)
                    ])
            ])
        }
        // Received after every point below: days more than a day after receipt go to the receive day.
        let now = Timestamp(nanoseconds: Scenario.t1 + 11 * day)
        var document = AggregateDocument(user: testUser, limits: limits)
        for batch in batches { _ = MetricsAggregator(limits: limits).apply(batch, to: &document, now: now) }
        #expect(Set(document.days.keys) == ["2026-11-26", "2026-11-27", "2026-11-28"])
        #expect(document.days["2026-11-28"]?[.commits] == 5)
        #expect(document.totals[.commits] == 15)
        // A day older than every kept one, with the map full: counted in the totals only.
        let late = metricsRequest([
            sumMetric(
                MetricName.commitCount,
                [numberPoint([], 100, start: Scenario.t0 - day, time: Scenario.t1 - day)])
        ])
        _ = MetricsAggregator(limits: limits).apply(late, to: &document, now: now)
        #expect(Set(document.days.keys) == ["2026-11-26", "2026-11-27", "2026-11-28"])
        #expect(document.totals[.commits] == 115)
        // A day between kept ones while full replaces the oldest.
        let fresh = metricsRequest([
            sumMetric(
                MetricName.commitCount,
                [numberPoint([], 1000, start: Scenario.t0 + 10 * day, time: Scenario.t1 + 10 * day)])
        ])
        _ = MetricsAggregator(limits: limits).apply(fresh, to: &document, now: now)
        #expect(Set(document.days.keys) == ["2026-11-27", "2026-11-28", "2026-12-04"])
        #expect(document.totals[.commits] == 1115)
        let published = try Published(document)
        #expect(published.keys("days").count == 3)
        #expect(published.integer("totals", "aiAssistedCommits") == 1115)
    }

    @Test("series: the least recently seen series is forgotten first")
    func series() throws {
        var limits = AggregationLimits()
        limits.series = 4
        func cumulative(_ model: String, _ value: Double, time: UInt64) -> MetricsRequest {
            metricsRequest([
                sumMetric(
                    MetricName.tokenUsage,
                    [numberPoint([kv("type", "input"), kv("model", model)], value, time: time)],
                    temporality: .cumulative)
            ])
        }
        var document = AggregateDocument(user: testUser, limits: limits)
        let aggregator = MetricsAggregator(limits: limits)
        for index in 0..<6 {
            _ = aggregator.apply(cumulative("m\(index)", 10, time: Scenario.at(60)), to: &document, now: fixedNow)
        }
        #expect(document.rememberedSeries == 4)
        #expect(document.totals[.inputTokensFromTokenMetric] == 60)
        // m5 is remembered: its next reading adds only the increase.
        _ = aggregator.apply(cumulative("m5", 15, time: Scenario.at(120)), to: &document, now: fixedNow)
        #expect(document.totals[.inputTokensFromTokenMetric] == 65)
        // m0 was forgotten: its running total counts again in full (the documented cost of the bound).
        _ = aggregator.apply(cumulative("m0", 12, time: Scenario.at(120)), to: &document, now: fixedNow)
        #expect(document.totals[.inputTokensFromTokenMetric] == 77)
        #expect(document.rememberedSeries == 4)
        // The bound holds after a round trip too.
        let restored = try AggregateCoding.decode(AggregateCoding.encode(document), expectedUser: testUser, limits: limits)
        #expect(restored.rememberedSeries == 4)
        #expect(restored == document)
    }

    @Test("replay windows are bounded: recent records")
    func recentRecords() throws {
        var limits = AggregationLimits()
        limits.recentRecords = 5
        let records = (0..<8).map { eventRecord("compaction", [], time: Scenario.at(UInt64($0))) }
        var document = aggregate(logs: [logsRequest(records)], limits: limits)
        #expect(document.recentRecords.count == 5)
        // The last five are recognised ...
        let recent = LogsAggregator(limits: limits).apply(logsRequest(Array(records[3...])), to: &document, now: fixedNow)
        #expect(recent.duplicates == 5)
        #expect(recent.applied == 0)
        // ... the first three were forgotten and count again (the documented cost of the bound).
        let old = LogsAggregator(limits: limits).apply(logsRequest(Array(records[..<3])), to: &document, now: fixedNow)
        #expect(old.duplicates == 0)
        #expect(old.applied == 3)
        #expect(document.events["compaction"] == 11)
        let restored = try AggregateCoding.decode(AggregateCoding.encode(document), expectedUser: testUser, limits: limits)
        #expect(restored.recentRecords.count == 5)
    }

    @Test("names longer than 128 bytes are cut at a character boundary")
    func longNames() throws {
        let limits = AggregationLimits()
        #expect(limits.nameBytes == 128)
        let ascii = String(repeating: "a", count: 300)
        let accented = String(repeating: "é", count: 100)  // 2 bytes each
        let mixed = "x" + String(repeating: "€", count: 60)  // 1 + 3 bytes each
        let request = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [
                    numberPoint([kv("type", "input"), kv("model", ascii)], 1),
                    numberPoint([kv("type", "input"), kv("model", ascii + "b")], 2),
                    numberPoint([kv("type", "input"), kv("model", accented)], 3),
                    numberPoint([kv("type", "input"), kv("model", mixed)], 4),
                ])
        ])
        let document = aggregate(metrics: [request])
        let keys = Set(document.models.keys)
        #expect(keys.count == 3)
        #expect(keys.allSatisfy { $0.utf8.count <= 128 })
        #expect(document.models[String(repeating: "a", count: 128)]?[.inputTokensFromTokenMetric] == 3)
        #expect(document.models[String(repeating: "é", count: 64)]?[.inputTokensFromTokenMetric] == 3)
        // 1 + 42 * 3 = 127 bytes; one more euro sign would be 130.
        #expect(document.models["x" + String(repeating: "€", count: 42)]?[.inputTokensFromTokenMetric] == 4)
        let published = try Published(document)
        #expect(published.keys("models") == keys)
    }

    @Test("a long tool or event name is cut too; an empty one becomes \"unknown\"")
    func longAndEmptyNames() {
        let long = String(repeating: "T", count: 500)
        let records = [
            eventRecord("tool_result", [kv("tool_name", long)], time: Scenario.at(1)),
            eventRecord(String(repeating: "e", count: 200), [], time: Scenario.at(2)),
            eventRecord("tool_result", [kv("tool_name", "")], time: Scenario.at(3)),
        ]
        let document = aggregate(logs: [logsRequest(records)])
        #expect(document.tools[String(repeating: "T", count: 128)]?[.toolCallsFromEvents] == 1)
        #expect(document.events[String(repeating: "e", count: 128)] == 1)
        #expect(document.tools["unknown"]?[.toolCallsFromEvents] == 1)
    }

    @Test(
        "the truncation helper",
        arguments: [
            ("abc", 2, "ab"), ("abc", 3, "abc"), ("ééé", 5, "éé"), ("ééé", 1, ""), ("", 4, ""), ("👍🏽x", 8, "👍🏽"), ("👍🏽x", 7, ""),
        ])
    func truncation(text: String, limit: Int, expected: String) {
        #expect(AggregateDocument.truncated(text, toUTF8Bytes: limit) == expected)
    }
}

@Suite("Idle replay state is forgotten")
struct IdleStateTests {
    @Test("log-record digests older than the replay window are dropped; younger ones still catch replays")
    func recordWindowByAge() {
        var document = AggregateDocument(user: testUser)
        let aggregator = LogsAggregator()
        let first = logsRequest([eventRecord("compaction", [], time: Scenario.at(1))])
        let second = logsRequest([eventRecord("compaction", [], time: Scenario.at(2))])
        _ = aggregator.apply(first, to: &document, now: Timestamp(seconds: 1_000_000))
        _ = aggregator.apply(second, to: &document, now: Timestamp(seconds: 1_000_000 + 3000))
        #expect(document.recentRecords.count == 2)
        // 3601 s after the first: the first digest is gone, the second (601 s old) is kept.
        let replay = aggregator.apply(second, to: &document, now: Timestamp(seconds: 1_000_000 + 3601))
        #expect(replay.duplicates == 1)
        #expect(document.recentRecords.count == 1)
    }

    @Test("delta series are forgotten after the replay window, cumulative ones after a week")
    func seriesByAge() {
        var document = AggregateDocument(user: testUser)
        let aggregator = MetricsAggregator()
        let attributes = [kv("type", "input"), kv("model", Scenario.sonnet)]
        let delta = metricsRequest([sumMetric(MetricName.tokenUsage, [numberPoint(attributes, 5)])])
        let cumulative = metricsRequest([sumMetric(MetricName.commitCount, [numberPoint([], 2)], temporality: .cumulative)])
        let start: UInt64 = 1_800_000_000
        _ = aggregator.apply(delta, to: &document, now: Timestamp(seconds: start))
        _ = aggregator.apply(cumulative, to: &document, now: Timestamp(seconds: start))
        #expect(document.rememberedSeries == 2)
        let later = metricsRequest([sumMetric(MetricName.pullRequestCount, [numberPoint([], 1)])])
        _ = aggregator.apply(later, to: &document, now: Timestamp(seconds: start + 3601))
        #expect(document.rememberedSeries == 2)  // the cumulative one and the new delta one
        _ = aggregator.apply(
            metricsRequest([sumMetric(MetricName.pullRequestCount, [numberPoint([], 1, time: Scenario.at(600))])]),
            to: &document, now: Timestamp(seconds: start + 8 * 86_400))
        #expect(document.rememberedSeries == 1)
    }
}
