import Foundation
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// A user who sends both metrics and logs must not have anything counted twice: each doubly
/// reported figure is published from exactly one source, the other stays under `raw`.
@Suite("Source precedence (no double counting)")
struct PrecedenceTests {
    @Test("metrics-delta plus logs: tokens and cost from the metrics only, in either order", arguments: [true, false])
    func metricsAndLogs(metricsFirst: Bool) throws {
        let metrics = try Fixtures.metrics("metrics-delta.pb")
        let logs = try Fixtures.logs("logs.pb")
        var document = AggregateDocument(user: testUser)
        if metricsFirst {
            _ = MetricsAggregator().apply(metrics, to: &document, now: fixedNow)
            _ = LogsAggregator().apply(logs, to: &document, now: fixedNow)
        } else {
            _ = LogsAggregator().apply(logs, to: &document, now: fixedNow)
            _ = MetricsAggregator().apply(metrics, to: &document, now: fixedNow)
        }
        let published = try Published(document)
        #expect(published.string("sources", "tokens") == "claude_code.token.usage")
        #expect(published.string("sources", "cost") == "claude_code.cost.usage")
        #expect(published.string("sources", "editDecisions") == "claude_code.code_edit_tool.decision")
        #expect(published.string("sources", "toolCalls") == "tool_result")
        #expect(published.string("sources", "apiRequests") == "api_request")

        // Published: the metric figures, not metric + events (1700, not 1700 + 1710).
        #expect(published.integer("totals", "totalInputTokens") == 1700)
        #expect(published.integer("totals", "totalOutputTokens") == 350)
        #expect(published.integer("totals", "totalCacheReadTokens") == 12000)
        #expect(published.integer("totals", "totalCacheCreationTokens") == 800)
        #expect(isClose(published.number("totals", "totalTokenCostUsd"), 0.0127))
        // Edit decisions from the metric (4 + 1), not plus the 2 tool_decision events.
        #expect(published.integer("totals", "editsAccepted") == 4)
        #expect(published.integer("totals", "editsRejected") == 1)
        #expect(published.integer("totals", "editDecisions") == 5)
        // Figures only the events report.
        #expect(published.integer("totals", "totalToolCalls") == 3)
        #expect(published.integer("totals", "apiRequests") == 3)
        #expect(published.integer("totals", "apiErrors") == 2)
        #expect(published.integer("totals", "totalSessions") == 1)

        // Raw per-source figures of both sources are kept.
        #expect(published.number("totals", "raw", "inputTokens@claude_code.token.usage") == 1700)
        #expect(published.number("totals", "raw", "inputTokens@api_request") == 1710)
        #expect(published.number("totals", "raw", "outputTokens@api_request") == 355)
        #expect(isClose(published.number("totals", "raw", "costUsd@claude_code.cost.usage"), 0.0127))
        #expect(isClose(published.number("totals", "raw", "costUsd@api_request"), 0.0137))
        #expect(published.number("totals", "raw", "editsAccepted@tool_decision") == 1)
        #expect(published.number("totals", "raw", "editsAccepted@claude_code.code_edit_tool.decision") == 4)

        // The same choice for every day and every model.
        #expect(published.integer("days", Scenario.day, "totalInputTokens") == 1700)
        #expect(published.integer("models", Scenario.sonnet, "inputTokens") == 1500)
        #expect(isClose(published.number("models", Scenario.sonnet, "costUsd"), 0.0123))
        #expect(published.number("models", Scenario.sonnet, "raw", "inputTokens@api_request") == 1510)
        #expect(published.integer("models", Scenario.sonnet, "apiRequests") == 2)
        #expect(published.integer("models", Scenario.haiku, "inputTokens") == 200)
        // Per tool: edit tools from the metric, and tool calls from the events.
        #expect(published.integer("tools", "Edit", "accepts") == 4)
        #expect(published.integer("tools", "Edit", "calls") == 1)
        #expect(published.integer("tools", "Write", "rejects") == 1)
        #expect(published.integer("tools", "Bash", "calls") == 2)
        #expect(published.integer("tools", "Bash", "failures") == 1)
    }

