import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Aggregating metrics-delta and metrics-kinds")
struct MetricsAggregationTests {
    static let eightMetrics: Set<String> = [
        "claude_code.session.count", "claude_code.token.usage", "claude_code.cost.usage",
        "claude_code.lines_of_code.count", "claude_code.commit.count", "claude_code.pull_request.count",
        "claude_code.code_edit_tool.decision", "claude_code.active_time.total",
    ]

    @Test(
        "metrics-delta: the report counts every point as applied",
        arguments: [
            "metrics-delta.pb", "metrics-delta.json", "metrics-delta.pb.gz", "metrics-delta.json.gz",
        ])
    func report(file: String) throws {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(try Fixtures.metrics(file), to: &document, now: fixedNow)
        // 1 session + 6 token + 2 cost + 2 lines + 1 commit + 1 PR + 3 decisions + 2 active time.
        #expect(report.applied == 18)
        #expect(report.rejected == 0)
        #expect(report.duplicates == 0)
        #expect(report.ignored == 0)
        #expect(report.reasons.isEmpty)
        #expect(report.errorMessage(unit: "data points") == nil)
        #expect(report.changedDocument)
        #expect(document.metricsSeen == Self.eightMetrics)
        #expect(document.received.metricRequests == 1)
        #expect(document.received.dataPointsApplied == 18)
        #expect(document.received.logRequests == 0)
        #expect(document.updatedAt == fixedNow.iso8601)
        #expect(document.rememberedSeries == 18)
        #expect(document.events.isEmpty)
    }

    @Test("metrics-delta: published totals", arguments: ["metrics-delta.pb", "metrics-delta.json.gz"])
    func publishedTotals(file: String) throws {
        let published = try Published(aggregate(metrics: [try Fixtures.metrics(file)]))
        try expectMetricsDeltaTotals(published, path: ["totals"])
    }

