import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Aggregating Claude Code log events")
struct LogsAggregationTests {
    @Test("every record is applied and counted by event name", arguments: ["logs.pb", "logs.json", "logs.pb.gz", "logs.json.gz"])
    func eventCounts(file: String) throws {
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(try Fixtures.logs(file), to: &document, now: fixedNow)
        #expect(report.applied == 13)
        #expect(report.rejected == 0)
        #expect(report.duplicates == 0)
        #expect(report.reasons.isEmpty)
        // Record 13's name is only in LogRecord.event_name.
        #expect(
            document.events == [
                "api_request": 3, "api_error": 2, "tool_result": 3, "tool_decision": 2, "user_prompt": 2, "compaction": 1,
            ])
        #expect(document.received.logRequests == 1)
        #expect(document.received.logRecordsApplied == 13)
        #expect(document.received.metricRequests == 0)
        #expect(document.metricsSeen.isEmpty)
        #expect(document.updatedAt == fixedNow.iso8601)
    }

    @Test("a user with only logs: tokens and cost from api_request events (string and number forms)")
    func tokensFromEvents() throws {
        let published = try Published(aggregate(logs: [try Fixtures.logs("logs.pb")]))
        #expect(published.string("sources", "tokens") == "api_request")
        #expect(published.string("sources", "cost") == "api_request")
        #expect(published.integer("totals", "totalInputTokens") == 1500 + 200 + 10)
        #expect(published.integer("totals", "totalOutputTokens") == 300 + 50 + 5)
        #expect(published.integer("totals", "totalCacheReadTokens") == 12000)
        #expect(published.integer("totals", "totalCacheCreationTokens") == 800)
        #expect(isClose(published.number("totals", "totalTokenCostUsd"), 0.0123 + 0.0004 + 0.001))
        #expect(isClose(published.number("totals", "totalTokenCostUsd"), 0.0137))
        #expect(published.integer("totals", "apiRequests") == 3)
        #expect(published.integer("totals", "apiErrors") == 2)
        #expect(published.integer("totals", "totalSessions") == 0)
        #expect(published.integer("totals", "totalLinesAdded") == 0)
        #expect(published.number("totals", "totalMinutes") == 0)
    }

    @Test("models from api_request and api_error events")
    func models() throws {
        let published = try Published(aggregate(logs: [try Fixtures.logs("logs.json")]))
        #expect(published.keys("models") == [Scenario.sonnet, Scenario.haiku])
        let s = Scenario.sonnet
        #expect(published.integer("models", s, "inputTokens") == 1510)
        #expect(published.integer("models", s, "outputTokens") == 305)
        #expect(published.integer("models", s, "cacheReadTokens") == 12000)
        #expect(published.integer("models", s, "cacheCreationTokens") == 800)
        #expect(isClose(published.number("models", s, "costUsd"), 0.0123 + 0.001))
        #expect(published.integer("models", s, "apiRequests") == 2)
        #expect(published.integer("models", s, "apiErrors") == 2)
        let h = Scenario.haiku
        #expect(published.integer("models", h, "inputTokens") == 200)
        #expect(published.integer("models", h, "outputTokens") == 50)
        // cost_usd wins over cost_usd_micros when both are present (0.0004 either way).
        #expect(isClose(published.number("models", h, "costUsd"), 0.0004))
        #expect(published.integer("models", h, "apiRequests") == 1)
        #expect(published.integer("models", h, "apiErrors") == 0)
    }

    @Test("tool calls and failures from tool_result, decisions from tool_decision")
    func tools() throws {
        let published = try Published(aggregate(logs: [try Fixtures.logs("logs.pb")]))
        #expect(published.string("sources", "toolCalls") == "tool_result")
        #expect(published.string("sources", "editDecisions") == "tool_decision")
        #expect(published.integer("totals", "totalToolCalls") == 3)
        #expect(published.keys("tools") == ["Bash", "Edit", "Write"])
        #expect(published.integer("tools", "Bash", "calls") == 2)
        // success "true" (string) is not a failure, success false (bool) is.
        #expect(published.integer("tools", "Bash", "failures") == 1)
        #expect(published.integer("tools", "Edit", "calls") == 1)
        #expect(published.integer("tools", "Edit", "failures") == 0)
        #expect(published.integer("tools", "Edit", "accepts") == 1)
        #expect(published.integer("tools", "Write", "rejects") == 1)
        #expect(published.integer("tools", "Write", "calls") == 0)
        #expect(published.integer("totals", "editsAccepted") == 1)
        #expect(published.integer("totals", "editsRejected") == 1)
        #expect(published.integer("totals", "editDecisions") == 2)
    }

    @Test("everything from the logs fixture lands on 2026-11-24")
    func day() throws {
        let published = try Published(aggregate(logs: [try Fixtures.logs("logs.pb")]))
        #expect(published.keys("days") == [Scenario.day])
        #expect(published.integer("days", Scenario.day, "totalInputTokens") == 1710)
        #expect(published.integer("days", Scenario.day, "totalToolCalls") == 3)
    }

    @Test("the opted-in prompt text is stored nowhere", arguments: ["logs.pb", "logs.json"])
    func promptNotStored(file: String) throws {
        let document = aggregate(logs: [try Fixtures.logs(file)])
        let bytes = AggregateCoding.encode(document)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("secret text here!"))
        #expect(!text.contains("secret"))
        #expect(!text.contains("REDACTED"))
        #expect(!text.contains("dev@example.com"))
        // Not even in the base64 bookkeeping: the encoded document does not contain the bytes.
        #expect(bytes.firstRange(of: Array("secret text here!".utf8)) == nil)
        #expect(document.events["user_prompt"] == 2)
    }

    @Test("cost_usd_micros is used when cost_usd is absent")
    func costMicros() throws {
        let record = eventRecord(
            "api_request",
            [
                kv("model", "m"), kv("cost_usd_micros", int: 2500), kv("input_tokens", int: 1), kv("request_id", "r1"),
            ], time: Scenario.t0)
        let document = aggregate(logs: [logsRequest([record])])
        #expect(isClose(document.totals[.costFromEvents], 0.0025))
        #expect(document.models["m"]?[.costFromEvents] == 0.0025)
    }

    @Test("an event name is read from the body when there is neither event_name nor event.name")
    func nameFromBody() throws {
        var record = eventRecord("tool_result", [kv("tool_name", "Grep")], time: Scenario.t0)
        record.attributes.removeFirst()  // event.name
        var fromField = eventRecord("ignored", [], time: Scenario.t0 + 1)
        fromField.attributes.removeFirst()
        fromField.body = OTLPAnyValue()
        fromField.eventName = "claude_code.api_error"
        var nameless = OTLPLogRecord()
        nameless.timeUnixNano = Scenario.t0 + 2
        nameless.body = anyValue("some free text")
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(logsRequest([record, fromField, nameless]), to: &document, now: fixedNow)
        #expect(report.applied == 3)
        #expect(document.events == ["tool_result": 1, "api_error": 1, "(no event name)": 1])
        #expect(document.tools["Grep"]?[.toolCallsFromEvents] == 1)
        #expect(document.totals[.apiErrors] == 1)
    }

    @Test("a tool_decision for a non-edit tool counts for the tool only")
    func nonEditDecision() throws {
        let record = eventRecord("tool_decision", [kv("tool_name", "Bash"), kv("decision", "accept")], time: Scenario.t0)
        let published = try Published(aggregate(logs: [logsRequest([record])]))
        #expect(published.integer("tools", "Bash", "accepts") == 1)
        #expect(published.integer("totals", "editsAccepted") == 0)
        #expect(published.integer("totals", "editDecisions") == 0)
    }

    @Test("a record without a time is filed under the day of `now`; observed time is used when time is 0")
    func recordTimes() throws {
        var untimed = eventRecord("api_error", [kv("model", "m")], time: 0)
        untimed.observedTimeUnixNano = 0
        var observed = eventRecord("api_error", [kv("model", "m")], time: 0)
        observed.observedTimeUnixNano = Scenario.t0
        let document = aggregate(logs: [logsRequest([untimed, observed])])
        #expect(document.days[fixedNow.day]?[.apiErrors] == 1)
        #expect(document.days[Scenario.day]?[.apiErrors] == 1)
        #expect(document.totals[.apiErrors] == 2)
    }
}