    @Test("logs first then metrics gives exactly the same published figures as metrics first")
    func orderIndependence() throws {
        let metrics = try Fixtures.metrics("metrics-delta.json")
        let logs = try Fixtures.logs("logs.json")
        let a = try Published(aggregate(metrics: [metrics], logs: [logs]))
        var document = AggregateDocument(user: testUser)
        _ = LogsAggregator().apply(logs, to: &document, now: fixedNow)
        _ = MetricsAggregator().apply(metrics, to: &document, now: fixedNow)
        let b = try Published(document)
        for section in ["totals", "days", "models", "tools", "events", "sources"] {
            #expect(
                NSDictionary(dictionary: a.object(section) ?? [:]) == NSDictionary(dictionary: b.object(section) ?? [:]),
                "section \(section)")
        }
    }

    @Test("tool calls: claude_code.tool.usage wins over tool_result events")
    func toolCallsFromMetric() throws {
        let published = try Published(
            aggregate(
                metrics: [try Fixtures.metrics("metrics-kinds.pb")],
                logs: [try Fixtures.logs("logs.pb")]))
        #expect(published.string("sources", "toolCalls") == "claude_code.tool.usage")
        #expect(published.integer("totals", "totalToolCalls") == 4 + 6)
        #expect(published.number("totals", "raw", "toolCalls@tool_result") == 3)
        #expect(published.integer("tools", "Bash", "calls") == 4)
        #expect(published.integer("tools", "Read", "calls") == 6)
        // Failures are only reported by events.
        #expect(published.integer("tools", "Bash", "failures") == 1)
        // API requests: the operation-duration histogram count wins over the 3 events.
        #expect(published.string("sources", "apiRequests") == "gen_ai.client.operation.duration")
        #expect(published.integer("totals", "apiRequests") == 2)
    }

    @Test("gen_ai.client.token.usage supplies tokens only when claude_code.token.usage is absent")
    func genAITokens() throws {
        let kinds = try Fixtures.metrics("metrics-kinds.pb")
        let logs = try Fixtures.logs("logs.pb")

        // gen_ai plus events: gen_ai wins for tokens (it has no cache types); cost from events.
        let withLogs = try Published(aggregate(metrics: [kinds], logs: [logs]))
        #expect(withLogs.string("sources", "tokens") == "gen_ai.client.token.usage")
        #expect(withLogs.integer("totals", "totalInputTokens") == 700)
        #expect(withLogs.integer("totals", "totalOutputTokens") == 90)
        #expect(withLogs.integer("totals", "totalCacheReadTokens") == 0)
        #expect(withLogs.string("sources", "cost") == "api_request")
        #expect(isClose(withLogs.number("totals", "totalTokenCostUsd"), 0.0137))

        // gen_ai plus claude_code.token.usage: the Claude Code metric wins, in either order.
        for metrics in [[kinds, try Fixtures.metrics("metrics-delta.pb")], [try Fixtures.metrics("metrics-delta.pb"), kinds]] {
            let both = try Published(aggregate(metrics: metrics))
            #expect(both.string("sources", "tokens") == "claude_code.token.usage")
            #expect(both.integer("totals", "totalInputTokens") == 1700)
            #expect(both.integer("totals", "totalOutputTokens") == 350)
            #expect(both.number("totals", "raw", "inputTokens@gen_ai.client.token.usage") == 700)
            #expect(both.integer("models", Scenario.sonnet, "inputTokens") == 1500)
        }
    }

    @Test("the selection follows the metrics a user has sent")
    func selectionRule() {
        let none = SourceSelection(metricsSeen: [])
        #expect(none.tokens == .events && none.cost == .events && none.toolCalls == .events)
        #expect(none.apiRequests == .events && none.editDecisions == .events)
        let genAI = SourceSelection(metricsSeen: [MetricName.genAITokenUsage])
        #expect(genAI.tokens == .genAIMetric)
        let both = SourceSelection(metricsSeen: [MetricName.genAITokenUsage, MetricName.tokenUsage])
        #expect(both.tokens == .tokenMetric)
        #expect(both.cost == .events)
        let cost = SourceSelection(metricsSeen: [MetricName.costUsage])
        #expect(cost.cost == .metric && cost.tokens == .events)
        #expect(SourceSelection(metricsSeen: [MetricName.toolUsage]).toolCalls == .metric)
        #expect(SourceSelection(metricsSeen: [MetricName.codeEditToolDecision]).editDecisions == .metric)
        #expect(SourceSelection(metricsSeen: [MetricName.genAIOperationDuration]).apiRequests == .metric)
        #expect(
            none.names == [
                "tokens": "api_request", "cost": "api_request", "apiRequests": "api_request",
                "toolCalls": "tool_result", "editDecisions": "tool_decision",
            ])
    }

    @Test("a metric counts as sent only once one of its points was applied")
    func rejectedPointsDoNotSwitchSource() throws {
        // A token metric whose only point is rejected must not hide the event figures.
        let bad = metricsRequest([sumMetric(MetricName.tokenUsage, [numberPoint([kv("type", "bogus")], 5)])])
        let published = try Published(aggregate(metrics: [bad], logs: [try Fixtures.logs("logs.pb")]))
        #expect(published.string("sources", "tokens") == "api_request")
        #expect(published.integer("totals", "totalInputTokens") == 1710)
    }
}
