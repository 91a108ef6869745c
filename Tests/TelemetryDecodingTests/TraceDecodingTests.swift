import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// The hand-written trace decoders: both encodings of the real Python encoders' export (with
/// and without gzip) give the same batch, and bad bodies are refused with a reason.
@Suite struct TraceDecodingTests {
    static let fixtures = ["traces.pb", "traces.json", "traces.pb.gz", "traces.json.gz"]

    static func decode(_ name: String) throws -> TracesBatch { try Fixtures.traces(name) }

    @Test(arguments: fixtures)
    func everyEncodingGivesTheSameBatch(name: String) throws {
        #expect(try Self.decode(name) == (try Self.decode("traces.pb")))
    }

    @Test func theBatchHoldsWhatWasSent() throws {
        let batch = try Self.decode("traces.json")
        #expect(batch.resourceSpans.count == 1)
        let scope = try #require(batch.resourceSpans.first?.scopeSpans.first)
        #expect(scope.scope.name == "com.anthropic.claude_code.tracing")
        #expect(scope.scope.version == "2.0.50")
        #expect(batch.spanCount == 8)
        #expect(
            scope.spans.map(\.name) == [
                "claude_code.interaction", "claude_code.llm_request", "claude_code.tool", "claude_code.tool.execution",
                "claude_code.tool", "claude_code.llm_request", "claude_code.llm_request", "claude_code.tool",
            ])
        let request = scope.spans[1]
        #expect(
            request.traceId == [0x5B, 0x8E, 0xFF, 0xF7, 0x98, 0x03, 0x81, 0x03, 0xD2, 0x69, 0xB6, 0x33, 0x81, 0x3F, 0xC6, 0x0C])
        #expect(request.spanId == [0, 0, 0, 0, 0, 0, 0x10, 0x02])
        #expect(request.startTimeUnixNano == Scenario.t0 + 10_000_000)
        #expect(request.endTimeUnixNano == Scenario.t0 + 1_210_000_000)
        #expect(request.statusCode == 0)
        #expect(Attributes(request.attributes).value("duration_ms") == .int(1200))
        #expect(Attributes(request.attributes).value("success") == .bool(true))
        #expect(Attributes(request.attributes).string("user.id") == "7f3a9c")
        #expect(scope.spans[6].statusCode == 2)
        #expect(
            batch.resourceSpans[0].resource.attributes.first == OTLPAttribute(key: "service.name", value: .string("claude-code")))
    }

    @Test func emptyBodiesAreEmptyRequests() throws {
        #expect(try OTLPDecoder().decodeTracesBatch([], format: .protobuf) == TracesBatch())
        #expect(try OTLPDecoder().decodeTracesBatch(Array(" \n".utf8), format: .json) == TracesBatch())
        #expect(try OTLPDecoder().decodeTracesBatch(Array("{}".utf8), format: .json) == TracesBatch())
    }

    @Test func statusCodeByName() throws {
        let body =
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","status":{"code":"STATUS_CODE_ERROR","message":"m"}}]}]}]}"#
        let batch = try OTLPDecoder().decodeTracesBatch(Array(body.utf8), format: .json)
        #expect(batch.resourceSpans[0].scopeSpans[0].spans[0].statusCode == 2)
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        let name: String
        let body: [UInt8]
        let format: PayloadFormat
        let reason: String
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(
            name: "traceId not hex",
            body: Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz8efff798038103d269b633813fc60c"}]}]}]}"#.utf8),
            format: .json, reason: "traceId must be 32 hexadecimal digits at byte 54"),
        Malformed(
            name: "spanId too short",
            body: Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"1001"}]}]}]}"#.utf8),
            format: .json, reason: "spanId must be 16 hexadecimal digits at byte 53"),
        Malformed(
            name: "JSON cut short",
            body: Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"claude_code.tool""#.utf8),
            format: .json, reason: "truncated JSON"),
        Malformed(
            name: "spans not an array",
            body: Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}"#.utf8),
            format: .json, reason: "expected an array at byte 42"),
        // ResourceSpans (field 1, length 10) holding only 3 bytes.
        Malformed(
            name: "protobuf truncated", body: [0x0A, 0x0A, 0x12, 0x01, 0x00], format: .protobuf, reason: "truncated message"),
        // Span.start_time_unix_nano (7) sent as a varint instead of fixed64.
        Malformed(
            name: "protobuf wrong wire type", body: [0x0A, 0x06, 0x12, 0x04, 0x12, 0x02, 0x38, 0x01], format: .protobuf,
            reason: "malformed protobuf"),
    ]

    @Test(arguments: malformed)
    func malformedBodiesAreRefused(_ malformed: Malformed) throws {
        #expect(throws: PayloadError.self) {
            try OTLPDecoder().decodeTracesBatch(malformed.body, format: malformed.format)
        }
        do {
            _ = try OTLPDecoder().decodeTracesBatch(malformed.body, format: malformed.format)
        } catch {
            guard case .malformed(let format, let signal, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(format == malformed.format)
            #expect(signal == .traces)
            #expect(reason == malformed.reason)
            #expect(error.description.contains("ExportTraceServiceRequest"))
        }
    }
}
