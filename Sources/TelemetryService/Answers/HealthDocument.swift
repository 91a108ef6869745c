import Foundation
import TelemetryDecoding
import TelemetryRead
import TelemetryStore

/// The body of `GET …/metrics`, `GET …/logs` and `GET …/traces`: that the service is up, what
/// it accepts, and what each supported metric, event or span feeds.
struct HealthDocument: Encodable {
    /// Only forms that the real Claude Code delivers (its exporter sends the URL's path and
    /// drops any query), and what happens to a request that names no user.
    struct Endpoints: Encodable {
        let recommended: String
        let header: String
        let withoutUser: String
    }

    let status = "ok"
    let service = "claude-telemetry"
    let version = ServiceVersion.current
    let signal: String
    let endpoints: Endpoints
    let protocols = ["http/protobuf", "http/json"]
    let contentTypes = PayloadFormat.allCases.map(\.mediaType)
    let contentEncodings = ContentEncoding.allCases.map(\.rawValue)
    let maxBodyBytes: Int
    let grpc = "not supported through FastCGI: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json"
    let metrics: [Catalog.Entry]?
    let events: [Catalog.Entry]?
    let spans: [Catalog.Entry]?
    /// What waits in the parked area now (read on every health request).
    var parked: ParkedNotice?

    init(signal: Signal, maxBodyBytes: Int) {
        self.signal = signal.rawValue
        self.maxBodyBytes = maxBodyBytes
        let prefix = Router.prefix
        endpoints = Endpoints(
            recommended:
                "POST \(prefix)/users/<uuid>/v1/\(signal.rawValue) (OTEL_EXPORTER_OTLP_ENDPOINT=<base>\(prefix)/users/<uuid>)",
            header: "POST \(prefix)/v1/\(signal.rawValue) with X-User-Id: <uuid> or Authorization: Bearer <uuid> "
                + "(OTEL_EXPORTER_OTLP_ENDPOINT=<base>\(prefix) and OTEL_EXPORTER_OTLP_HEADERS=x-user-id=<uuid>)",
            withoutUser: "Claude Code drops a URL's query, so ?user=<uuid> never arrives: a request naming no user "
                + "(POST \(prefix) or \(prefix)/\(signal.rawValue)) is attributed through the installation's user.id "
                + "once it is bound to a user, otherwise kept until `claude-telemetry user claim` (or refused, with --unattributed refuse)"
        )
        metrics = signal == .metrics ? Catalog.metrics : nil
        events = signal == .logs ? Catalog.events : nil
        spans = signal == .traces ? Catalog.spans : nil
    }

    var response: HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var body = Array((try? encoder.encode(self)) ?? Data("{\"status\":\"ok\"}".utf8))
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(
            status: .ok, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: body)
    }
}
