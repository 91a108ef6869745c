import Foundation
import OTLPProto
import TelemetryDecoding
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// `…/v1/traces` in every URL form: OTLP trace exports in both encodings, answered with an
/// `ExportTraceServiceResponse`; bad bodies get 400 and change nothing; GET is a health check.
@Suite struct TracesRouteTests {
    let base = "/api/v1/integrations/claude"

    /// The trace fixtures of TelemetryTesting (made by the real Python encoders).
    static func fixture(_ name: String) throws -> [UInt8] { try Fixtures.bytes(name) }

    func document(_ sandbox: OneUserSandbox) throws -> [String: Any] {
        let data = try #require(sandbox.aggregateBytes())
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func sonnetRequests(_ sandbox: OneUserSandbox) throws -> Int? {
        let latency = try #require(try document(sandbox)["latency"] as? [String: Any])
        return (latency["claude-sonnet-4-5"] as? [String: Any])?["requests"] as? Int
    }

    @Test func protobufExportAnswersAnEmptyResponse() throws {
        let sandbox = try OneUserSandbox()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/traces", body: try Self.fixture("traces.pb"))
        #expect(response.status == .ok)
        #expect(response.header("Content-Type") == "application/x-protobuf")
        #expect(response.body.isEmpty)
        #expect(try sonnetRequests(sandbox) == 2)
        let totals = try #require(try document(sandbox)["totals"] as? [String: Any])
        #expect(totals["totalInputTokens"] as? Int == 0)
    }

    @Test func everyURLFormAndEncodingCountsEachBatchOnce() throws {
        let sandbox = try OneUserSandbox()
        let user = sandbox.user.rawValue
        let forms: [(String, String, [String: String])] = [
            ("\(base)/users/\(user)/v1/traces", "", [:]),
            ("\(base)/v1/traces", "", ["X-User-Id": user]),
            ("\(base)/v1/traces", "", ["Authorization": "Bearer \(user)"]),
            ("\(base)/traces", "user=\(user)", [:]),
            ("\(base)", "user=\(user)/v1/traces", [:]),
        ]
        for (path, query, headers) in forms {
            for (name, type, encoding) in [
                ("traces.json", "application/json", nil), ("traces.pb.gz", "application/x-protobuf", "gzip"),
                ("traces.json.gz", "application/json", "gzip"),
            ] {
                var all = headers
                if let encoding { all["Content-Encoding"] = encoding }
                let response = sandbox.post(path, query: query, body: try Self.fixture(name), contentType: type, headers: all)
                #expect(response.status == .ok, "\(path)?\(query) \(name)")
                #expect(response.body == (type == "application/json" ? Array("{}".utf8) : []))
            }
        }
        // Fifteen deliveries of one batch: its spans count once.
        #expect(try sonnetRequests(sandbox) == 2)
    }

    @Test func rejectedSpansGiveAPartialSuccess() throws {
        let sandbox = try OneUserSandbox()
        let body =
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"00000000000000a1","name":"claude_code.llm_request","attributes":[{"key":"model","value":{"stringValue":"m"}},{"key":"duration_ms","value":{"intValue":"-3"}}]},{"spanId":"00000000000000a2","name":"claude_code.tool","attributes":[{"key":"tool_name","value":{"stringValue":"Read"}},{"key":"duration_ms","value":{"intValue":"12"}}]}]}]}]}"#
        let json = sandbox.post(
            "\(base)/users/\(sandbox.user)/v1/traces", body: Array(body.utf8), contentType: "application/json")
        #expect(json.status == .ok)
        #expect(
            String(decoding: json.body, as: UTF8.self)
                == #"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"1 spans rejected: claude_code.llm_request: attribute 'duration_ms' is negative"}}"#
        )
        let durations = try #require(try document(sandbox)["toolDurations"] as? [String: Any])
        #expect((durations["Read"] as? [String: Any])?["calls"] as? Int == 1)

        // The same in protobuf: partial_success { rejected_spans: 1, error_message: … }.
        let message = "1 spans rejected: claude_code.llm_request: attribute 'duration_ms' is negative"
        let expected: [UInt8] =
            [0x0A, UInt8(4 + message.utf8.count), 0x08, 0x01, 0x12, UInt8(message.utf8.count)] + Array(message.utf8)
        #expect(TraceServiceResponse(rejectedSpans: 1, errorMessage: message).encoded(.protobuf) == expected)
    }

    @Test(arguments: [
        (
            "application/x-protobuf", [UInt8]([0x0A, 0x0A, 0x12, 0x01, 0x00]),
            "body is not a valid protobuf ExportTraceServiceRequest: truncated message"
        ),
        (
            "application/json", Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"xyz"}]}]}]}"#.utf8),
            "body is not a valid OTLP/JSON ExportTraceServiceRequest: spanId must be 16 hexadecimal digits at byte 53"
        ),
        (
            "application/json", Array(#"{"resourceSpans":"#.utf8),
            "body is not a valid OTLP/JSON ExportTraceServiceRequest: truncated JSON"
        ),
    ])
    func malformedBodiesAre400AndChangeNothing(contentType: String, body: [UInt8], message: String) throws {
        let sandbox = try OneUserSandbox()
        #expect(sandbox.post("\(base)/users/\(sandbox.user)/v1/traces", body: try Self.fixture("traces.pb")).status == .ok)
        let before = sandbox.aggregateBytes()
        let response = sandbox.post("\(base)/users/\(sandbox.user)/v1/traces", body: body, contentType: contentType)
        #expect(response.status.code == 400)
        #expect(try rpcStatus(response).message == message)
        #expect(sandbox.aggregateBytes() == before)
    }

    @Test func healthDocumentListsTheSpans() throws {
        let sandbox = try OneUserSandbox()
        for method in ["GET", "HEAD"] {
            let (response, summary) = sandbox.service.handle(HTTPRequest(method: method, path: "\(base)/traces"))
            #expect(response.status == .ok)
            #expect(summary.route == "health/traces")
            if method == "HEAD" {
                #expect(response.body.isEmpty)
                continue
            }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(object["signal"] as? String == "traces")
            let spans = try #require(object["spans"] as? [[String: Any]])
            #expect(spans.compactMap { $0["name"] as? String } == ["claude_code.llm_request", "claude_code.tool", "*"])
            #expect(object["metrics"] == nil && object["events"] == nil)
            let endpoints = try #require(object["endpoints"] as? [String: String])
            #expect(try #require(endpoints["recommended"]).hasPrefix("POST \(base)/users/<uuid>/v1/traces "))
            for key in ["recommended", "header"] { #expect(endpoints[key]?.contains("?") == false) }
        }
    }
}
