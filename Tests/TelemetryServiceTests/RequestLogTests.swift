import Logging
import TelemetryTesting
import Testing

@testable import TelemetryService

/// The request log's fields go through swift-log as metadata and come out as one line of
/// `key=value` pairs in a fixed order, which operators' tools read.
@Suite("Request log")
struct RequestLogTests {
    @Test("metadata renders in the fields' order, other keys after them sorted, values with spaces or quotes quoted")
    func renderedInFixedOrder() {
        var summary = RequestSummary(
            method: "POST", route: "metrics/user-path", user: "123e4567-e89b-42d3-a456-426614174000", status: 503,
            error: "storage busy: \"lock\" held")
        summary.applied = 3
        summary.durationMicroseconds = 1_500
        summary.attribution = "parked"
        summary.userAgent = "OTel-OTLP-Exporter-Python/1.38.0"
        #expect(
            summary.line
                == "method=POST route=metrics/user-path user=123e4567-e89b-42d3-a456-426614174000 status=503 applied=3 "
                + "rejected=0 duplicates=0 ms=1.500 attribution=parked agent=OTel-OTLP-Exporter-Python/1.38.0 "
                + "error=\"storage busy: 'lock' held\"")
        var metadata = summary.metadata
        metadata["reason"] = "Broken pipe"
        metadata["delivered"] = "false"
        #expect(RequestSummary.render(metadata) == summary.line + " delivered=false reason=\"Broken pipe\"")
    }
}
