import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Receiver service")
struct ReceiverServiceTests {
    let base = "/api/v1/integrations/claude"

    @Test("protobuf export: 200 with an empty ExportMetricsServiceResponse, totals stored")
    func protobufSuccess() throws {
        let sandbox = try OneUserSandbox()
        let body: [UInt8] = try tokenExport(input: 1500).serializedBytes()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/metrics", body: body)
        #expect(response.status == .ok)
        #expect(response.header("Content-Type") == "application/x-protobuf")
        #expect(response.body.isEmpty)
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 1500)
    }

    @Test("JSON export through every URL form: 200 with {} and each counted once")
    func jsonEveryForm() throws {
        let sandbox = try OneUserSandbox()
        let user = sandbox.user.rawValue
        let forms: [(String, String, [String: String])] = [
            ("\(base)/metrics", "user=\(user)", [:]),
            ("\(base)", "user=\(user)/v1/metrics", [:]),
            ("\(base)/v1/metrics", "", ["X-User-Id": user]),
            ("\(base)/v1/metrics", "", ["Authorization": "Bearer \(user)"]),
            ("\(base)/users/\(user)/v1/metrics", "", [:]),
        ]
        for (index, (path, query, headers)) in forms.enumerated() {
            let time = 1_795_514_460_000_000_000 + UInt64(index) * 60_000_000_000
            let body = Array(try tokenExport(input: 100, time: time).jsonUTF8Data())
            let response = sandbox.post(
                path, query: query, body: body, contentType: "application/json; charset=utf-8",
                headers: headers)
            #expect(response.status == .ok, "\(path)?\(query)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.body == Array("{}".utf8))
        }
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 500)
    }

    @Test("rejected points give a partial success with the count and a message")
    func partialSuccess() throws {
        let sandbox = try OneUserSandbox()
        let body: [UInt8] = try tokenExport(input: 10, extra: [.nan, -5]).serializedBytes()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/metrics", body: body)
        #expect(response.status == .ok)
        let decoded = try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse(serializedBytes: response.body)
        #expect(decoded.partialSuccess.rejectedDataPoints == 2)
        #expect(
            decoded.partialSuccess.errorMessage
                == "2 data points rejected: claude_code.token.usage: value is NaN or infinite; claude_code.token.usage: negative value on a counter"
        )
        #expect(try sandbox.totals()["totalInputTokens"] as? Int == 10)
    }

    @Test("an empty request is a success and writes nothing")
    func emptyRequest() throws {
        let sandbox = try OneUserSandbox()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/logs", body: [])
        #expect(response.status == .ok)
        #expect(sandbox.aggregateBytes() == nil)
    }

    struct Failure: CustomTestStringConvertible, Sendable {
        let name: String
        let path: String
        let query: String
        let method: String
        let contentType: String?
        let headers: [String: String]
        let body: [UInt8]
        let status: Int
        let message: String
        var testDescription: String { name }
    }

    static let unknownUser = "00000000-0000-4000-8000-000000000001"

    static let failures: [Failure] = [
        Failure(
            name: "malformed protobuf", path: "/users/{user}/v1/metrics", query: "", method: "POST",
            contentType: "application/x-protobuf", headers: [:], body: [0x0A, 0xFF, 0x01], status: 400,
            message: "body is not a valid protobuf ExportMetricsServiceRequest: truncated message"),
        Failure(
            name: "malformed JSON", path: "/users/{user}/v1/logs", query: "", method: "POST",
            contentType: "application/json", headers: [:], body: Array("{\"resourceLogs\": [".utf8), status: 400,
            message: "body is not a valid OTLP/JSON ExportLogsServiceRequest: truncated JSON"),
        Failure(
            name: "path traversal user", path: "/metrics", query: "user=../../etc/passwd", method: "POST",
            contentType: "application/x-protobuf", headers: [:], body: [], status: 400,
            message: "user id '../../etc/passwd' is not a UUID; expected 8-4-4-4-12 lowercase hex digits"),
        Failure(
            name: "missing user, no installation id in the data", path: "/v1/metrics", query: "", method: "POST",
            contentType: "application/x-protobuf", headers: [:], body: try! tokenExport(input: 1).serializedBytes(),
            status: 401,
            message:
                "no user id in the URL or headers, and no Claude Code user.id in the data to keep it by: set OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude/users/<uuid>, or OTEL_EXPORTER_OTLP_ENDPOINT=<base>/api/v1/integrations/claude with OTEL_EXPORTER_OTLP_HEADERS=x-user-id=<uuid> (Claude Code drops a URL's query, so ?user= never arrives)"
        ),
        Failure(
            name: "wrong content type", path: "/users/{user}/v1/metrics", query: "", method: "POST",
            contentType: "text/plain", headers: [:], body: [], status: 415,
            message:
                "unsupported Content-Type 'text/plain'; send application/x-protobuf (http/protobuf) or application/json (http/json). gRPC cannot pass through this endpoint: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
        ),
        Failure(
            name: "unsupported encoding", path: "/users/{user}/v1/metrics", query: "", method: "POST",
            contentType: "application/x-protobuf", headers: ["Content-Encoding": "br"], body: [1], status: 415,
            message: "unsupported Content-Encoding 'br'; supported: gzip, deflate, identity"),
        Failure(
            name: "invalid gzip", path: "/users/{user}/v1/metrics", query: "", method: "POST",
            contentType: "application/x-protobuf", headers: ["Content-Encoding": "gzip"], body: [1, 2, 3], status: 400,
            message: "compressed body is invalid: incorrect header check"),
        Failure(
            name: "unknown path", path: "/v1/profiles", query: "", method: "POST",
            contentType: "application/x-protobuf", headers: [:], body: [], status: 404,
            message:
                "no endpoint at /api/v1/integrations/claude/v1/profiles; POST OTLP data to /api/v1/integrations/claude/users/<uuid>/v1/metrics, …/v1/logs or …/v1/traces (or to …/v1/metrics with the header X-User-Id: <uuid>); GET …/metrics, …/logs or …/traces for a health check"
        ),
        Failure(
            name: "wrong method", path: "/users/{user}/v1/metrics", query: "", method: "PUT",
            contentType: "application/x-protobuf", headers: [:], body: [], status: 405,
            message: "method PUT is not allowed here; use GET, HEAD, POST"),
    ]

    @Test(
        "each failure: its status, a google.rpc.Status saying what to fix, nothing changed on disk",
        arguments: failures)
    func failure(_ failure: Failure) throws {
        let sandbox = try OneUserSandbox()
        // Store something first, so "nothing changed" is checked against a real file.
        let seed: [UInt8] = try tokenExport(input: 7).serializedBytes()
        #expect(sandbox.post("\(base)/users/\(sandbox.user)/v1/metrics", body: seed).status == .ok)
        let before = sandbox.aggregateBytes()

        var headers = failure.headers
        if let contentType = failure.contentType { headers["Content-Type"] = contentType }
        let path = base + failure.path.replacingOccurrences(of: "{user}", with: sandbox.user.rawValue)
        let (response, summary) = sandbox.service.handle(
            HTTPRequest(method: failure.method, path: path, query: failure.query, headers: headers, body: failure.body))
        #expect(response.status.code == failure.status)
        #expect(summary.status == failure.status)
        let status = try rpcStatus(response)
        #expect(status.message == failure.message)
        #expect(sandbox.aggregateBytes() == before)
        if failure.status == 405 { #expect(response.header("Allow") == "GET, HEAD, POST") }
    }

    @Test("body over the limit: 413 before and after decompression")
    func tooLarge() throws {
        let sandbox = try OneUserSandbox(maxBodyBytes: 4096)
        let path = "\(base)/users/\(sandbox.user)/v1/metrics"
        let big = sandbox.post(path, body: [UInt8](repeating: 0, count: 5000))
        #expect(big.status == .payloadTooLarge)
        #expect(try rpcStatus(big).message == "body exceeds the limit of 4096 bytes")

        let exceeded = sandbox.service.handle(
            HTTPRequest(
                method: "POST", path: path, headers: ["Content-Type": "application/json"], body: .tooLarge(limit: 4096))
        ).0
        #expect(exceeded.status == .payloadTooLarge)
        #expect(exceeded.header("Content-Type") == "application/json")

        // 1 MiB of zeros gzip-compresses to about 1 KiB.
        let bomb = try gzip([UInt8](repeating: 0, count: 1 << 20))
        #expect(bomb.count < 4096)
        let inflated = sandbox.post(path, body: bomb, headers: ["Content-Encoding": "gzip"])
        #expect(inflated.status == .payloadTooLarge)
        #expect(try rpcStatus(inflated).message == "decompressed body exceeds the limit of 4096 bytes")
        #expect(sandbox.aggregateBytes() == nil)
    }

    @Test("storage failures answer 503 with Retry-After")
    func lockTimeout() throws {
        let sandbox = try OneUserSandbox(lockTimeoutMilliseconds: 50)
        let lockPath = DataDirectory(sandbox.root).lockPath(sandbox.user)
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o640)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        let body: [UInt8] = try tokenExport(input: 1).serializedBytes()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/metrics", body: body)
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "2")
        #expect(try rpcStatus(response).message.hasPrefix("storage busy, retry later: lock "))
        #expect(sandbox.aggregateBytes() == nil)
    }

    @Test("GET health: JSON naming every supported metric / event")
    func health() throws {
        let sandbox = try OneUserSandbox()
        for (signal, names) in [("metrics", Catalog.metrics.map(\.name)), ("logs", Catalog.events.map(\.name))] {
            let (response, summary) = sandbox.service.handle(HTTPRequest(method: "GET", path: "\(base)/\(signal)"))
            #expect(response.status == .ok)
            #expect(summary.route == "health/\(signal)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(object["status"] as? String == "ok")
            let entries = try #require(object[signal == "metrics" ? "metrics" : "events"] as? [[String: Any]])
            #expect(entries.compactMap { $0["name"] as? String } == names)
        }
        let head = sandbox.service.handle(HTTPRequest(method: "HEAD", path: "\(base)/logs")).0
        #expect(head.status == .ok && head.body.isEmpty)
    }

    @Test("the request log line names route, user, status and counts, never values")
    func summaryLine() throws {
        let sandbox = try OneUserSandbox()
        let body: [UInt8] = try tokenExport(input: 3).serializedBytes()
        let (_, summary) = sandbox.service.handle(
            HTTPRequest(
                method: "POST", path: "\(base)/metrics", query: "user=\(sandbox.user)",
                headers: ["Content-Type": "application/x-protobuf"], body: body))
        #expect(
            summary.line.hasPrefix(
                "method=POST route=metrics/documented user=\(sandbox.user) status=200 applied=1 rejected=0 duplicates=0 ms="))
        #expect(!summary.line.contains("claude-sonnet"))
    }
}

/// gzip via zlib's command-line-free path: Foundation has no gzip, so shell out to the
/// `gzip` binary, which every Debian machine has.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", "-n"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}
