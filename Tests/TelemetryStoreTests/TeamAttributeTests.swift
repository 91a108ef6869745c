import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Team attributes")
struct TeamAttributeTests {
    func limits(_ keys: [String]) -> AggregationLimits {
        var limits = AggregationLimits()
        limits.teamAttributeKeys = keys
        return limits
    }

    func tokens(_ input: Double, own: [OTLPKeyValue], resource: [OTLPKeyValue], time: UInt64) -> MetricsRequest {
        var request = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [
                    numberPoint(
                        [kv("type", "input"), kv("model", Scenario.sonnet)] + own, input, start: time - 1_000, time: time)
                ])
        ])
        request.resourceMetrics[0].resource.attributes += resource
        return request
    }

    @Test("the point's value wins over the resource's; the last value seen is kept; unconfigured keys are not")
    func lastValue() throws {
        let user = UserID.random()
        let limits = limits(["department", "team.id"])
        var document = AggregateDocument(user: user, limits: limits)
        let aggregator = MetricsAggregator(limits: limits)
        _ = aggregator.apply(
            tokens(
                1, own: [kv("department", "platform")],
                resource: [kv("department", "ignored"), kv("team.id", "t1"), kv("cost_center", "c9")],
                time: Scenario.t1), to: &document, now: .now())
        #expect(document.attributes == ["department": "platform", "team.id": "t1"])
        _ = aggregator.apply(
            tokens(1, own: [], resource: [kv("department", "web")], time: Scenario.t1 + 10_000),
            to: &document, now: .now())
        #expect(document.attributes == ["department": "web", "team.id": "t1"])

        // Logs too, and numbers are kept as text.
        _ = LogsAggregator(limits: limits).apply(
            logsRequest([eventRecord("user_prompt", [kv("team.id", int: 42)], time: Scenario.t1)]), to: &document, now: .now())
        #expect(document.attributes == ["department": "web", "team.id": "42"])

        let decoded = try AggregateCoding.decode(AggregateCoding.encode(document), expectedUser: user, limits: limits)
        #expect(decoded.attributes == document.attributes)
        #expect(decoded == document)
    }

    @Test("values are cut to 128 bytes; nothing is kept without configured keys; the file has no attributes then")
    func bounds() throws {
        let user = UserID.random()
        var document = AggregateDocument(user: user, limits: limits(["department"]))
        _ = MetricsAggregator(limits: limits(["department"])).apply(
            tokens(1, own: [kv("department", String(repeating: "é", count: 100))], resource: [], time: Scenario.t1),
            to: &document, now: .now())
        #expect(document.attributes["department"]?.utf8.count == 128)

        var plain = AggregateDocument(user: user)
        _ = MetricsAggregator().apply(
            tokens(1, own: [kv("department", "x")], resource: [], time: Scenario.t1),
            to: &plain, now: .now())
        #expect(plain.attributes.isEmpty)
        #expect(!String(decoding: AggregateCoding.encode(plain), as: UTF8.self).contains("\"attributes\""))
    }

    @Test("--team-attributes: comma-separated keys, at most 16, no empty or spaced keys")
    func setting() throws {
        func parse(_ text: String?) throws -> [String] {
            var environment = ["CLAUDE_TELEMETRY_DATA_DIR": "/tmp/x"]
            if let text { environment["CLAUDE_TELEMETRY_TEAM_ATTRIBUTES"] = text }
            return try RuntimeSettings(flags: [:], environment: environment).limits.teamAttributeKeys
        }
        #expect(try parse(nil) == [])
        #expect(try parse("department, team.id,department") == ["department", "team.id"])
        #expect(
            try RuntimeSettings(flags: ["data-dir": "/tmp/x", "team-attributes": "a"], environment: [:])
                .limits.teamAttributeKeys == ["a"])
        #expect(throws: SettingsError.self) { try parse("a,,b") }
        #expect(throws: SettingsError.self) { try parse("a b") }
        #expect(throws: SettingsError.self) { try parse((1...17).map { "k\($0)" }.joined(separator: ",")) }
        #expect(try parse((1...16).map { "k\($0)" }.joined(separator: ",")).count == 16)
    }
}
