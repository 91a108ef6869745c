import Foundation
import TelemetryDecoding
package import TelemetryStore

/// A temporary data directory with users fed through the real ingestion path (OTLP/JSON
/// bodies), so the read views are tested on documents exactly as the responder writes them.
package struct TeamFixture {
    package let root: String
    package let directory: DataDirectory

    package init() throws {
        root = NSTemporaryDirectory() + "telemetry-read-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        directory = DataDirectory(root)
    }

    package func remove() { try? FileManager.default.removeItem(atPath: root) }

    package func addUser(_ name: String) throws -> UserID {
        let record = try UserStore(directory: directory).add(name: name)
        return try UserID(validating: record.id)
    }

    /// 2026-11-24T10:00:00Z in nanoseconds.
    package static let t0: UInt64 = 1_795_514_400_000_000_000
    package static let day = "2026-11-24"

    /// Sends one delta sum point of a Claude Code metric.
    package func send(
        _ user: UserID, metric: String, value: Double, attributes: [String: String], unit: String = "",
        at time: UInt64 = TeamFixture.t0
    ) throws {
        let attributeJSON = attributes.sorted { $0.key < $1.key }.map {
            "{\"key\":\"\($0.key)\",\"value\":{\"stringValue\":\"\($0.value)\"}}"
        }.joined(separator: ",")
        let body = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},\
            "scopeMetrics":[{"scope":{"name":"com.anthropic.claude_code"},"metrics":[{"name":"\(metric)","unit":"\(unit)",\
            "sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[{"startTimeUnixNano":"\(time - 1_000_000_000)",\
            "timeUnixNano":"\(time)","asDouble":\(value),"attributes":[\(attributeJSON)]}]}}]}]}]}
            """
        let report = try TelemetryIngestor(directory: directory).ingest(
            .metrics, body: Array(body.utf8), format: .json, encoding: .identity, user: user,
            now: Timestamp(nanoseconds: time))
        guard report.applied == 1, report.rejected == 0 else { throw FixtureError.notApplied(metric) }
    }

    package enum FixtureError: Error { case notApplied(String) }
}
