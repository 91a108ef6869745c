import Foundation
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryRead

@Suite struct PrometheusExpositionTests {
    /// Two users: one with tokens of two models, cost, lines and edit decisions; one created
    /// but silent. Returns the fixture and the active user's id.
    static func team() throws -> (TeamFixture, UserID, UserID) {
        let team = try TeamFixture()
        let alice = try team.addUser("Alice \"A\" \\ ops")
        let bob = try team.addUser("bob")
        try team.send(
            alice, metric: "claude_code.token.usage", value: 1200, attributes: ["type": "input", "model": "claude-sonnet-4-5"],
            unit: "tokens")
        try team.send(
            alice, metric: "claude_code.token.usage", value: 300, attributes: ["type": "output", "model": "claude-sonnet-4-5"],
            unit: "tokens")
        try team.send(
            alice, metric: "claude_code.token.usage", value: 5000,
            attributes: ["type": "cacheRead", "model": "claude-haiku-4-5"], unit: "tokens")
        try team.send(
            alice, metric: "claude_code.cost.usage", value: 0.25, attributes: ["model": "claude-sonnet-4-5"], unit: "USD")
        try team.send(alice, metric: "claude_code.lines_of_code.count", value: 42, attributes: ["type": "added"])
        try team.send(
            alice, metric: "claude_code.code_edit_tool.decision", value: 3,
            attributes: ["decision": "accept", "tool_name": "Edit", "language": "Swift"])
        try team.send(alice, metric: "claude_code.active_time.total", value: 90.5, attributes: ["type": "cli"], unit: "s")
        return (team, alice, bob)
    }

    @Test func prometheusTextCarriesCollectorNamesAndExactValues() throws {
        let (team, alice, bob) = try Self.team()
        defer { team.remove() }
        let text = String(
            decoding: PrometheusExposition.render(try StoredUsers.load(team.directory), format: .prometheus), as: UTF8.self)
        let a = alice.rawValue
        #expect(text.contains("# TYPE claude_code_token_usage_tokens_total counter\n"))
        #expect(
            text.contains(
                "claude_code_token_usage_tokens_total{user_id=\"\(a)\",model=\"claude-sonnet-4-5\",type=\"input\"} 1200\n"))
        #expect(
            text.contains(
                "claude_code_token_usage_tokens_total{user_id=\"\(a)\",model=\"claude-sonnet-4-5\",type=\"output\"} 300\n"))
        #expect(
            text.contains(
                "claude_code_token_usage_tokens_total{user_id=\"\(a)\",model=\"claude-haiku-4-5\",type=\"cacheRead\"} 5000\n"))
        #expect(text.contains("claude_code_cost_usage_USD_total{user_id=\"\(a)\",model=\"claude-sonnet-4-5\"} 0.25\n"))
        #expect(text.contains("claude_code_lines_of_code_count_total{user_id=\"\(a)\",type=\"added\"} 42\n"))
        #expect(
            text.contains(
                "claude_code_code_edit_tool_decision_total{user_id=\"\(a)\",tool_name=\"Edit\",decision=\"accept\"} 3\n"))
        #expect(text.contains("claude_code_active_time_seconds_total{user_id=\"\(a)\"} 90.5\n"))
        #expect(text.contains("claude_telemetry_last_data_received_timestamp_seconds{user_id=\"\(a)\"} 1795514400\n"))
        // Names are untrusted: quotes and backslashes are escaped inside label values.
        #expect(text.contains("claude_telemetry_user_info{user_id=\"\(a)\",name=\"Alice \\\"A\\\" \\\\ ops\"} 1\n"))
        // A silent user is listed, with no figures.
        #expect(text.contains("claude_telemetry_user_info{user_id=\"\(bob.rawValue)\",name=\"bob\"} 1\n"))
        #expect(!text.contains("claude_code_session_count_total{user_id=\"\(bob.rawValue)\""))
        #expect(text.contains("claude_telemetry_users 2\n"))
        #expect(!text.contains("# EOF"))
        #expect(!text.contains("# UNIT"))
    }

    @Test func openMetricsTypesFamiliesWithoutTotalAndEnds() throws {
        let (team, alice, _) = try Self.team()
        defer { team.remove() }
        let text = String(
            decoding: PrometheusExposition.render(try StoredUsers.load(team.directory), format: .openMetrics), as: UTF8.self)
        #expect(text.contains("# TYPE claude_code_cost_usage_USD counter\n# UNIT claude_code_cost_usage_USD USD\n"))
        #expect(
            text.contains("claude_code_cost_usage_USD_total{user_id=\"\(alice.rawValue)\",model=\"claude-sonnet-4-5\"} 0.25\n"))
        #expect(text.hasSuffix("# EOF\n"))
    }

    /// Every family appears once, as one contiguous group (both formats require it).
    @Test func familiesAreContiguous() throws {
        let (team, _, _) = try Self.team()
        defer { team.remove() }
        let text = String(
            decoding: PrometheusExposition.render(try StoredUsers.load(team.directory), format: .prometheus), as: UTF8.self)
        var seen: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            if seen.last != name {
                #expect(!seen.contains(name), "\(name) appears in two groups")
                seen.append(name)
            }
        }
        #expect(seen.count >= 10)
    }

    @Test func acceptHeaderNegotiation() {
        #expect(ExpositionFormat.negotiate(accept: nil) == .prometheus)
        #expect(ExpositionFormat.negotiate(accept: "text/plain;version=0.0.4") == .prometheus)
        #expect(
            ExpositionFormat.negotiate(
                accept:
                    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            )
                == .openMetrics)
        #expect(ExpositionFormat.negotiate(accept: "application/openmetrics-text; q=0, text/plain") == .prometheus)
    }

    @Test func teamAttributesBecomeInfoLabelsNamedTheCollectorsWay() {
        #expect(PrometheusExposition.labelName("team.id") == "team_id")
        #expect(PrometheusExposition.labelName("1st-team") == "key_1st_team")
        #expect(PrometheusExposition.labelName("département") == "d_partement")
        let user = StoredUser(
            record: UserRecord(id: UserID.random(), name: "n", createdAt: "2026-11-24T10:00:00.000Z"),
            view: nil, attributes: ["team.id": "t1", "name": "shadow", "department": "platform"])
        let labels = PrometheusExposition.infoLabels(user).map { "\($0.key)=\($0.value)" }
        #expect(labels == ["user_id=\(user.record.id)", "name=n", "department=platform", "team_id=t1"])
    }

    @Test func lastReceivedTimeParsing() {
        #expect(UTCTime.seconds("2026-11-24T10:00:00.250Z") == 1_795_514_400.25)
        #expect(UTCTime.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(UTCTime.seconds("2026-02-30T00:00:00Z") == nil)
        #expect(UTCTime.day("2024-02-28", plus: 1) == "2024-02-29")
    }
}
