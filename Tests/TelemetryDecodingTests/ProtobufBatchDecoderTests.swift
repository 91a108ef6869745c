import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference
@testable import TelemetryStore

/// The hand-written protobuf decoder must read exactly what swift-protobuf reads.
@Suite("Hand-written protobuf decoder")
struct ProtobufBatchDecoderTests {
    let decoder = OTLPDecoder()

    @Test(
        "metrics fixtures: same batch as swift-protobuf, and as the JSON of the same data",
        arguments: ["metrics-delta", "metrics-cumulative-1", "metrics-cumulative-2", "metrics-cumulative-3", "metrics-kinds"])
    func metricsFixtures(_ name: String) throws {
        let protobuf = try Fixtures.bytes(name + ".pb")
        let handWritten = try decoder.decodeMetricsBatch(protobuf, format: .protobuf)
        #expect(handWritten == MetricsBatch(try decoder.decodeMetrics(protobuf, format: .protobuf)))
        #expect(handWritten == (try decoder.decodeMetricsBatch(try Fixtures.bytes(name + ".json"), format: .json)))
        #expect(!handWritten.resourceMetrics.isEmpty)
    }

    @Test("logs fixture: same batch as swift-protobuf and as its JSON; gzip too")
    func logsFixture() throws {
        let protobuf = try Fixtures.bytes("logs.pb")
        let handWritten = try decoder.decodeLogsBatch(protobuf, format: .protobuf)
        #expect(handWritten == LogsBatch(try decoder.decodeLogs(protobuf, format: .protobuf)))
        #expect(handWritten == (try decoder.decodeLogsBatch(try Fixtures.bytes("logs.json"), format: .json)))
        #expect(
            handWritten == (try decoder.decodeLogsBatch(try Fixtures.bytes("logs.pb.gz"), format: .protobuf, encoding: .gzip)))
        #expect(handWritten.resourceLogs[0].scopeLogs[0].logRecords.count == 13)
    }

    @Test("the scenario's exact values survive")
    func exactValues() throws {
        let batch = try decoder.decodeMetricsBatch(try Fixtures.bytes("metrics-delta.pb"), format: .protobuf)
        let metrics = batch.resourceMetrics[0].scopeMetrics[0].metrics
        let tokens = try #require(metrics.first { $0.name == MetricName.tokenUsage })
        guard case .sum(let sum) = tokens.data else {
            Issue.record("token usage is not a sum")
            return
        }
        #expect(sum.aggregationTemporality == 1)
        #expect(sum.isMonotonic)
        #expect(sum.dataPoints.count == 6)
        #expect(sum.dataPoints[0].value == .double(1500))
        #expect(sum.dataPoints[0].startTimeUnixNano == 1_795_514_400_000_000_000)
        #expect(sum.dataPoints[0].timeUnixNano == 1_795_514_460_000_000_000)
        #expect(sum.dataPoints[0].attributes.first { $0.key == "type" }?.value == .string("input"))
        #expect(batch.resourceMetrics[0].resource.attributes.first?.value == .string("claude-code"))
        #expect(batch.resourceMetrics[0].scopeMetrics[0].scope == OTLPScope(name: "com.anthropic.claude_code", version: "2.0.50"))
    }

    @Test("unknown fields of every wire type are skipped; repeated submessages merge like protobuf")
    func unknownFieldsAndMerging() throws {
        var request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest()
        var resource = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resource.resource.attributes = [kv("a", "1")]
        request.resourceMetrics = [resource]
        var bytes: [UInt8] = try request.serializedBytes()
        // Unknown top-level fields: varint 15, fixed64 16, length-delimited 17, fixed32 18, group 19.
        bytes += [0x78, 0x96, 0x01]
        bytes += [0x81, 0x01] + [UInt8](repeating: 7, count: 8)
        bytes += [0x8A, 0x01, 0x02, 0x41, 0x42]
        bytes += [0x95, 0x01, 1, 2, 3, 4]
        bytes += [0x9B, 0x01, 0x08, 0x01, 0x9C, 0x01]
        let handWritten = try decoder.decodeMetricsBatch(bytes, format: .protobuf)
        #expect(handWritten == MetricsBatch(try decoder.decodeMetrics(bytes, format: .protobuf)))
        #expect(handWritten.resourceMetrics.count == 1)
    }

    @Test(
        "malformed input is refused with a reason",
        arguments: [
            ([0x0A, 0x05, 0x01], "truncated message"),
            ([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "malformed protobuf"),
            ([0x08, 0x01], "malformed protobuf"),  // field 1 must be length-delimited
            ([0x00], "malformed protobuf"),  // field number 0
            ([0x0F], "malformed protobuf"),  // wire type 7
            ([0x0A, 0x06, 0x12, 0x04, 0x12, 0x02, 0x0A, 0x80], "truncated message"),
        ] as [([UInt8], String)])
    func malformed(_ bytes: [UInt8], _ reason: String) {
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .metrics, reason: reason)) {
            try decoder.decodeMetricsBatch(bytes, format: .protobuf)
        }
    }

    @Test("invalid UTF-8 in a string field is refused")
    func invalidUTF8() {
        // LogsRequest{resourceLogs{scopeLogs{logRecords{severityText: 0xFF}}}}
        let bytes: [UInt8] = [0x0A, 0x07, 0x12, 0x05, 0x12, 0x03, 0x1A, 0x01, 0xFF]
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .logs, reason: "a string field is not valid UTF-8")) {
            try decoder.decodeLogsBatch(bytes, format: .protobuf)
        }
    }

    @Test("AnyValue nesting beyond the limit is refused")
    func depthLimit() throws {
        var value = Opentelemetry_Proto_Common_V1_AnyValue()
        value.stringValue = "x"
        for _ in 0..<200 {
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = [value]
            value = Opentelemetry_Proto_Common_V1_AnyValue()
            value.arrayValue = array
        }
        var record = Opentelemetry_Proto_Logs_V1_LogRecord()
        record.body = value
        var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.logRecords = [record]
        var resource = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resource.scopeLogs = [scope]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resource]
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = try request.serializedBytes(options: options)
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .logs, reason: "nesting deeper than the limit")) {
            try decoder.decodeLogsBatch(bytes, format: .protobuf)
        }
    }
}
