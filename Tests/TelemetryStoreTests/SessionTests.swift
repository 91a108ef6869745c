import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Sessions: per session.id figures, first and last seen, models; the most recent kept")
struct SessionTests {
    /// An api_request event of `session` (in place of the scenario's own session.id).
    static func request(_ session: String, at seconds: UInt64, cost: Double, model: String = Scenario.sonnet) -> OTLPLogRecord {
        var record = eventRecord(
            "api_request",
            [
                kv("model", model), kv("request_id", "\(session)-\(seconds)"), kv("input_tokens", int: 10),
                kv("cost_usd", double: cost),
            ], time: Scenario.at(seconds))
        record.attributes = record.attributes.filter { $0.key != "session.id" } + [kv("session.id", session)]
        return record
    }

    static func withoutSession(_ record: OTLPLogRecord) -> OTLPLogRecord {
        var copy = record
        copy.attributes = record.attributes.filter { $0.key != "session.id" }
        return copy
    }

    @Test("figures, times and models per session; records without session.id count in totals only")
    func perSession() throws {
        var document = AggregateDocument(user: testUser)
        let records = [
            Self.request("s1", at: 0, cost: 0.5), Self.request("s1", at: 600, cost: 0.25, model: Scenario.haiku),
            Self.request("s2", at: 300, cost: 1),
            Self.withoutSession(
                eventRecord(
                    "api_request", [kv("model", "m"), kv("request_id", "x"), kv("cost_usd", double: 2)], time: Scenario.at(5))),
        ]
        let report = LogsAggregator().apply(logsRequest(records), to: &document, now: fixedNow)
        #expect(report.applied == 4)
        let s1 = try #require(document.sessions["s1"])
        #expect(s1.figures[.costFromEvents] == 0.75)
        #expect(s1.figures[.inputTokensFromEvents] == 20)
        #expect(s1.figures[.apiRequestsFromEvents] == 2)
        #expect(s1.firstSeen == Scenario.t0 / Scenario.nanosPerSecond)
        #expect(s1.lastSeen == Scenario.t0 / Scenario.nanosPerSecond + 600)
        #expect(s1.models == [Scenario.haiku, Scenario.sonnet])
        #expect(document.sessions.keys.sorted() == ["s1", "s2"])
        #expect(document.totals[.costFromEvents] == 3.75)
        // The sessions round-trip through aggregate.json.
        let decoded = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded.sessions == document.sessions)
    }

    @Test("beyond the bound, the session seen least recently is dropped; an older newcomer is not kept")
    func bounded() {
        var limits = AggregationLimits()
        limits.sessions = 2
        var document = AggregateDocument(user: testUser, limits: limits)
        let aggregator = LogsAggregator(limits: limits)
        _ = aggregator.apply(
            logsRequest([
                Self.request("a", at: 100, cost: 1), Self.request("b", at: 200, cost: 1), Self.request("c", at: 300, cost: 1),
            ]),
            to: &document, now: fixedNow)
        #expect(document.sessions.keys.sorted() == ["b", "c"])
        _ = aggregator.apply(logsRequest([Self.request("old", at: 50, cost: 1)]), to: &document, now: fixedNow)
        #expect(document.sessions.keys.sorted() == ["b", "c"])
        #expect(document.totals[.costFromEvents] == 4)
    }
}
