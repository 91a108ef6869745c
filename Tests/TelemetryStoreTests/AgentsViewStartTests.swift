import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// `claude_code.session.count` with `start_type` = `agents_view` is the `claude agents` UI
/// starting, not a conversation: it is counted apart from sessions.
@Suite struct AgentsViewStartTests {
    @Test func agentsViewStartsAreNotSessions() throws {
        let request = metricsRequest([
            sumMetric(
                MetricName.sessionCount,
                [
                    numberPoint([kv("start_type", "fresh")], 2),
                    numberPoint([kv("start_type", "agents_view")], 3),
                    numberPoint([kv("start_type", "resume")], 1),
                    numberPoint([], 4),
                ])
        ])
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(request, to: &document, now: fixedNow)
        #expect(report.applied == 4)
        let published = try Published(bytes: AggregateCoding.encode(document))
        #expect(published.integer("totals", "totalSessions") == 7)
        #expect(published.integer("totals", "agentsViewStarts") == 3)
        #expect(published.integer("days", Scenario.day, "totalSessions") == 7)
        #expect(published.integer("days", Scenario.day, "agentsViewStarts") == 3)
        #expect(published.number("totals", "raw", "agentsViewStarts") == 3)

        let reread = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser,
            limits: AggregationLimits())
        #expect(reread.totals[.agentsViewStarts] == 3)
        #expect(reread.totals[.sessions] == 7)
    }

    @Test func aDocumentWithoutAgentsViewStartsPublishesZero() throws {
        let published = try Published(bytes: AggregateCoding.encode(AggregateDocument(user: testUser)))
        #expect(published.integer("totals", "agentsViewStarts") == 0)
    }
}
