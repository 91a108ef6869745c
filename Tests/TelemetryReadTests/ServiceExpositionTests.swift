import Foundation
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryRead

/// The service's own families in both formats: exact lines, a cumulative histogram whose count
/// is its +Inf bucket, and `_created` after each counter sample in OpenMetrics only.
@Suite struct ServiceExpositionTests {
    static func figures() -> ServiceFigures {
        var totals = ServiceCounterTotals()
        totals.add([
            ServiceCounterKey(.requests, "metrics/user-path", "200"): ServiceCounterValue(
                value: 5, createdMilliseconds: 1_700_000_000_000),
            ServiceCounterKey(.requests, "metrics/user-path", "413"): ServiceCounterValue(
                value: 1, createdMilliseconds: 1_700_000_000_500),
            ServiceCounterKey(.refused, "too_large"): ServiceCounterValue(value: 1, createdMilliseconds: 1_700_000_000_500),
            ServiceCounterKey(.durationBucket, "0"): ServiceCounterValue(value: 4, createdMilliseconds: 1_700_000_000_000),
            ServiceCounterKey(.durationBucket, "3"): ServiceCounterValue(value: 2, createdMilliseconds: 1_700_000_000_000),
            ServiceCounterKey(.durationSumMicroseconds): ServiceCounterValue(
                value: 14_500, createdMilliseconds: 1_700_000_000_000),
            ServiceCounterKey(.durationCount): ServiceCounterValue(value: 6, createdMilliseconds: 1_700_000_000_000),
        ])
        let parked = AttributionSummary(
            parkedInstallations: 2, parkedRequests: 7, parkedBytes: 100, unattributedRequestsParked: 9,
            boundInstallations: 0, unknownUserIds: 1, unknownUserRequests: 3, unknownUserRequestsParked: 4)
        return ServiceFigures(parked: parked, counters: totals)
    }

    static func render(_ format: ExpositionFormat) -> String {
        var writer = ExpositionWriter(format: format, reservingCapacity: 4096)
        ServiceExposition.write(figures(), to: &writer)
        writer.end()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func prometheusText() {
        let text = Self.render(.prometheus)
        for line in [
            "# TYPE claude_telemetry_parked_requests gauge\nclaude_telemetry_parked_requests 7\n",
            "claude_telemetry_parked_installations 2\n",
            "# TYPE claude_telemetry_unknown_user_requests_total counter\nclaude_telemetry_unknown_user_requests_total 4\n",
            "claude_telemetry_requests_total{route=\"metrics/user-path\",status=\"200\"} 5\n",
            "claude_telemetry_requests_total{route=\"metrics/user-path\",status=\"413\"} 1\n",
            "claude_telemetry_refused_requests_total{reason=\"too_large\"} 1\n",
            "claude_telemetry_rejected_points_total 0\n",
            "claude_telemetry_requests_claimed_total 0\n",
            // Every reason from the start, at 0 until it happens.
            "claude_telemetry_refused_requests_total{reason=\"parking_full\"} 0\n",
            "claude_telemetry_refused_requests_total{reason=\"storage_busy\"} 0\n",
            "# TYPE claude_telemetry_request_duration_seconds histogram\n",
            "claude_telemetry_request_duration_seconds_bucket{le=\"0.001\"} 4\n",
            "claude_telemetry_request_duration_seconds_bucket{le=\"0.005\"} 4\n",
            "claude_telemetry_request_duration_seconds_bucket{le=\"0.01\"} 6\n",
            "claude_telemetry_request_duration_seconds_bucket{le=\"1.0\"} 6\n",
            "claude_telemetry_request_duration_seconds_bucket{le=\"+Inf\"} 6\n",
            "claude_telemetry_request_duration_seconds_count 6\nclaude_telemetry_request_duration_seconds_sum 0.0145\n",
            "claude_telemetry_unreadable_slot_files 0\n",
        ] {
            #expect(text.contains(line), "\(line)")
        }
        #expect(!text.contains("_created"))
        #expect(!text.contains("# EOF"))
    }

    @Test func openMetricsCarriesCreated() {
        let text = Self.render(.openMetrics)
        #expect(
            text.contains(
                "claude_telemetry_requests_total{route=\"metrics/user-path\",status=\"200\"} 5\n"
                    + "claude_telemetry_requests_created{route=\"metrics/user-path\",status=\"200\"} 1700000000\n"))
        #expect(
            text.contains(
                "claude_telemetry_refused_requests_total{reason=\"too_large\"} 1\n"
                    + "claude_telemetry_refused_requests_created{reason=\"too_large\"} 1700000000.5\n"))
        #expect(
            text.contains(
                "# TYPE claude_telemetry_request_duration_seconds histogram\n# UNIT claude_telemetry_request_duration_seconds seconds\n"
            ))
        #expect(text.contains("claude_telemetry_request_duration_seconds_created 1700000000\n"))
        // A counter that never counted has no start: no `_created`.
        #expect(text.contains("claude_telemetry_rejected_points_total 0\n# HELP"))
        #expect(text.hasSuffix("# EOF\n"))
    }

    @Test func usersCountersCarryTheirCreation() throws {
        let (team, alice, _) = try PrometheusExpositionTests.team()
        defer { team.remove() }
        let stored = try StoredUsers.load(team.directory)
        let record = try #require(stored.users.first { $0.record.id == alice.rawValue }?.record)
        let created = try #require(UTCTime.seconds(record.createdAt))
        let text = String(decoding: PrometheusExposition.render(stored, format: .openMetrics), as: UTF8.self)
        let a = alice.rawValue
        #expect(
            text.contains(
                "claude_code_session_count_total{user_id=\"\(a)\"} 0\nclaude_code_session_count_created{user_id=\"\(a)\"} \(ExpositionWriterProbe.number(created))\n"
            ))
        let plain = String(decoding: PrometheusExposition.render(stored, format: .prometheus), as: UTF8.self)
        #expect(!plain.contains("_created"))
        // Gauges have none.
        #expect(!text.contains("claude_telemetry_user_info_created"))
    }
}

/// How the writer prints a number, for building expected lines.
enum ExpositionWriterProbe {
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