    @Test("metrics-delta: the day 2026-11-24 holds the same figures as the totals")
    func publishedDay() throws {
        let published = try Published(aggregate(metrics: [try Fixtures.metrics("metrics-delta.pb")]))
        #expect(published.keys("days") == [Scenario.day])
        try expectMetricsDeltaTotals(published, path: ["days", Scenario.day])
        // The same keys as the totals, and the day's models, which are the models of this one day.
        #expect(published.keys("days", Scenario.day) == published.keys("totals").union(["models"]))
        #expect(published.keys("days", Scenario.day, "models") == published.keys("models"))
        for model in published.keys("models") {
            for field in ["inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens", "costUsd", "apiRequests"] {
                #expect(
                    published.number("days", Scenario.day, "models", model, field) == published.number("models", model, field))
            }
        }
    }

    @Test("metrics-delta: models with their tokens and cost")
    func publishedModels() throws {
        let published = try Published(aggregate(metrics: [try Fixtures.metrics("metrics-delta.pb")]))
        #expect(published.keys("models") == [Scenario.sonnet, Scenario.haiku])
        let s = Scenario.sonnet
        #expect(published.integer("models", s, "inputTokens") == 1500)
        #expect(published.integer("models", s, "outputTokens") == 300)
        #expect(published.integer("models", s, "cacheReadTokens") == 12000)
        #expect(published.integer("models", s, "cacheCreationTokens") == 800)
        #expect(isClose(published.number("models", s, "costUsd"), 0.0123))
        #expect(published.integer("models", s, "apiRequests") == 0)
        let h = Scenario.haiku
        #expect(published.integer("models", h, "inputTokens") == 200)
        #expect(published.integer("models", h, "outputTokens") == 50)
        #expect(published.integer("models", h, "cacheReadTokens") == 0)
        #expect(published.integer("models", h, "cacheCreationTokens") == 0)
        #expect(isClose(published.number("models", h, "costUsd"), 0.0004))
        // Raw per-source figures: only the metric source exists.
        #expect(published.number("models", h, "raw", "inputTokens@claude_code.token.usage") == 200)
        #expect(isClose(published.number("models", h, "raw", "costUsd@claude_code.cost.usage"), 0.0004))
        #expect(published.object("models", h, "raw")?.count == 3)
    }

    @Test("metrics-delta: tools Edit (4 accepts, including the old `tool` attribute) and Write (1 reject)")
    func publishedTools() throws {
        let published = try Published(aggregate(metrics: [try Fixtures.metrics("metrics-delta.pb")]))
        #expect(published.keys("tools") == ["Edit", "Write"])
        #expect(published.integer("tools", "Edit", "accepts") == 4)
        #expect(published.integer("tools", "Edit", "rejects") == 0)
        #expect(published.integer("tools", "Edit", "calls") == 0)
        #expect(published.integer("tools", "Write", "accepts") == 0)
        #expect(published.integer("tools", "Write", "rejects") == 1)
        #expect(published.integer("tools", "Write", "failures") == 0)
    }

    @Test("metrics-delta: sources, schema and bookkeeping in the published document")
    func publishedSources() throws {
        let published = try Published(aggregate(metrics: [try Fixtures.metrics("metrics-delta.pb")]))
        #expect(published.integer("schemaVersion") == 1)
        #expect(published.string("userId") == testUser.rawValue)
        #expect(published.string("updatedAt") == fixedNow.iso8601)
        #expect(published.string("sources", "tokens") == "claude_code.token.usage")
        #expect(published.string("sources", "cost") == "claude_code.cost.usage")
        #expect(published.string("sources", "editDecisions") == "claude_code.code_edit_tool.decision")
        #expect(published.string("sources", "toolCalls") == "tool_result")
        #expect(published.string("sources", "apiRequests") == "api_request")
        #expect(published.integer("received", "dataPointsApplied") == 18)
        #expect(published.integer("received", "metricRequests") == 1)
        #expect((published.value("events") as? [String: Any])?.isEmpty == true)
        #expect((published.value("state", "metricsSeen") as? [String]).map(Set.init) == Self.eightMetrics)
        // 18 series of 57 + 8 bytes each (one recent point), base64.
        let tableBytes = 18 * (SeriesTable.fixedBytes + 8)
        #expect(published.string("state", "series")?.count == (tableBytes + 2) / 3 * 4)
        // The identity attributes of the points are not stored anywhere.
        #expect(!published.text.contains("dev@example.com"))
        #expect(!published.text.contains("org-1"))
    }

    @Test("metrics-kinds: int sums, gen_ai histograms; gauge and exponential histogram ignored")
    func metricsKinds() throws {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(try Fixtures.metrics("metrics-kinds.json"), to: &document, now: fixedNow)
        #expect(report.applied == 5)  // 2 tool.usage + 2 token histogram + 1 duration histogram
        #expect(report.ignored == 2)  // example.gauge, example.exphist
        #expect(report.rejected == 0)
        #expect(document.metricsSeen == [MetricName.toolUsage, MetricName.genAITokenUsage, MetricName.genAIOperationDuration])

        let published = try Published(document)
        #expect(published.string("sources", "tokens") == "gen_ai.client.token.usage")
        #expect(published.string("sources", "apiRequests") == "gen_ai.client.operation.duration")
        #expect(published.string("sources", "toolCalls") == "claude_code.tool.usage")
        #expect(published.string("sources", "cost") == "api_request")
        #expect(published.integer("totals", "totalInputTokens") == 700)
        #expect(published.integer("totals", "totalOutputTokens") == 90)
        #expect(published.integer("totals", "totalCacheReadTokens") == 0)
        #expect(published.integer("totals", "totalCacheCreationTokens") == 0)
        #expect(published.integer("totals", "apiRequests") == 2)
        #expect(published.integer("totals", "totalToolCalls") == 10)
        #expect(published.number("totals", "totalTokenCostUsd") == 0)
        #expect(published.integer("totals", "totalSessions") == 0)
        #expect(published.integer("tools", "Bash", "calls") == 4)
        #expect(published.integer("tools", "Read", "calls") == 6)
        #expect(published.integer("models", Scenario.sonnet, "inputTokens") == 700)
        #expect(published.integer("models", Scenario.sonnet, "outputTokens") == 90)
        #expect(published.integer("models", Scenario.sonnet, "apiRequests") == 2)
        #expect(published.keys("models") == [Scenario.sonnet])
        #expect(published.keys("days") == [Scenario.day])
    }

    @Test("a point without a timestamp is filed under the day of `now`")
    func zeroTimestamp() throws {
        let request = metricsRequest([sumMetric(MetricName.commitCount, [numberPoint([], 3, start: 0, time: 0)])])
        let document = aggregate(metrics: [request])
        #expect(Set(document.days.keys) == [fixedNow.day])
        #expect(document.days[fixedNow.day]?[.commits] == 3)
    }

    @Test("points flagged as having no recorded value are ignored")
    func noRecordedValue() throws {
        var point = numberPoint([], 5)
        point.flags = 1
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(
            metricsRequest([sumMetric(MetricName.commitCount, [point])]),
            to: &document, now: fixedNow)
        #expect(report.ignored == 1)
        #expect(report.applied == 0)
        #expect(document.totals[.commits] == 0)
        #expect(!report.changedDocument)
        #expect(document.updatedAt == nil)
    }

    @Test("the points of one batch spread over several days go to their own days")
    func severalDays() throws {
        let day = 86_400 * Scenario.nanosPerSecond
        let request = metricsRequest([
            sumMetric(
                MetricName.linesOfCode,
                [
                    numberPoint([kv("type", "added")], 5, start: Scenario.t0 - day, time: Scenario.t1 - day),
                    numberPoint([kv("type", "added")], 7),
                ])
        ])
        let published = try Published(aggregate(metrics: [request]))
        #expect(published.integer("totals", "totalLinesAdded") == 12)
        #expect(published.integer("days", "2026-11-23", "totalLinesAdded") == 5)
        #expect(published.integer("days", "2026-11-24", "totalLinesAdded") == 7)
    }

    // MARK: Helpers

    /// The published figures of metrics-delta, worked out from the scenario.
    private func expectMetricsDeltaTotals(_ published: Published, path: [String]) throws {
        let totals = try #require(published.value(path) as? [String: Any])
        func integer(_ key: String) -> Int? {
            guard let number = totals[key] as? NSNumber, number.doubleValue.rounded() == number.doubleValue else { return nil }
            return number.intValue
        }
        func number(_ key: String) -> Double? { (totals[key] as? NSNumber)?.doubleValue }

        #expect(integer("totalSessions") == 1)
        #expect(integer("totalInputTokens") == 1500 + 200)
        #expect(integer("totalOutputTokens") == 300 + 50)
        #expect(integer("totalCacheReadTokens") == 12000)
        #expect(integer("totalCacheCreationTokens") == 800)
        #expect(isClose(number("totalTokenCostUsd"), 0.0123 + 0.0004))
        #expect(isClose(number("totalTokenCostUsd"), 0.0127))
        #expect(integer("totalLinesAdded") == 42)
        #expect(integer("totalLinesRemoved") == 7)
        #expect(isClose(number("totalMinutes"), (90.5 + 29.5) / 60))
        #expect(number("totalMinutes") == 2.0)
        #expect(integer("aiAssistedCommits") == 2)
        #expect(integer("prsCreated") == 1)
        #expect(integer("editsAccepted") == 3 + 1)
        #expect(integer("editsRejected") == 1)
        #expect(integer("editDecisions") == 5)
        #expect(integer("totalToolCalls") == 0)
        #expect(integer("apiRequests") == 0)
        #expect(integer("apiErrors") == 0)
        let raw = try #require(totals["raw"] as? [String: Any])
        #expect((raw["activeSeconds"] as? NSNumber)?.doubleValue == 120)
        #expect((raw["inputTokens@claude_code.token.usage"] as? NSNumber)?.doubleValue == 1700)
        #expect((raw["editsAccepted@claude_code.code_edit_tool.decision"] as? NSNumber)?.doubleValue == 4)
        #expect(raw["inputTokens@api_request"] == nil)
    }
}
