import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// What the real Claude Code sends when configured with a `?user=` URL: its exporter drops the
/// query, so requests reach `…/claude` (both signals) or `…/claude/metrics|logs` with no user.
@Suite("Requests that name no user")
struct UnattributedServiceTests {
    let base = Router.prefix
    static let installation = String(repeating: "5e", count: 32)

    /// `tokenExport` as Claude Code sends it: the installation's `user.id` on the point.
    func claudeMetrics(
        input: Double, time: UInt64 = 1_795_514_460_000_000_000, installation: String = installation,
        email: String? = nil
    ) -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest {
        var request = tokenExport(input: input, time: time)
        request.resourceMetrics[0].resource.attributes = [keyValue("service.version", "2.1.332"), keyValue("os.type", "linux")]
        request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes +=
            [keyValue("user.id", installation)] + (email.map { [keyValue("user.email", $0)] } ?? [])
        return request
    }

    func claudeLogs(prompts: Int) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest {
        var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.logRecords = (0..<prompts).map { index in
            var record = Opentelemetry_Proto_Logs_V1_LogRecord()
            record.timeUnixNano = 1_795_514_460_000_000_000 + UInt64(index)
            record.body.stringValue = "claude_code.user_prompt"
            record.attributes = [keyValue("event.name", "user_prompt"), keyValue("user.id", Self.installation)]
            return record
        }
        var resource = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resource.scopeLogs = [scope]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resource]
        return request
    }

    func service(_ sandbox: OneUserSandbox, policy: UnattributedPolicy) -> ReceiverService {
        ReceiverService(
            configuration: ServiceConfiguration(
                dataDirectory: DataDirectory(sandbox.root), store: StoreConfiguration(durable: false), unattributed: policy))
    }

    func post(
        _ service: ReceiverService, _ path: String, _ body: [UInt8], contentType: String,
        headers: [String: String] = [:]
    ) -> (HTTPResponse, RequestSummary) {
        var all = headers
        all["Content-Type"] = contentType
        all["User-Agent"] = "OTel-OTLP-Exporter-JavaScript/0.208.0"
        return service.handle(
            HTTPRequest(method: "POST", path: path, headers: all, body: body),
            now: Timestamp(seconds: 1_795_514_400))
    }

    @Test("the seed's form: both signals at …/claude (protobuf, JSON, gzip) are parked, then claimed into exact totals")
    func seedFormParkedThenClaimed() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .park)
        let metrics: [UInt8] = try claudeMetrics(input: 1500).serializedBytes()
        let (answer, summary) = post(service, base, metrics, contentType: "application/x-protobuf")
        #expect(answer.status == .ok && answer.body.isEmpty)
        #expect(summary.line.hasPrefix("method=POST route=metrics/unaddressed user=- status=200 applied=0"))
        #expect(summary.line.hasSuffix("attribution=parked agent=OTel-OTLP-Exporter-JavaScript/0.208.0"))

        let logs = try gzip(try claudeLogs(prompts: 3).jsonUTF8Bytes())
        let (logsAnswer, logsSummary) = post(
            service, base, logs, contentType: "application/json",
            headers: ["Content-Encoding": "gzip"])
        #expect(logsAnswer.status == .ok && logsAnswer.body == Array("{}".utf8))
        #expect(logsSummary.route == "logs/unaddressed")

        // The per-signal `?user=` form arrives as …/metrics with no query.
        let more: [UInt8] = try claudeMetrics(input: 500, time: 1_795_514_520_000_000_000).jsonUTF8Bytes()
        let (perSignal, perSignalSummary) = post(service, "\(base)/metrics", more, contentType: "application/json")
        #expect(perSignal.status == .ok && perSignalSummary.route == "metrics/documented")
        #expect(sandbox.aggregateBytes() == nil)

        let attribution = InstallationAttribution(
            ingestor: TelemetryIngestor(
                directory: DataDirectory(sandbox.root), configuration: StoreConfiguration(durable: false)))
        let parked = try attribution.unclaimed()
        #expect(parked.map(\.installation) == [Self.installation])
        #expect(parked.first?.requests == 3)
        #expect(parked.first?.facts.serviceVersion == "2.1.332")
        let report = try attribution.claim(try #require(InstallationID(Self.installation)), for: sandbox.user)
        #expect(report.requests == 3 && report.applied == 5)
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 2000)

        // From now on the installation is attributed directly; the replayed first export counts once.
        let (again, againSummary) = post(service, base, metrics, contentType: "application/x-protobuf")
        #expect(again.status == .ok)
        #expect(againSummary.user == sandbox.user.rawValue && againSummary.attribution == "bound")
        #expect(againSummary.duplicates == 1)
        let next: [UInt8] = try claudeMetrics(input: 7, time: 1_795_514_580_000_000_000).serializedBytes()
        #expect(
            post(
                service, "\(base)/logs", try claudeLogs(prompts: 1).serializedBytes(),
                contentType: "application/x-protobuf"
            ).0.status == .ok)
        #expect(post(service, base, next, contentType: "application/x-protobuf").0.status == .ok)
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 2007)
    }

    @Test("--unattributed refuse: 401 naming the forms that work, nothing kept")
    func refuse() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .refuse)
        let (answer, summary) = post(
            service, base, try claudeMetrics(input: 1).serializedBytes(),
            contentType: "application/x-protobuf")
        #expect(answer.status == .unauthorized)
        #expect(try rpcStatus(answer).message == AttributionError.refused.description)
        #expect(try rpcStatus(answer).message.contains("/claude/users/<uuid>"))
        #expect(summary.attribution == "refused")
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/attribution/parked/index.json"))
    }

    @Test("several installations in one request: 400, nothing kept or split")
    func severalInstallations() throws {
        let sandbox = try OneUserSandbox()
        var request = claudeMetrics(input: 1)
        request.resourceMetrics += claudeMetrics(input: 2, installation: String(repeating: "77", count: 32)).resourceMetrics
        let (answer, _) = post(
            service(sandbox, policy: .park), "\(base)/v1/metrics", try request.serializedBytes(),
            contentType: "application/x-protobuf")
        #expect(answer.status == .badRequest)
        #expect(try rpcStatus(answer).message.hasPrefix("the data points carry 2 different user.id values"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/attribution/parked/index.json"))
    }

    @Test("…/claude with the user in a header (or a kept query): applied to that user, signal from the body")
    func baseWithUser() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .refuse)
        let body: [UInt8] = try claudeMetrics(input: 40).serializedBytes()
        let (answer, summary) = post(
            service, base, body, contentType: "application/x-protobuf",
            headers: ["X-User-Id": sandbox.user.rawValue])
        #expect(answer.status == .ok && summary.user == sandbox.user.rawValue && summary.attribution == nil)
        let kept = service.handle(
            HTTPRequest(
                method: "POST", path: base, query: "user=\(sandbox.user)", headers: ["Content-Type": "application/json"],
                body: try claudeMetrics(input: 2, time: 1_795_514_520_000_000_000).jsonUTF8Bytes()),
            now: Timestamp(seconds: 1_795_514_400)
        ).0
        #expect(kept.status == .ok)
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 42)
    }

    @Test("…/claude: an empty export is a success; spans without user.id or a broken body are refused")
    func baseEdges() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .park)
        #expect(post(service, base, [], contentType: "application/x-protobuf").0.status == .ok)
        #expect(post(service, base, Array("{}".utf8), contentType: "application/json").0.status == .ok)
        let spans = post(service, base, Array("{\"resourceSpans\":[{}]}".utf8), contentType: "application/json").0
        #expect(spans.status == .unauthorized)
        #expect(try rpcStatus(spans).message == AttributionError.noInstallation.description)
        let broken = post(service, base, [0x0A, 0xFF, 0x01], contentType: "application/x-protobuf").0
        #expect(broken.status == .badRequest)
        #expect(try rpcStatus(broken).message == "body is not an OTLP export request: truncated message")
        #expect(post(service, base, [1], contentType: "text/plain").0.status == .unsupportedMediaType)
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/attribution/parked/index.json"))
    }

    /// A `claude_code.llm_request` span as Claude Code's enhanced telemetry beta sends it.
    static func claudeSpans(spanId: String) -> [UInt8] {
        let attributes =
            [("model", "claude-sonnet-4-6"), ("user.id", installation)]
            .map { #"{"key":"\#($0.0)","value":{"stringValue":"\#($0.1)"}}"# }
            + [#"{"key":"duration_ms","value":{"intValue":"1200"}}"#]
        return Array(
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"\#(spanId)","name":"claude_code.llm_request","startTimeUnixNano":"1795514460000000000","endTimeUnixNano":"1795514461200000000","attributes":[\#(attributes.joined(separator: ","))]}]}]}]}"#
                .utf8)
    }

    @Test("a trace export with no user (…/claude and …/v1/traces) is parked, then claimed into latency once")
    func tracesParkedThenClaimed() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .park)
        let first = post(service, base, Self.claudeSpans(spanId: "00000000000000b1"), contentType: "application/json")
        #expect(first.0.status == .ok && first.0.body == Array("{}".utf8))
        #expect(first.1.route == "traces/unaddressed" && first.1.attribution == "parked")
        let second = post(
            service, "\(base)/v1/traces", Self.claudeSpans(spanId: "00000000000000b2"), contentType: "application/json")
        #expect(second.0.status == .ok && second.1.attribution == "parked")
        #expect(sandbox.aggregateBytes() == nil)

        let attribution = InstallationAttribution(
            ingestor: TelemetryIngestor(
                directory: DataDirectory(sandbox.root), configuration: StoreConfiguration(durable: false)))
        let report = try attribution.claim(try #require(InstallationID(Self.installation)), for: sandbox.user)
        #expect(report.requests == 2 && report.applied == 2)
        // A retry of the first export after the claim is attributed directly and counts once.
        let retry = post(service, base, Self.claudeSpans(spanId: "00000000000000b1"), contentType: "application/json")
        #expect(retry.1.attribution == "bound" && retry.1.duplicates == 1)
        let stored = try #require(sandbox.aggregateBytes())
        let document = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        let latency = try #require(document["latency"] as? [String: Any])
        #expect((latency["claude-sonnet-4-6"] as? [String: Any])?["requests"] as? Int == 2)
    }

    @Test("a full parked area answers 503 with a Retry-After Claude Code honours (5 s) for a new installation")
    func full() throws {
        let sandbox = try OneUserSandbox()
        var limits = ParkingLimits()
        limits.maxInstallations = 1
        let service = ReceiverService(
            configuration: ServiceConfiguration(
                dataDirectory: DataDirectory(sandbox.root), store: StoreConfiguration(durable: false), parking: limits))
        #expect(
            post(service, base, try claudeMetrics(input: 1).serializedBytes(), contentType: "application/x-protobuf").0.status
                == .ok)
        let other: [UInt8] = try claudeMetrics(input: 1, installation: String(repeating: "99", count: 32)).serializedBytes()
        let (answer, _) = post(service, base, other, contentType: "application/x-protobuf")
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.header("Retry-After") == "5")
    }

    @Test("one client address (REMOTE_ADDR) cannot take every parking slot: another address still parks")
    func addressShare() throws {
        let sandbox = try OneUserSandbox()
        var limits = ParkingLimits()
        limits.maxNewInstallationsPerAddress = 2
        let service = ReceiverService(
            configuration: ServiceConfiguration(
                dataDirectory: DataDirectory(sandbox.root), store: StoreConfiguration(durable: false), parking: limits))
        func post(_ installation: String, from address: String) throws -> HTTPResponse {
            let body: [UInt8] = try claudeMetrics(input: 1, installation: installation).serializedBytes()
            return service.handle(
                HTTPRequest(
                    cgi: [
                        "REQUEST_METHOD": "POST", "REQUEST_URI": base, "CONTENT_TYPE": "application/x-protobuf",
                        "REMOTE_ADDR": address,
                    ], body: body),
                now: Timestamp(seconds: 1_795_514_400)
            ).0
        }
        let statuses = try (0..<5).map { try post(String(format: "%064x", 0xab00 + $0), from: "203.0.113.5").status }
        #expect(statuses == [.ok, .ok, .serviceUnavailable, .serviceUnavailable, .serviceUnavailable])
        let refused = try post(String(format: "%064x", 0xab09), from: "203.0.113.5")
        #expect(refused.header("Retry-After") == "5")
        #expect(String(decoding: refused.body, as: UTF8.self).contains("client address 203.0.113.5"))
        #expect(try post(String(format: "%064x", 0xcd00), from: "198.51.100.1").status == .ok)
    }

    @Test("a well-formed but unknown user id is kept (200), listed under that id, and claimed into exact totals")
    func unknownUserId() throws {
        let sandbox = try OneUserSandbox()
        let service = service(sandbox, policy: .park)
        let typo = "0badc0de-0000-4000-8000-0000000000aa"
        let body: [UInt8] = try claudeMetrics(input: 321).serializedBytes()
        let (answer, summary) = post(service, "\(base)/users/\(typo)/v1/metrics", body, contentType: "application/x-protobuf")
        #expect(answer.status == .ok)
        #expect(summary.attribution == "parked-unknown-user")
        let header = post(
            service, "\(base)/v1/metrics", body, contentType: "application/x-protobuf", headers: ["X-User-Id": typo])
        #expect(header.0.status == .ok)
        let attribution = InstallationAttribution(ingestor: TelemetryIngestor(directory: DataDirectory(sandbox.root)))
        #expect(try attribution.unclaimed().map(\.installation) == [typo])
        #expect(try attribution.summary().unknownUserRequests == 2)
        let report = try attribution.claim(.namedUser(try UserID(validating: typo)), for: sandbox.user)
        #expect(report.requests == 2 && report.applied == 1 && report.duplicates == 1)
        // Under refuse, an unknown id is refused as before.
        let refusing = self.service(sandbox, policy: .refuse)
        let other = "0badc0de-0000-4000-8000-0000000000bb"
        #expect(
            post(refusing, "\(base)/users/\(other)/v1/metrics", body, contentType: "application/x-protobuf").0.status
                == .unauthorized)
    }

    @Test("a request whose user.email matches a user is parked, not applied, unless the operator trusts client emails")
    func emailDoesNotAttribute() throws {
        let sandbox = try OneUserSandbox()
        _ = try UserStore(directory: DataDirectory(sandbox.root), configuration: StoreConfiguration(durable: false))
            .create(name: "Victim", email: "victim@example.com")
        let body: [UInt8] = try claudeMetrics(input: 999_000, email: "VICTIM@example.com").serializedBytes()
        let (answer, summary) = post(service(sandbox, policy: .park), base, body, contentType: "application/x-protobuf")
        #expect(answer.status == .ok && summary.attribution == "parked")
        let trusting = ReceiverService(
            configuration: ServiceConfiguration(
                dataDirectory: DataDirectory(sandbox.root), store: StoreConfiguration(durable: false), trustClientEmail: true))
        let second: [UInt8] = try claudeMetrics(input: 1, time: 1_795_514_470_000_000_000, email: "victim@example.com")
            .serializedBytes()
        #expect(post(trusting, base, second, contentType: "application/x-protobuf").1.attribution == "bound-by-email")
    }

    @Test("the health documents recommend only the path and header forms")
    func healthEndpoints() throws {
        let sandbox = try OneUserSandbox()
        for signal in ["metrics", "logs"] {
            let response = sandbox.service.handle(HTTPRequest(method: "GET", path: "\(base)/\(signal)")).0
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let endpoints = try #require(object["endpoints"] as? [String: String])
            #expect(endpoints.keys.sorted() == ["header", "recommended", "withoutUser"])
            #expect(try #require(endpoints["recommended"]).hasPrefix("POST \(base)/users/<uuid>/v1/\(signal) "))
            for key in ["recommended", "header"] { #expect(endpoints[key]?.contains("?") == false) }
        }
    }
}
