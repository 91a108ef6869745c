import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference
@testable import TelemetryStore

@Suite("Decoding OTLP request bodies")
struct DecodingTests {
    // MARK: Every fixture, field for field

    @Test(
        "metrics-delta decodes to the scenario in every encoding",
        arguments: [
            "metrics-delta.pb", "metrics-delta.json", "metrics-delta.pb.gz", "metrics-delta.json.gz",
        ])
    func metricsDelta(file: String) throws {
        let request = try Fixtures.metrics(file)
        #expect(request == ScenarioMessages.metricsDelta())
    }

    @Test("metrics-delta: names, values, attributes, times and temporality")
    func metricsDeltaDetails() throws {
        let request = try Fixtures.metrics("metrics-delta.pb")
        try #require(request.resourceMetrics.count == 1)
        let resource = request.resourceMetrics[0]
        #expect(resource.resource.attributes.map(\.key) == ["service.name", "service.version", "os.type", "host.arch"])
        #expect(resource.resource.attributes[0].value.stringValue == "claude-code")
        try #require(resource.scopeMetrics.count == 1)
        let scope = resource.scopeMetrics[0]
        #expect(scope.scope.name == "com.anthropic.claude_code")
        #expect(scope.scope.version == "2.0.50")
        #expect(
            scope.metrics.map(\.name) == [
                "claude_code.session.count", "claude_code.token.usage", "claude_code.cost.usage",
                "claude_code.lines_of_code.count", "claude_code.commit.count", "claude_code.pull_request.count",
                "claude_code.code_edit_tool.decision", "claude_code.active_time.total",
            ])
        #expect(scope.metrics.map(\.unit) == ["", "tokens", "USD", "", "", "", "", "s"])
        #expect(scope.metrics.map { $0.sum.dataPoints.count } == [1, 6, 2, 2, 1, 1, 3, 2])
        for metric in scope.metrics {
            guard case .sum(let sum)? = metric.data else {
                Issue.record("\(metric.name) is not a Sum")
                continue
            }
            #expect(sum.aggregationTemporality == .delta)
            #expect(sum.isMonotonic)
            for point in sum.dataPoints {
                #expect(point.startTimeUnixNano == 1_795_514_400_000_000_000)
                #expect(point.timeUnixNano == 1_795_514_460_000_000_000)
                #expect(Array(point.attributes.prefix(7).map(\.key)) == Scenario.identity.map(\.0))
                guard case .asDouble? = point.value else {
                    Issue.record("\(metric.name) point is not asDouble")
                    continue
                }
            }
        }
        let tokens = scope.metrics[1].sum.dataPoints
        #expect(tokens.map(\.asDouble) == [1500, 300, 12000, 800, 200, 50])
        #expect(tokens[2].attributes[7].key == "type")
        #expect(tokens[2].attributes[7].value.stringValue == "cacheRead")
        #expect(tokens[4].attributes[8].value.stringValue == "claude-haiku-4-5")
        #expect(scope.metrics[2].sum.dataPoints.map(\.asDouble) == [0.0123, 0.0004])
        #expect(scope.metrics[7].sum.dataPoints.map(\.asDouble) == [90.5, 29.5])
        let decisions = scope.metrics[6].sum.dataPoints
        #expect(decisions[2].attributes[7].key == "tool")
        #expect(decisions[2].attributes[7].value.stringValue == "Edit")
        #expect(decisions.map(\.asDouble) == [3, 1, 1])
    }

    @Test("metrics-cumulative decodes to the scenario", arguments: [1, 2, 3], ["pb", "json"])
    func metricsCumulative(step: Int, format: String) throws {
        let request = try Fixtures.metrics("metrics-cumulative-\(step).\(format)")
        #expect(request == ScenarioMessages.metricsCumulative(step))
        let sum = request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum
        #expect(sum.aggregationTemporality == .cumulative)
        #expect(sum.aggregationTemporality.rawValue == 2)
        let point = sum.dataPoints[0]
        let expected = ScenarioMessages.cumulativeSteps[step - 1]
        #expect(point.startTimeUnixNano == expected.start)
        #expect(point.timeUnixNano == expected.time)
        #expect(point.asDouble == expected.value)
    }

    @Test("metrics-kinds decodes to the scenario", arguments: ["metrics-kinds.pb", "metrics-kinds.json"])
    func metricsKinds(file: String) throws {
        let request = try Fixtures.metrics(file)
        #expect(request == ScenarioMessages.metricsKinds())
        let metrics = request.resourceMetrics[0].scopeMetrics[0].metrics
        try #require(metrics.count == 5)
        #expect(metrics[0].sum.dataPoints.map(\.asInt) == [4, 6])
        guard case .asInt? = metrics[0].sum.dataPoints[0].value else {
            Issue.record("tool.usage points must be asInt")
            return
        }
        let input = metrics[1].histogram.dataPoints[0]
        #expect(input.count == 2)
        #expect(input.sum == 700)
        #expect(input.bucketCounts == [0, 1, 1])
        #expect(input.explicitBounds == [100, 500])
        #expect(input.min == 200 && input.max == 500)
        #expect(metrics[1].histogram.aggregationTemporality == .delta)
        #expect(metrics[2].histogram.dataPoints[0].sum == 3.5)
        #expect(metrics[3].gauge.dataPoints[0].asDouble == 0.75)
        #expect(metrics[3].gauge.dataPoints[0].startTimeUnixNano == 0)
        let exp = metrics[4].exponentialHistogram.dataPoints[0]
        #expect(exp.count == 3 && exp.sum == 6 && exp.scale == 1 && exp.zeroCount == 1)
        #expect(exp.positive.bucketCounts == [1, 1])
        #expect(exp.hasMin && exp.min == 0)
        #expect(!exp.hasNegative)
    }

    @Test("logs decode to the scenario in every encoding", arguments: ["logs.pb", "logs.json", "logs.pb.gz", "logs.json.gz"])
    func logs(file: String) throws {
        let request = try Fixtures.logs(file)
        #expect(request == ScenarioMessages.logs())
    }

    @Test("logs: bodies, event names, attributes, times, flags")
    func logsDetails() throws {
        let request = try Fixtures.logs("logs.json")
        let scope = request.resourceLogs[0].scopeLogs[0]
        #expect(scope.scope.name == "com.anthropic.claude_code.events")
        let records = scope.logRecords
        try #require(records.count == 13)
        #expect(records[0].body.stringValue == "claude_code.api_request")
        #expect(records[0].attributes[0].key == "event.name")
        #expect(records[0].attributes[0].value.stringValue == "api_request")
        #expect(records[0].timeUnixNano == 1_795_514_401_000_000_000)
        #expect(records[0].observedTimeUnixNano == 1_795_514_401_000_000_000)
        #expect(records[0].severityNumber == 9)
        #expect(records[0].severityText == "")
        #expect(records.map(\.flags) == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        let inputTokens = records[0].attributes.first { $0.key == "input_tokens" }
        #expect(inputTokens?.value.stringValue == "1500")
        let micros = records[1].attributes.first { $0.key == "cost_usd_micros" }
        #expect(micros?.value.intValue == 400)
        let cost = records[1].attributes.first { $0.key == "cost_usd" }
        #expect(cost?.value.doubleValue == 0.0004)
        let success = records[5].attributes.first { $0.key == "success" }
        #expect(success?.value.boolValue == false)
        #expect(records[11].body.stringValue == "claude_code.compaction")
        // Record 13: name only in event_name, body present but empty.
        #expect(records[12].eventName == "api_request")
        #expect(records[12].hasBody)
        #expect(records[12].body.value == nil)
        #expect(!records[12].attributes.contains { $0.key == "event.name" })
        #expect(records[12].timeUnixNano == Scenario.at(13))
    }

    @Test(
        "JSON and protobuf of the same fixture decode to equal messages",
        arguments: [
            "metrics-delta", "metrics-cumulative-1", "metrics-cumulative-2", "metrics-cumulative-3", "metrics-kinds",
            "empty-metrics",
        ])
    func jsonEqualsProtobufMetrics(base: String) throws {
        #expect(try Fixtures.metrics(base + ".json") == Fixtures.metrics(base + ".pb"))
    }

    @Test("JSON and protobuf logs decode to equal messages")
    func jsonEqualsProtobufLogs() throws {
        #expect(try Fixtures.logs("logs.json") == Fixtures.logs("logs.pb"))
    }

    @Test("hex traceId/spanId in JSON are skipped, not misread; the protobuf ids are dropped too")
    func traceContext() throws {
        let text = String(decoding: try Fixtures.bytes("logs.json"), as: UTF8.self)
        #expect(text.contains("\"traceId\": \"5b8efff798038103d269b633813fc60c\""))
        #expect(text.contains("\"spanId\": \"eee19b7ec3c1b174\""))
        for file in ["logs.json", "logs.pb"] {
            let records = try Fixtures.logs(file).resourceLogs[0].scopeLogs[0].logRecords
            for record in records { #expect(record.unknownFields.data.isEmpty) }
        }
        // An invalid hex id (not base64 either) must not fail the request.
        let odd = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz!","spanId":12,"body":{"stringValue":"x"}}]}]}]}"#
        let request = try OTLPDecoder().decodeLogs(Array(odd.utf8), format: .json)
        #expect(request.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue == "x")
    }

    // MARK: Empty bodies

    @Test("empty-metrics fixtures are empty requests", arguments: ["empty-metrics.pb", "empty-metrics.json"])
    func emptyFixture(file: String) throws {
        let request = try Fixtures.metrics(file)
        #expect(request.resourceMetrics.isEmpty)
        #expect(request == MetricsRequest())
    }

    @Test("an empty or blank body is an empty request")
    func emptyBody() throws {
        let decoder = OTLPDecoder()
        #expect(try decoder.decodeMetrics([], format: .protobuf) == MetricsRequest())
        #expect(try decoder.decodeMetrics([], format: .json) == MetricsRequest())
        #expect(try decoder.decodeLogs([], format: .protobuf) == LogsRequest())
        #expect(try decoder.decodeLogs([], format: .json) == LogsRequest())
        #expect(try decoder.decodeLogs(Array(" \n\t\r\n".utf8), format: .json) == LogsRequest())
        #expect(try decoder.decodeMetrics(Array("{}".utf8), format: .json) == MetricsRequest())
    }

    // MARK: Unknown fields

    @Test("unknown protobuf fields of every wire type are skipped at every level")
    func unknownProtobufFields() throws {
        let expected = metricsRequest([
            sumMetric(MetricName.tokenUsage, [numberPoint([kv("type", "input"), kv("model", "m")], 5)])
        ])
        // The same request written by hand, with unknown fields added to the point, the sum, the
        // metric, the scope metrics, the resource metrics and the request.
        let unknowns =
            ProtoWriter.varint(field: 99, 7) + ProtoWriter.fixed64(field: 100, 1)
            + ProtoWriter.fixed32(field: 101, 2) + ProtoWriter.bytes(field: 102, Array("future".utf8))
        let point = try protobufBytes(expected.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0]) + unknowns
        let sum =
            ProtoWriter.bytes(field: 1, point) + ProtoWriter.varint(field: 2, 1) + ProtoWriter.varint(field: 3, 1) + unknowns
        let metric = ProtoWriter.bytes(field: 1, Array(MetricName.tokenUsage.utf8)) + unknowns + ProtoWriter.bytes(field: 7, sum)
        let scope = try protobufBytes(expected.resourceMetrics[0].scopeMetrics[0].scope)
        let scopeMetrics = ProtoWriter.bytes(field: 1, scope) + ProtoWriter.bytes(field: 2, metric) + unknowns
        let resource = try protobufBytes(expected.resourceMetrics[0].resource)
        let resourceMetrics = unknowns + ProtoWriter.bytes(field: 1, resource) + ProtoWriter.bytes(field: 2, scopeMetrics)
        let body = ProtoWriter.bytes(field: 1, resourceMetrics) + unknowns

        let decoded = try OTLPDecoder().decodeMetrics(body, format: .protobuf)
        #expect(decoded == expected)
        #expect(decoded.unknownFields.data.isEmpty)
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(decoded, to: &document, now: fixedNow)
        #expect(report.applied == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 5)
    }

    @Test("unknown JSON keys are ignored at every level")
    func unknownJSONKeys() throws {
        let json = """
            {"futureTop": {"a": [1, 2, {"b": null}]}, "resourceMetrics": [{"unknown": 1, "resource": {"attributes": [],
             "droppedAttributesCount": 0, "entityRefs": [{"type": "x"}]}, "scopeMetrics": [{"scope": {"name": "s",
             "version": "1", "newThing": true}, "metrics": [{"name": "claude_code.commit.count", "metadata": [],
             "sum": {"dataPoints": [{"attributes": [], "startTimeUnixNano": "1", "timeUnixNano": "2", "asDouble": 3.0,
             "exemplars": [{"traceId": "5b8efff798038103d269b633813fc60c", "asDouble": 1.0}], "whatever": "x"}],
             "aggregationTemporality": 1, "isMonotonic": true, "extra": 1.5}}]}]}]}
            """
        let request = try OTLPDecoder().decodeMetrics(Array(json.utf8), format: .json)
        let point = request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0]
        #expect(request.resourceMetrics[0].scopeMetrics[0].scope.name == "s")
        #expect(point.startTimeUnixNano == 1)
        #expect(point.timeUnixNano == 2)
        #expect(point.asDouble == 3)
    }

    // MARK: JSON number forms

    @Test("64-bit integers as JSON strings and as JSON numbers decode alike")
    func sixtyFourBitForms() throws {
        for base in ["metrics-delta", "metrics-kinds", "logs"] {
            let original = String(decoding: try Fixtures.bytes(base + ".json"), as: UTF8.self)
            // Unquote every 64-bit field, including arrays of them.
            var numeric = original.replacing(
                /"(timeUnixNano|startTimeUnixNano|observedTimeUnixNano|intValue|asInt|count|zeroCount)": "(\d+)"/
            ) { match in "\"\(match.1)\": \(match.2)" }
            numeric = numeric.replacing(/"bucketCounts": \[([^\]]*)\]/) { match in
                "\"bucketCounts\": [" + match.1.replacing("\"", with: "") + "]"
            }
            #expect(numeric != original)
            #expect(!numeric.contains("\"timeUnixNano\": \""))
            if base == "logs" {
                #expect(try OTLPDecoder().decodeLogs(Array(numeric.utf8), format: .json) == Fixtures.logs(base + ".json"))
            } else {
                #expect(try OTLPDecoder().decodeMetrics(Array(numeric.utf8), format: .json) == Fixtures.metrics(base + ".json"))
            }
        }
    }

    @Test("the largest 64-bit values survive in both JSON forms")
    func extremeIntegers() throws {
        for form in ["18446744073709551615", "\"18446744073709551615\""] {
            let json =
                #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":\#(form),"#
                + #""attributes":[{"key":"n","value":{"intValue":"-9223372036854775808"}},"#
                + #"{"key":"m","value":{"intValue":9223372036854775807}}]}]}]}]}"#
            let record = try OTLPDecoder().decodeLogs(Array(json.utf8), format: .json).resourceLogs[0].scopeLogs[0].logRecords[0]
            #expect(record.timeUnixNano == UInt64.max)
            #expect(record.attributes[0].value.intValue == Int64.min)
            #expect(record.attributes[1].value.intValue == Int64.max)
        }
    }

    @Test("enums as integers: temporality 1 and 2, and an unknown value kept as unrecognized")
    func enumsAsIntegers() throws {
        func temporality(_ value: String) throws -> Temporality {
            let json =
                #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","sum":{"aggregationTemporality":\#(value)}}]}]}]}"#
            return try OTLPDecoder().decodeMetrics(Array(json.utf8), format: .json)
                .resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality
        }
        #expect(try temporality("1") == .delta)
        #expect(try temporality("2") == .cumulative)
        #expect(try temporality("0") == .unspecified)
        #expect(try temporality("7") == .UNRECOGNIZED(7))
        #expect(try temporality("\"AGGREGATION_TEMPORALITY_CUMULATIVE\"") == .cumulative)
        // A log record's severity is a plain integer field.
        let logs = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":17}]}]}]}"#
        #expect(
            try OTLPDecoder().decodeLogs(Array(logs.utf8), format: .json).resourceLogs[0].scopeLogs[0].logRecords[0]
                .severityNumber == 17)
    }

    // MARK: Malformed bodies

    @Test("AnyValue nested beyond the depth limit is malformed, in protobuf and JSON", arguments: [true, false])
    func deepNesting(useArrays: Bool) throws {
        let deep = logsRequest([eventRecord("x", [nested(levels: 200, arrays: useArrays)], time: Scenario.t0)])
        let decoder = OTLPDecoder()
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .logs, reason: "nesting deeper than the limit")) {
            try decoder.decodeLogs(try protobufBytes(deep), format: .protobuf)
        }
        #expect(throws: PayloadError.malformed(format: .json, signal: .logs, reason: "nesting deeper than the limit")) {
            try decoder.decodeLogs(try jsonBytes(deep), format: .json)
        }
        // Moderate nesting is fine.
        let shallow = logsRequest([eventRecord("x", [nested(levels: 5, arrays: useArrays)], time: Scenario.t0)])
        #expect(try decoder.decodeLogs(try protobufBytes(shallow), format: .protobuf) == shallow)
        #expect(try decoder.decodeLogs(try jsonBytes(shallow), format: .json) == shallow)
        // The limit is the configured one.
        let strict = OTLPDecoder(messageDepthLimit: 8)
        #expect(throws: PayloadError.self) { try strict.decodeLogs(try protobufBytes(shallow), format: .protobuf) }
    }

    @Test("garbage protobuf is malformed")
    func garbageProtobuf() throws {
        let decoder = OTLPDecoder()
        for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF], [0x0A], [0x0F, 0x01], Array("hello, world".utf8), [0x08]] {
            #expect(throws: PayloadError.self) { try decoder.decodeMetrics(garbage, format: .protobuf) }
            do {
                _ = try decoder.decodeMetrics(garbage, format: .protobuf)
            } catch {
                guard case .malformed(.protobuf, .metrics, _) = error else {
                    Issue.record("expected malformed protobuf metrics, got \(error)")
                    continue
                }
            }
        }
    }

    @Test("truncated protobuf fixtures are malformed", arguments: ["metrics-delta.pb", "logs.pb"])
    func truncatedProtobuf(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        let signal: Signal = file.hasPrefix("logs") ? .logs : .metrics
        for cut in [1, 10, bytes.count / 2, bytes.count - 1] {
            let truncated = Array(bytes.prefix(cut))
            #expect(throws: PayloadError.malformed(format: .protobuf, signal: signal, reason: "truncated message")) {
                if signal == .logs {
                    _ = try OTLPDecoder().decodeLogs(truncated, format: .protobuf)
                } else {
                    _ = try OTLPDecoder().decodeMetrics(truncated, format: .protobuf)
                }
            }
        }
    }

    @Test("malformed JSON is malformed")
    func malformedJSON() throws {
        let decoder = OTLPDecoder()
        let bodies = [
            "{", "[]", "not json", #"{"resourceMetrics": 5}"#,
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"asDouble":1.0,"asInt":"1"}]}}]}]}]}"#,
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"timeUnixNano":"12x"}]}}]}]}]}"#,
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"timeUnixNano":"-1"}]}}]}]}]}"#,
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"timeUnixNano":"18446744073709551616"}]}}]}]}]}"#,
        ]
        for body in bodies {
            #expect(throws: PayloadError.self, "\(body)") { try decoder.decodeMetrics(Array(body.utf8), format: .json) }
            do {
                _ = try decoder.decodeMetrics(Array(body.utf8), format: .json)
            } catch {
                guard case .malformed(.json, .metrics, _) = error else {
                    Issue.record("expected malformed JSON metrics for \(body), got \(error)")
                    continue
                }
            }
        }
        // A protobuf body declared as JSON.
        #expect(throws: PayloadError.self) { try decoder.decodeMetrics(try Fixtures.bytes("metrics-delta.pb"), format: .json) }
    }

    @Test("a string field that is not UTF-8 is malformed")
    func invalidUTF8() throws {
        // Metric { name = "\xFF\xFE" } inside ScopeMetrics inside ResourceMetrics.
        let metric = ProtoWriter.bytes(field: 1, [0xFF, 0xFE])
        let body = ProtoWriter.bytes(field: 1, ProtoWriter.bytes(field: 2, ProtoWriter.bytes(field: 2, metric)))
        #expect(throws: PayloadError.malformed(format: .protobuf, signal: .metrics, reason: "a string field is not valid UTF-8"))
        {
            try OTLPDecoder().decodeMetrics(body, format: .protobuf)
        }
    }

    @Test("a body above the limit is refused before and after decompression")
    func sizeLimit() throws {
        let body = try Fixtures.bytes("metrics-delta.pb")  // 5362 bytes
        let decoder = OTLPDecoder(maxBodyBytes: 2000)
        #expect(throws: PayloadError.tooLarge(limit: 2000, decompressed: false)) {
            try decoder.decodeMetrics(body, format: .protobuf)
        }
        // 999 compressed bytes fit, the 5362 inflated ones do not.
        #expect(throws: PayloadError.tooLarge(limit: 2000, decompressed: true)) {
            try decoder.decodeMetrics(try Fixtures.bytes("metrics-delta.pb.gz"), format: .protobuf, encoding: .gzip)
        }
        #expect(try OTLPDecoder(maxBodyBytes: 5362).decodeMetrics(body, format: .protobuf) == ScenarioMessages.metricsDelta())
    }

    @Test("error descriptions name the format and the signal")
    func errorDescriptions() {
        #expect(
            PayloadError.malformed(format: .json, signal: .logs, reason: "x").description
                == "body is not a valid OTLP/JSON ExportLogsServiceRequest: x")
        #expect(
            PayloadError.malformed(format: .protobuf, signal: .metrics, reason: "y").description
                == "body is not a valid protobuf ExportMetricsServiceRequest: y")
        #expect(
            PayloadError.tooLarge(limit: 10, decompressed: true).description == "decompressed body exceeds the limit of 10 bytes")
        #expect(PayloadError.tooLarge(limit: 10, decompressed: false).description == "body exceeds the limit of 10 bytes")
        #expect(PayloadError.unsupportedContentType(nil).description.hasPrefix("missing Content-Type"))
        #expect(
            PayloadError.unsupportedContentType("application/grpc").description.contains(
                "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"))
    }

    // MARK: Helpers

    private func nested(levels: Int, arrays: Bool) -> OTLPKeyValue {
        var value = anyValue("leaf")
        for _ in 0..<levels {
            var wrapper = OTLPAnyValue()
            if arrays {
                var array = Opentelemetry_Proto_Common_V1_ArrayValue()
                array.values = [value]
                wrapper.arrayValue = array
            } else {
                var list = Opentelemetry_Proto_Common_V1_KeyValueList()
                var entry = OTLPKeyValue()
                entry.key = "k"
                entry.value = value
                list.values = [entry]
                wrapper.kvlistValue = list
            }
            value = wrapper
        }
        var entry = OTLPKeyValue()
        entry.key = "deep"
        entry.value = value
        return entry
    }
}

/// Writes protobuf wire format by hand (for unknown fields and invalid content).
enum ProtoWriter {
    static func varint(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
        return bytes
    }

    static func tag(_ field: UInt64, _ wireType: UInt64) -> [UInt8] { varint(field << 3 | wireType) }
    static func varint(field: UInt64, _ value: UInt64) -> [UInt8] { tag(field, 0) + varint(value) }
    static func fixed64(field: UInt64, _ value: UInt64) -> [UInt8] {
        tag(field, 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    static func fixed32(field: UInt64, _ value: UInt32) -> [UInt8] {
        tag(field, 5) + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    static func bytes(field: UInt64, _ content: [UInt8]) -> [UInt8] {
        tag(field, 2) + varint(UInt64(content.count)) + content
    }
}
