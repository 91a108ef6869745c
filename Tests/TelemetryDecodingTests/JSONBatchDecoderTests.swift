import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference

/// The hand-written OTLP/JSON decoder must accept and refuse what swift-protobuf's JSON decoder
/// does, and give the batch `MetricsBatch(_:)` / `LogsBatch(_:)` make of its messages. Batches
/// are compared in their printed form, which tells NaN and -0.0 apart.
@Suite("Hand-written OTLP/JSON decoder")
struct JSONBatchDecoderTests {
    // MARK: Fixtures

    @Test(
        "every JSON fixture decodes to the batch of swift-protobuf's messages",
        arguments: [
            "metrics-delta.json", "metrics-cumulative-1.json", "metrics-cumulative-2.json", "metrics-cumulative-3.json",
            "metrics-kinds.json", "empty-metrics.json", "metrics-delta.json.gz",
        ])
    func metricsFixture(_ name: String) throws {
        let (_, encoding) = Fixtures.kind(name)
        let body = try Fixtures.bytes(name)
        let decoder = OTLPDecoder()
        let handWritten = try decoder.decodeMetricsBatch(body, format: .json, encoding: encoding)
        let reference = MetricsBatch(try decoder.decodeMetrics(body, format: .json, encoding: encoding))
        #expect(handWritten == reference)
        #expect("\(handWritten)" == "\(reference)")
        #expect(name.hasPrefix("empty") == handWritten.resourceMetrics.isEmpty)
    }

    @Test("the logs fixtures decode to the batch of swift-protobuf's messages", arguments: ["logs.json", "logs.json.gz"])
    func logsFixture(_ name: String) throws {
        let (_, encoding) = Fixtures.kind(name)
        let body = try Fixtures.bytes(name)
        let decoder = OTLPDecoder()
        let handWritten = try decoder.decodeLogsBatch(body, format: .json, encoding: encoding)
        let reference = LogsBatch(try decoder.decodeLogs(body, format: .json, encoding: encoding))
        #expect(handWritten == reference)
        #expect(handWritten.resourceLogs[0].scopeLogs[0].logRecords.count == 13)
    }

    @Test("every field, under its JSON name and its proto name, with values of every kind")
    func everyFieldBothNames() throws {
        var request = ScenarioMessages.metricsKinds()
        var summaryPoint = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()
        summaryPoint.attributes = [kv("q", "1")]
        summaryPoint.count = 4
        summaryPoint.sum = 2.5
        summaryPoint.flags = 1
        var quantile = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint.ValueAtQuantile()
        quantile.quantile = 0.5
        quantile.value = 0.25
        summaryPoint.quantileValues = [quantile]
        var summary = OTLPMetric()
        summary.name = "example.summary"
        summary.summary.dataPoints = [summaryPoint, summaryPoint]
        request.resourceMetrics[0].scopeMetrics[0].metrics.append(summary)
        request.resourceMetrics[0].schemaURL = "https://example.com/schema"
        request.resourceMetrics[0].resource.droppedAttributesCount = 2
        request.resourceMetrics[0].scopeMetrics[0].scope.attributes = [kv("scope.attribute", "x")]
        request.resourceMetrics[0].scopeMetrics[0].scope.droppedAttributesCount = 1
        var nested = OTLPAnyValue()
        nested.kvlistValue.values = [kv("a", int: -5), kv("b", double: -0.0), kv("c", bool: true)]
        var bytes = OTLPAnyValue()
        bytes.bytesValue = Data([0, 1, 2, 250, 251, 252, 253, 254, 255])
        var array = OTLPAnyValue()
        array.arrayValue.values = [nested, bytes, anyValue("é\u{1F600}\"\\\n")]
        var attribute = OTLPKeyValue()
        attribute.key = "nested"
        attribute.value = array
        request.resourceMetrics[0].resource.attributes.append(attribute)

        var logs = ScenarioMessages.logs()
        logs.resourceLogs[0].scopeLogs[0].logRecords[0].body = array
        logs.resourceLogs[0].scopeLogs[0].logRecords[0].droppedAttributesCount = 3
        logs.resourceLogs[0].scopeLogs[0].logRecords[0].severityText = "INFO"

        for preserve in [false, true] {
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = preserve
            let metricsBody: [UInt8] = try request.jsonUTF8Bytes(options: options)
            let logsBody: [UInt8] = try logs.jsonUTF8Bytes(options: options)
            #expect(String(decoding: metricsBody, as: UTF8.self).contains(preserve ? "\"data_points\"" : "\"dataPoints\""))
            #expect(try OTLPDecoder().decodeMetricsBatch(metricsBody, format: .json) == MetricsBatch(request))
            #expect(try OTLPDecoder().decodeLogsBatch(logsBody, format: .json) == LogsBatch(logs))
        }
    }

    // MARK: Edge cases

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let signal: Signal
        let body: [UInt8]
        /// Whether both decoders accept it.
        let accepted: Bool
        /// Text the printed batch contains, for cases that pin a value.
        let shows: String?

        init(_ name: String, _ signal: Signal, _ body: [UInt8], accepted: Bool, shows: String? = nil) {
            self.name = name
            self.signal = signal
            self.body = body
            self.accepted = accepted
            self.shows = shows
        }

        var testDescription: String { name }
    }

    @Test("edge cases: the same decision as swift-protobuf, and the same batch", arguments: JSONCases.all)
    func edgeCase(_ edge: Case) {
        let (handWritten, reference) = Self.decodeBoth(edge.body, edge.signal)
        #expect(Self.accepted(reference) == edge.accepted, "swift-protobuf: \(reference)")
        #expect(Self.accepted(handWritten) == edge.accepted, "hand-written: \(handWritten)")
        if case .success(let hand) = handWritten, case .success(let ref) = reference {
            #expect(hand == ref)
            if let shows = edge.shows { #expect(hand.contains(shows), "\(hand)") }
        }
    }

    @Test("every known key is read as its field, every other key is skipped, at every level")
    func keysAtEveryLevel() {
        // `[true]` is a valid value for no field, and any value is fine for an unknown key.
        for position in JSONCases.keyPositions {
            for name in position.known + JSONCases.unknownKeys {
                let body = Array(position.template.replacingOccurrences(of: "#", with: "\"\(name)\": [true]").utf8)
                let (handWritten, reference) = Self.decodeBoth(body, position.signal)
                let known = position.known.contains(name)
                #expect(Self.accepted(reference) == !known, "swift-protobuf, \(name) in \(position.template)")
                #expect(Self.accepted(handWritten) == !known, "hand-written, \(name) in \(position.template)")
                if case .success(let hand) = handWritten, case .success(let ref) = reference { #expect(hand == ref) }
            }
        }
    }

    // MARK: Depth

    @Test("nesting: the same limit as swift-protobuf, whatever the path and the limit", arguments: [64, 16, 5])
    func depth(_ limit: Int) {
        let decoder = OTLPDecoder(messageDepthLimit: limit)
        var decisions: [Bool] = []
        for levels in 0..<40 {
            var arrays = #"{"stringValue":"x"}"#
            var lists = arrays
            var unknown = "1"
            for _ in 0..<levels {
                arrays = #"{"arrayValue":{"values":[\#(arrays)]}}"#
                lists = #"{"kvlistValue":{"values":[{"key":"k","value":\#(lists)}]}}"#
                unknown = #"{"x":\#(unknown)}"#
            }
            for body in [
                JSONCases.logs(record: #""body":\#(arrays)"#),
                JSONCases.logs(record: #""body":\#(lists)"#),
                JSONCases.metrics(point: #""attributes":[{"key":"k","value":\#(arrays)}]"#),
                JSONCases.logs(record: #""x":\#(unknown)"#),
                #"{"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":\#(lists)}]}}]}"#,
            ] {
                let signal: Signal = body.hasPrefix(#"{"resourceLogs""#) ? .logs : .metrics
                let (handWritten, reference) = Self.decodeBoth(Array(body.utf8), signal, decoder)
                #expect(Self.accepted(handWritten) == Self.accepted(reference), "\(levels) levels: \(body)")
                if case .success(let hand) = handWritten, case .success(let ref) = reference { #expect(hand == ref) }
                decisions.append(Self.accepted(reference))
                if case .failure(.malformed(_, _, let reason)) = handWritten, Self.accepted(reference) == false {
                    #expect(reason.hasPrefix("nesting deeper than the limit at byte "), "\(reason)")
                }
            }
        }
        // The limit is reached on every path.
        #expect(decisions.contains(true) && decisions.contains(false))
    }

    @Test("very deep input is refused or skipped without recursion: objects count, arrays do not")
    func hostileDepth() {
        let deepArrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let deepValues = String(repeating: #"{"arrayValue":{"values":["#, count: 50_000)
        for (body, accepted) in [
            (#"{"x":\#(deepArrays)}"#, true),
            (#"{"x":\#(deepObjects)}"#, false),
            (JSONCases.logs(record: #""body":\#(deepValues)"#), false),
        ] {
            let (handWritten, reference) = Self.decodeBoth(Array(body.utf8), .logs)
            #expect(Self.accepted(reference) == accepted)
            #expect(Self.accepted(handWritten) == accepted)
        }
    }

    // MARK: Numbers

    @Test("doubles in every notation read as strtod reads them")
    func doubles() {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<3000 {
            let bits = generator.next() as UInt64
            let value = Double(bitPattern: bits)
            guard value.isFinite else { continue }
            texts.append("\(value)".replacingOccurrences(of: "+", with: ""))
            texts.append(String(format: "%.17g", value).replacingOccurrences(of: "+", with: ""))
            let small =
                Double(Int64.random(in: -1_000_000_000...1_000_000_000)) / Double([1, 10, 1000, 1e7][Int.random(in: 0..<4)])
            texts.append(String(format: "%.6f", small))
            texts.append(String(format: "%.3e", small).replacingOccurrences(of: "+", with: ""))
            texts.append("\(small)")
        }
        texts += [
            "0", "-0", "0.0", "-0.0", "1e22", "1e23", "9007199254740993", "0.1", "5e-324", "2.4703282292062328e-324",
            "1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072011e-308", "123456789012345678901234567890",
            "0.000000000000000000000000000001", "1E5", "1e-5", "1e+5", "4.35", "90.5", "0.0123",
        ]
        var mismatches: [String] = []
        for text in texts {
            guard text.first != "i", text.first != "n", !text.contains("inf"), !text.contains("nan") else { continue }
            for form in [text, "\"\(text)\""] {
                let body = Array(JSONCases.metrics(point: #""asDouble":\#(form)"#).utf8)
                let (handWritten, reference) = Self.decodeBoth(body, .metrics)
                if !Self.agree(handWritten, reference) { mismatches.append(form) }
            }
        }
        let count = mismatches.count
        #expect(count == 0, "\(mismatches.prefix(10))")
    }

    @Test("64-bit integers in every notation read as swift-protobuf reads them")
    func integers() {
        var texts: [String] = []
        for _ in 0..<1000 {
            let value = UInt64.random(in: 0...UInt64.max) >> UInt64.random(in: 0...63)
            texts += ["\(value)", "-\(value)", "\(value).0", "\(value)e0", "\(Double(value))"]
            texts.append("\(value / 1000)e3")
        }
        texts += [
            "18446744073709551615", "18446744073709551616", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "1e19", "1e20", "-1e18", "1.5", "0.5e1", "00", "-0", "0e0",
        ]
        var mismatches: [String] = []
        for text in texts {
            for form in [text, "\"\(text)\""] {
                for body in [
                    JSONCases.metrics(point: #""asInt":\#(form),"timeUnixNano":\#(form)"#),
                    JSONCases.metrics(point: #""timeUnixNano":\#(form)"#),
                    JSONCases.logs(record: #""severityNumber":\#(form)"#),
                    JSONCases.metrics(point: #""flags":\#(form)"#),
                ] {
                    let signal: Signal = body.hasPrefix(#"{"resourceLogs""#) ? .logs : .metrics
                    let (handWritten, reference) = Self.decodeBoth(Array(body.utf8), signal)
                    if !Self.agree(handWritten, reference) { mismatches.append(body) }
                }
            }
        }
        let count = mismatches.count
        #expect(count == 0, "\(mismatches.prefix(10))")
    }

    // MARK: Refusals

    @Test(
        "a refusal says what and where; the end of the body is 'truncated JSON'",
        arguments: [
            (#"{"resourceLogs": ["#, "truncated JSON"),
            (#"{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"timeUnixNano": "12x"}]}]}]}"#, "malformed number at byte 66"),
            (#"{"resourceLogs": []} x"#, "unexpected data after the document at byte 21"),
            (
                #"{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": "a", "intValue": 1}}]}]}]}"#,
                "an AnyValue has more than one value at byte 91"
            ),
        ])
    func reasons(_ body: String, _ reason: String) {
        #expect(throws: PayloadError.malformed(format: .json, signal: .logs, reason: reason)) {
            try OTLPDecoder().decodeLogsBatch(Array(body.utf8), format: .json)
        }
    }

    // MARK: Divergences

    /// The one divergence kept: a non-empty bytesValue with fewer than two base64 digits.
    /// swift-protobuf takes it as empty bytes and resumes reading inside the string, which here
    /// makes it accept a body that is not JSON; the hand-written decoder refuses it.
    @Test("divergence: a bytesValue with fewer than two base64 digits is refused")
    func shortBase64() {
        let body = Array(JSONCases.logs(record: #""body":{"bytesValue":"!,"x":1}"#).utf8)
        let (handWritten, reference) = Self.decodeBoth(body, .logs)
        #expect(Self.accepted(reference))
        #expect(
            handWritten
                == .failure(
                    .malformed(
                        format: .json, signal: .logs,
                        reason: "base64 with fewer than two digits at byte 68")))
        // Where swift-protobuf refuses it too.
        for value in [#""!""#, #""=""#, #""a""#, #""!!!!""#] {
            let body = Array(JSONCases.logs(record: #""body":{"bytesValue":\#(value)}"#).utf8)
            let (handWritten, reference) = Self.decodeBoth(body, .logs)
            #expect(!Self.accepted(handWritten) && !Self.accepted(reference), "\(value)")
        }
    }

    // MARK: Helpers

    /// The hand-written decoder's and swift-protobuf's answers for `body`, as printed batches.
    static func decodeBoth(_ body: [UInt8], _ signal: Signal, _ decoder: OTLPDecoder = OTLPDecoder())
        -> (handWritten: Result<String, PayloadError>, reference: Result<String, PayloadError>)
    {
        switch signal {
        case .metrics:
            return (
                Result { () throws(PayloadError) in "\(try decoder.decodeMetricsBatch(body, format: .json))" },
                Result { () throws(PayloadError) in "\(MetricsBatch(try decoder.decodeMetrics(body, format: .json)))" }
            )
        case .logs:
            return (
                Result { () throws(PayloadError) in "\(try decoder.decodeLogsBatch(body, format: .json))" },
                Result { () throws(PayloadError) in "\(LogsBatch(try decoder.decodeLogs(body, format: .json)))" }
            )
        case .traces:
            preconditionFailure("no swift-protobuf trace messages to compare with")
        }
    }

    /// Both refuse (for whatever reason), or both accept with the same batch.
    static func agree(_ handWritten: Result<String, PayloadError>, _ reference: Result<String, PayloadError>) -> Bool {
        switch (handWritten, reference) {
        case (.success(let hand), .success(let ref)): hand == ref
        case (.failure, .failure): true
        default: false
        }
    }

    static func accepted(_ result: Result<String, PayloadError>) -> Bool {
        if case .success = result { return true }
        return false
    }
}

/// The edge cases, and the places every key of every message can go.
enum JSONCases {
    typealias Case = JSONBatchDecoderTests.Case

    /// A metrics body with one sum metric whose single data point has `point` as members.
    static func metrics(point: String, sum: String = #""aggregationTemporality":1"#) -> String {
        #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"dataPoints":[{\#(point)}],\#(sum)}}]}]}]}"#
    }

    /// A logs body with one record that has `record` as members.
    static func logs(record: String) -> String {
        #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{\#(record)}]}]}]}"#
    }

    /// A logs body whose record has one attribute with `value` (an AnyValue object's members).
    static func attribute(_ value: String) -> String {
        logs(record: #""attributes":[{"key":"k","value":{\#(value)}}]"#)
    }

    static func metric(_ members: String) -> String {
        #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m",\#(members)}]}]}]}"#
    }

    static func m(_ name: String, _ body: String, _ accepted: Bool, shows: String? = nil) -> Case {
        Case(name, .metrics, Array(body.utf8), accepted: accepted, shows: shows)
    }

    static func l(_ name: String, _ body: String, _ accepted: Bool, shows: String? = nil) -> Case {
        Case(name, .logs, Array(body.utf8), accepted: accepted, shows: shows)
    }

    /// A body with raw bytes (not UTF-8) spliced in at `@@`.
    static func raw(_ name: String, _ template: String, _ bytes: [UInt8], _ accepted: Bool) -> Case {
        let parts = template.components(separatedBy: "@@")
        let signal: Signal = template.hasPrefix(#"{"resourceMetrics""#) ? .metrics : .logs
        return Case(name, signal, Array(parts[0].utf8) + bytes + Array(parts[1].utf8), accepted: accepted)
    }

    static let all: [Case] =
        structure + keys + nulls + duplicates + oneofs + integers + enums + doubles + bools
        + bytes + strings + skipped

    static let structure: [Case] = [
        m("empty body", "", true),
        m("whitespace body", " \n\t\r ", true),
        m("empty object", "{}", true),
        m("object and whitespace", " { } \n", true),
        m("top-level null", "null", false),
        m("top-level array", "[]", false),
        m("top-level string", #""x""#, false),
        m("trailing garbage", "{} x", false),
        m("two objects", "{}{}", false),
        m("trailing comma", #"{"resourceMetrics":[],}"#, false),
        m("trailing comma in an array", #"{"resourceMetrics":[{},]}"#, false),
        m("leading comma", "{,}", false),
        m("missing colon", #"{"resourceMetrics" []}"#, false),
        m("missing comma", #"{"resourceMetrics":[] "x":1}"#, false),
        m("unquoted key", "{resourceMetrics:[]}", false),
        m("single-quoted key", "{'resourceMetrics':[]}", false),
        m("byte order mark", "\u{FEFF}{}", false),
        m("truncated", #"{"resourceMetrics":[{"#, false),
        m("repeated field not an array", #"{"resourceMetrics":{}}"#, false),
        m("message field not an object", #"{"resourceMetrics":[{"resource":[]}]}"#, false),
        m("element not an object", #"{"resourceMetrics":[1]}"#, false),
        m("missing comma after a skipped object", #"{"x":{} "resourceMetrics":[]}"#, false),
        m("missing comma after a message", #"{"resourceMetrics":[{"resource":{} "scopeMetrics":[]}]}"#, false),
    ]

    static let keys: [Case] = [
        m(
            "snake_case keys throughout the metrics",
            #"{"resource_metrics":[{"scope_metrics":[{"metrics":[{"name":"m","sum":{"data_points":[{"as_int":"5","start_time_unix_nano":"1","time_unix_nano":"2"}],"aggregation_temporality":1,"is_monotonic":true}}]}],"schema_url":"s"}]}"#,
            true, shows: "value: Optional(TelemetryDecoding.MetricsBatch.NumberPoint.Value.int(5))"),
        l(
            "snake_case keys throughout the logs",
            #"{"resource_logs":[{"scope_logs":[{"log_records":[{"time_unix_nano":"1","observed_time_unix_nano":2,"severity_number":9,"severity_text":"INFO","event_name":"e","dropped_attributes_count":1}]}]}]}"#,
            true, shows: #"eventName: "e""#),
        l("snake_case AnyValue members", attribute(#""int_value":"7""#), true, shows: "int(7)"),
        l("mixed spellings of one field append", logs(record: #""attributes":[{"key":"a"}],"attributes":[{"key":"b"}]"#), true),
        m("escaped key", #"{"resource\u004detrics":[{"scopeMetrics":[]}]}"#, true, shows: "scopeMetrics: []"),
        m("escaped unknown key", #"{"x\n":1}"#, true),
        m("key differing in case is unknown", #"{"ResourceMetrics":[1]}"#, true),
        raw("invalid UTF-8 in an unknown key", "{\"@@\":1}", [0xFF], false),
        raw("invalid UTF-8 in an escaped unknown key", "{\"\\n@@\":1}", [0xFF], false),
        raw("control character in a key", "{\"@@\":1}", [0x01], false),
        m("bad escape in a key", #"{"\q":1}"#, false),
        l(
            "traceId, spanId in hex are skipped",
            logs(record: #""traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1"#), true),
        m(
            "exemplars are skipped",
            metrics(point: #""asInt":1,"exemplars":[{"traceId":"zz","asDouble":"x","filteredAttributes":5}]"#), true),
    ]

    static let nulls: [Case] = [
        m("null repeated field", #"{"resourceMetrics":null}"#, true),
        m("null element of a repeated message field", #"{"resourceMetrics":[null]}"#, false),
        m("null message field", #"{"resourceMetrics":[{"resource":null,"scopeMetrics":[{"scope":null}]}]}"#, true),
        m(
            "null resets an earlier message", #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"a"}]},"resource":null}]}"#,
            true, shows: "resource: TelemetryDecoding.OTLPResource(attributes: [])"),
        m(
            "null scalars are defaults",
            metrics(point: #""timeUnixNano":"5","timeUnixNano":null,"flags":null,"startTimeUnixNano":null"#),
            true, shows: "timeUnixNano: 0"),
        m("null oneof member sets nothing", metrics(point: #""asDouble":null,"asInt":"3""#), true, shows: "int(3)"),
        m("null oneof member after a value", metrics(point: #""asInt":"3","asDouble":null"#), true, shows: "int(3)"),
        m("null metric data then a sum", metric(#""gauge":null,"sum":{"dataPoints":[]}"#), true),
        l("null AnyValue member", attribute(#""stringValue":null,"intValue":5"#), true, shows: "int(5)"),
        l(
            "null body", logs(record: #""body":{"stringValue":"x"},"body":null"#), true,
            shows: "body: TelemetryDecoding.OTLPValue.none"),
        l("null string", logs(record: #""severityText":"x","severityText":null"#), true, shows: #"severityText: """#),
        m(
            "null bool and enum",
            metrics(point: "", sum: #""aggregationTemporality":2,"aggregationTemporality":null,"isMonotonic":null"#),
            true, shows: "aggregationTemporality: 0"),
        m(
            "null optional double",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"sum":1,"sum":null}]}}]}]}]}"#,
            true, shows: "sum: nil"),
        m(
            "null element of a repeated number",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":[null]}]}}]}]}]}"#,
            false),
        m(
            "null repeated number",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":null,"explicitBounds":null}]}}]}]}]}"#,
            true),
        m("null followed by a letter is no null", #"{"resourceMetrics":nullx}"#, false),
        l("null array values", attribute(#""arrayValue":{"values":null}"#), true, shows: "array([])"),
    ]

    static let duplicates: [Case] = [
        l("scalar: the last value wins", logs(record: #""timeUnixNano":"1","timeUnixNano":"2""#), true, shows: "timeUnixNano: 2"),
        l(
            "repeated: appended", logs(record: #""attributes":[{"key":"a"}],"attributes":[{"key":"b"}]"#), true,
            shows: #"key: "b""#),
        m(
            "message: merged",
            #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"a"}]},"resource":{"attributes":[{"key":"b"}]}}]}"#,
            true, shows: #"key: "b""#),
        m(
            "scope: merged", #"{"resourceMetrics":[{"scopeMetrics":[{"scope":{"name":"n"},"scope":{"version":"v"}}]}]}"#,
            true, shows: #"OTLPScope(name: "n", version: "v")"#),
        l("body merged with an empty one", logs(record: #""body":{"stringValue":"a"},"body":{}"#), true, shows: #"string("a")"#),
        l("body: an empty one then a value", logs(record: #""body":{},"body":{"intValue":1}"#), true, shows: "int(1)"),
        l("body set twice", logs(record: #""body":{"stringValue":"a"},"body":{"stringValue":"b"}"#), false),
        l(
            "attribute value set twice",
            logs(record: #""attributes":[{"key":"j","value":{"boolValue":true},"value":{"boolValue":false}}]"#), false),
        l(
            "attribute value merged with an empty one",
            logs(record: #""attributes":[{"key":"j","value":{"boolValue":true},"value":{}}]"#), true),
        l(
            "array values twice in one array", attribute(#""arrayValue":{"values":[{"intValue":1}],"values":[{"intValue":2}]}"#),
            true, shows: "array([TelemetryDecoding.OTLPValue.int(1), TelemetryDecoding.OTLPValue.int(2)])"),
        l("kvlist values twice", attribute(#""kvlistValue":{"values":[{"key":"a"}],"values":[{"key":"b"}]}"#), true),
        m(
            "data points twice in a gauge", metric(#""gauge":{"dataPoints":[{}],"dataPoints":[{},{}]}"#), true,
            shows: "gauge(points: 3)"),
        m(
            "data points twice in a summary", metric(#""summary":{"dataPoints":[{}],"data_points":[{}]}"#), true,
            shows: "summary(points: 2)"),
        m("name twice", metric(#""name":"x""#), true, shows: #"name: "x""#),
    ]

    static let oneofs: [Case] = [
        m("asDouble and asInt", metrics(point: #""asDouble":1,"asInt":"1""#), false),
        m("asInt twice", metrics(point: #""asInt":1,"asInt":2"#), false),
        m("as_int and asInt", metrics(point: #""as_int":1,"asInt":2"#), false),
        l("stringValue and intValue", attribute(#""stringValue":"a","intValue":1"#), false),
        l("arrayValue twice", attribute(#""arrayValue":{},"arrayValue":{}"#), false),
        l("empty arrayValue is a value", attribute(#""arrayValue":{},"stringValue":"a""#), false),
        l("kvlistValue and bytesValue", attribute(#""kvlistValue":{},"bytesValue":"AA==""#), false),
        m("gauge and sum", metric(#""gauge":{},"sum":{}"#), false),
        m("sum twice", metric(#""sum":{},"sum":{}"#), false),
        m("histogram and exponential histogram", metric(#""histogram":{},"exponential_histogram":{}"#), false),
        m("empty gauge is a gauge", metric(#""gauge":{}"#), true, shows: "gauge(points: 0)"),
        m("empty summary", metric(#""summary":{"dataPoints":[]}"#), true, shows: "summary(points: 0)"),
    ]

    static let integers: [Case] = [
        l(
            "fixed64 as a number", logs(record: #""timeUnixNano":1795514400000000000"#), true,
            shows: "timeUnixNano: 1795514400000000000"),
        l(
            "fixed64 max", logs(record: #""timeUnixNano":"18446744073709551615""#), true,
            shows: "timeUnixNano: 18446744073709551615"),
        l("fixed64 above max", logs(record: #""timeUnixNano":"18446744073709551616""#), false),
        l("fixed64 above max unquoted", logs(record: #""timeUnixNano":18446744073709551616"#), false),
        l("exponent", logs(record: #""timeUnixNano":"1e3""#), true, shows: "timeUnixNano: 1000,"),
        l("fraction and exponent", logs(record: #""timeUnixNano":1.5e3"#), true, shows: "timeUnixNano: 1500,"),
        l("integral fraction", logs(record: #""timeUnixNano":"2.0""#), true, shows: "timeUnixNano: 2,"),
        l("fraction", logs(record: #""timeUnixNano":1.5"#), false),
        l("negative exponent", logs(record: #""timeUnixNano":1e-2"#), false),
        l("1e19", logs(record: #""timeUnixNano":1e19"#), true, shows: "timeUnixNano: 10000000000000000000"),
        l("1e20", logs(record: #""timeUnixNano":1e20"#), false),
        l(
            "through a double: 53 bits", logs(record: #""timeUnixNano":1234567890123456789.0"#), true,
            shows: "timeUnixNano: 1234567890123456768"),
        l("negative unsigned", logs(record: #""timeUnixNano":"-1""#), false),
        l("negative zero unsigned", logs(record: #""timeUnixNano":-0"#), false),
        l("leading plus", logs(record: #""timeUnixNano":"+1""#), false),
        l("leading space in the string", logs(record: #""timeUnixNano":" 1""#), false),
        l("trailing space in the string", logs(record: #""timeUnixNano":"1 ""#), false),
        l("leading zero", logs(record: #""timeUnixNano":"01""#), false),
        l("zero", logs(record: #""timeUnixNano":"0""#), true),
        l("empty string", logs(record: #""timeUnixNano":"""#), false),
        l("hex", logs(record: #""timeUnixNano":"0x10""#), false),
        l("escaped digit", logs(record: #""timeUnixNano":"\u0031""#), true, shows: "timeUnixNano: 1,"),
        l("digit then escaped digit", logs(record: #""timeUnixNano":"1\u0032""#), true, shows: "timeUnixNano: 12,"),
        l("escaped point", logs(record: #""timeUnixNano":"1\u002e0""#), true, shows: "timeUnixNano: 1,"),
        l("escape inside the fraction", logs(record: #""timeUnixNano":"1.0\u0030""#), false),
        l("escaped garbage", logs(record: #""timeUnixNano":"\u0031x""#), false),
        l("boolean for an integer", logs(record: #""timeUnixNano":true"#), false),
        m("int64 min", metrics(point: #""asInt":"-9223372036854775808""#), true, shows: "int(-9223372036854775808)"),
        m("int64 below min", metrics(point: #""asInt":"-9223372036854775809""#), false),
        m("int64 max", metrics(point: #""asInt":9223372036854775807"#), true),
        m("int64 above max", metrics(point: #""asInt":9223372036854775808"#), false),
        m("int64 2^63 as a double", metrics(point: #""asInt":9.2233720368547758e18"#), false),
        m("int64 -2^63 as a double", metrics(point: #""asInt":-9.2233720368547758e18"#), true),
        m("negative exponent form", metrics(point: #""asInt":-1e3"#), true, shows: "int(-1000)"),
        m("minus alone", metrics(point: #""asInt":"-""#), false),
        m("negative zero", metrics(point: #""asInt":-0"#), true, shows: "int(0)"),
        l("int32 max", logs(record: #""severityNumber":2147483647"#), true),
        l("int32 above max", logs(record: #""severityNumber":2147483648"#), false),
        l("int32 min", logs(record: #""severityNumber":"-2147483648""#), true),
        l("int32 quoted", logs(record: #""severityNumber":"9""#), true, shows: "severityNumber: 9"),
        l("int32 as 9.0", logs(record: #""severityNumber":9.0"#), true, shows: "severityNumber: 9"),
        l("severityNumber is an int32 here: no enum names", logs(record: #""severityNumber":"SEVERITY_NUMBER_INFO""#), false),
        m("uint32 max", metrics(point: #""flags":4294967295"#), true, shows: "flags: 4294967295"),
        m("uint32 above max", metrics(point: #""flags":4294967296"#), false),
        m("uint32 negative", metrics(point: #""flags":-1"#), false),
        l("fixed32 flags", logs(record: #""flags":"255""#), true),
        l("uint32 droppedAttributesCount above max", logs(record: #""droppedAttributesCount":4294967296"#), false),
        m(
            "sint32 scale above max",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":2147483648}]}}]}]}]}"#,
            false),
        m(
            "bucket counts as strings and numbers",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1",2,3e0],"count":"6"}]}}]}]}]}"#,
            true, shows: "count: 6"),
        m(
            "bucket count negative",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":[-1]}]}}]}]}]}"#, false
        ),
        m("malformed number in a gauge point", metric(#""gauge":{"dataPoints":[{"asInt":"1x"}]}"#), false),
        m(
            "malformed number in a summary quantile", metric(#""summary":{"dataPoints":[{"quantileValues":[{"value":"x"}]}]}"#),
            false),
        m(
            "malformed offset in exponential buckets",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"positive":{"offset":1.5}}]}}]}]}]}"#,
            false),
    ]

    static let enums: [Case] = [
        m(
            "enum by name", metrics(point: "", sum: #""aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE""#), true,
            shows: "aggregationTemporality: 2"),
        m(
            "enum by escaped name", metrics(point: "", sum: #""aggregationTemporality":"AGGREGATION_TEMPORALITY_\u0044ELTA""#),
            true,
            shows: "aggregationTemporality: 1"),
        m(
            "unknown enum name keeps the value",
            metrics(point: "", sum: #""aggregationTemporality":2,"aggregationTemporality":"FOO""#), true,
            shows: "aggregationTemporality: 2"),
        m(
            "quoted enum number is a name", metrics(point: "", sum: #""aggregationTemporality":"1""#), true,
            shows: "aggregationTemporality: 0"),
        raw(
            "enum name not UTF-8 is unknown",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"@@"}}]}]}]}"#, [0xFF], true),
        m(
            "enum number beyond 32 bits", metrics(point: "", sum: #""aggregationTemporality":4294967297"#), true,
            shows: "aggregationTemporality: 1"),
        m("negative enum", metrics(point: "", sum: #""aggregationTemporality":-1"#), true, shows: "aggregationTemporality: -1"),
        m("enum 1.0", metrics(point: "", sum: #""aggregationTemporality":1.0"#), true, shows: "aggregationTemporality: 1"),
        m("enum 1.5", metrics(point: "", sum: #""aggregationTemporality":1.5"#), false),
        m("enum true", metrics(point: "", sum: #""aggregationTemporality":true"#), false),
        m("enum with control character", metrics(point: "", sum: "\"aggregationTemporality\":\"A\u{01}\""), false),
        m(
            "histogram enum by name",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"aggregation_temporality":"AGGREGATION_TEMPORALITY_DELTA"}}]}]}]}"#,
            true, shows: "aggregationTemporality: 1"),
    ]

    static let doubles: [Case] = [
        m("NaN", metrics(point: #""asDouble":"NaN""#), true, shows: "double(nan)"),
        m("Infinity", metrics(point: #""asDouble":"Infinity""#), true, shows: "double(inf)"),
        m("-Infinity", metrics(point: #""asDouble":"-Infinity""#), true, shows: "double(-inf)"),
        m("Inf", metrics(point: #""asDouble":"Inf""#), true),
        m("-Inf", metrics(point: #""asDouble":"-Inf""#), true),
        m("escaped NaN", metrics(point: #""asDouble":"N\u0061N""#), true, shows: "double(nan)"),
        m("bare NaN", metrics(point: #""asDouble":NaN"#), false),
        m("bare Infinity", metrics(point: #""asDouble":-Infinity"#), false),
        m("lowercase nan", metrics(point: #""asDouble":"nan""#), false),
        m("-NaN", metrics(point: #""asDouble":"-NaN""#), false),
        m("quoted number", metrics(point: #""asDouble":"1.5""#), true, shows: "double(1.5)"),
        m("overflow", metrics(point: #""asDouble":1e400"#), false),
        m("quoted overflow", metrics(point: #""asDouble":"-1e400""#), false),
        m("underflow is zero", metrics(point: #""asDouble":1e-400"#), true, shows: "double(0.0)"),
        m("negative zero", metrics(point: #""asDouble":-0.0"#), true, shows: "double(-0.0)"),
        m("escaped negative zero loses its sign", metrics(point: #""asDouble":"\u002d0""#), true, shows: "double(0.0)"),
        m(
            "127 characters", metrics(point: #""asDouble":1\#(String(repeating: "0", count: 126))"#), true,
            shows: "double(1e+126)"),
        m("128 characters", metrics(point: #""asDouble":1\#(String(repeating: "0", count: 127))"#), false),
        m("128 characters of fraction", metrics(point: #""asDouble":0.\#(String(repeating: "5", count: 126))"#), false),
        m("space inside the quotes", metrics(point: #""asDouble":"1.5 ""#), false),
        m("leading plus", metrics(point: #""asDouble":"+1.5""#), false),
        m("no integer part", metrics(point: #""asDouble":.5"#), false),
        m("no fraction digits", metrics(point: #""asDouble":5."#), false),
        m("no exponent digits", metrics(point: #""asDouble":5e"#), false),
        m("leading zero", metrics(point: #""asDouble":01.5"#), false),
        m("exponent sign only", metrics(point: #""asDouble":"5e+""#), false),
        m(
            "histogram sum",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"sum":"Infinity","min":"NaN","max":1}]}}]}]}]}"#,
            true, shows: "sum: Optional(inf)"),
        m(
            "histogram bounds",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"explicitBounds":[1,"2","NaN"]}]}}]}]}]}"#,
            true),
        m(
            "histogram bounds with a bare NaN",
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"explicitBounds":[NaN]}]}}]}]}]}"#,
            false),
        l("doubleValue", attribute(#""doubleValue":"-Infinity""#), true, shows: "double(-inf)"),
    ]

    static let bools: [Case] = [
        m("bool true", metrics(point: "", sum: #""isMonotonic":true"#), true, shows: "isMonotonic: true"),
        m("bool as a string", metrics(point: "", sum: #""isMonotonic":"true""#), false),
        m("bool as a number", metrics(point: "", sum: #""isMonotonic":1"#), false),
        m("bool truncated word", metrics(point: "", sum: #""isMonotonic":tru"#), false),
        m("bool followed by a letter", metrics(point: "", sum: #""isMonotonic":truex"#), false),
        l("boolValue false", attribute(#""boolValue":false"#), true, shows: "bool(false)"),
    ]

    static let bytes: [Case] = [
        l("base64", attribute(#""bytesValue":"AQID""#), true, shows: "bytes([1, 2, 3])"),
        l("base64 without padding", attribute(#""bytesValue":"AQI""#), true, shows: "bytes([1, 2])"),
        l("base64 with padding", attribute(#""bytesValue":"AQI=""#), true, shows: "bytes([1, 2])"),
        l("base64 one byte", attribute(#""bytesValue":"AQ==""#), true, shows: "bytes([1])"),
        l("base64 one byte unpadded", attribute(#""bytesValue":"AQ""#), true, shows: "bytes([1])"),
        l("base64 wrong padding", attribute(#""bytesValue":"AQ=""#), false),
        l("base64 too much padding", attribute(#""bytesValue":"QUJD====""#), false),
        l("base64 one digit too many", attribute(#""bytesValue":"QUJDR""#), false),
        l("base64 URL-safe", attribute(#""bytesValue":"-_8""#), true, shows: "bytes([251, 255])"),
        l("base64 standard", attribute(#""bytesValue":"+/8""#), true, shows: "bytes([251, 255])"),
        l("base64 mixed alphabets", attribute(#""bytesValue":"+_8""#), false),
        l("base64 with spaces", attribute(#""bytesValue":"AQ ID ""#), true, shows: "bytes([1, 2, 3])"),
        l("base64 with spaces in the padding", attribute(#""bytesValue":"AQ = = ""#), true, shows: "bytes([1])"),
        l("base64 escaped slash", attribute(#""bytesValue":"\/\/8""#), true),
        l("base64 other escape", attribute(#""bytesValue":"AQ\nID""#), false),
        l("base64 \\u escape", attribute(#""bytesValue":"QUJ\u0044""#), false),
        l("base64 tab", attribute("\"bytesValue\":\"AQ\tID\""), false),
        l("base64 invalid character", attribute(#""bytesValue":"AQ*D""#), false),
        l("base64 data after padding", attribute(#""bytesValue":"AQ==AQ==""#), false),
        l("base64 empty", attribute(#""bytesValue":"""#), true, shows: "bytes([])"),
        l("base64 not a string", attribute(#""bytesValue":1"#), false),
        l("base64 low bits not zero", attribute(#""bytesValue":"AR""#), true, shows: "bytes([1])"),
        raw("base64 with a non-ASCII byte", logs(record: #""body":{"bytesValue":"AQ@@ID"}"#), [0xC3, 0xA9], false),
    ]

    static let strings: [Case] = [
        l(
            "escapes and a surrogate pair", logs(record: #""severityText":"a\u00e9\ud83d\ude00\n\"\\\/\b\f\r\t""#), true,
            shows: #"severityText: "aé😀\n\"\\/\u{08}\u{0C}\r\t""#),
        l("NUL escape", logs(record: #""severityText":"\u0000""#), true),
        l("lone high surrogate", logs(record: #""severityText":"\ud83d""#), false),
        l("lone low surrogate", logs(record: #""severityText":"\ude00""#), false),
        l("high surrogate then not a low one", logs(record: #""severityText":"\ud83d\u0041""#), false),
        l("bad escape", logs(record: #""severityText":"\x""#), false),
        l("short \\u escape", logs(record: #""severityText":"\u12""#), false),
        raw("invalid UTF-8", logs(record: #""severityText":"@@""#), [0xC3, 0x28], false),
        raw("overlong UTF-8", logs(record: #""severityText":"@@""#), [0xC0, 0xAF], false),
        raw("UTF-8 surrogate", logs(record: #""severityText":"@@""#), [0xED, 0xA0, 0x80], false),
        raw("control character", logs(record: #""severityText":"@@""#), [0x09], false),
        raw("invalid UTF-8 in a string not kept", metric(#""description":"@@""#), [0xFF], false),
        raw("invalid UTF-8 after an escape", logs(record: #""severityText":"\n@@""#), [0xFF], false),
        raw("valid UTF-8", logs(record: #""severityText":"@@""#), [0xE2, 0x82, 0xAC], true),
        l("number for a string", logs(record: #""severityText":1"#), false),
        m("description with escapes", metric(#""description":"a\u00e9","unit":"\ud83d\ude00""#), true),
        m("unit with a lone surrogate", metric(#""unit":"\ud800""#), false),
    ]

    static let skipped: [Case] = [
        m(
            "unknown key with nested values",
            #"{"x":{"a":[1,{"b":[[],[[]]]},null,true,false,-1.5e3,"s",{}],"c":{"d":{}}},"resourceMetrics":[]}"#, true),
        raw("unknown value with invalid UTF-8", "{\"x\":\"@@\"}", [0xFF, 0x01], true),
        m("unknown value with a bad escape", #"{"x":"\q"}"#, true),
        raw("unknown key inside a skipped object is not checked", "{\"x\":{\"@@\":1}}", [0xFF], true),
        m("unknown value: leading zero", #"{"x":01}"#, false),
        m("unknown value: overflow", #"{"x":1e400}"#, false),
        m("unknown value: underflow", #"{"x":1e-400}"#, true),
        m("unknown value: 128-character number", #"{"x":\#(String(repeating: "1", count: 128))}"#, false),
        m("unknown value: 127-character number", #"{"x":\#(String(repeating: "1", count: 127))}"#, true),
        m("unknown value: minus alone", #"{"x":-}"#, false),
        m("unknown value: bare NaN", #"{"x":NaN}"#, false),
        m("unknown value: nul", #"{"x":nul}"#, false),
        m("unknown value: trailing comma", #"{"x":[1,]}"#, false),
        m("unknown value: unclosed array", #"{"x":[}"#, false),
        m("unknown value: empty nested arrays", #"{"x":[[],[[]],[[],[]]]}"#, true),
        m("unknown value: arrays then a value", #"{"x":[[] 1]}"#, false),
        m("unknown value: object key not a string", #"{"x":{1:2}}"#, false),
        m("unknown value: missing colon", #"{"x":{"a" 2}}"#, false),
        m("unknown value: single quotes", #"{"x":'a'}"#, false),
        m("unknown value: a quoted number is any string", #"{"x":"1x"}"#, true),
        m("unknown value: truncated string", #"{"x":"abc"#, false),
        m(
            "unknown value then a known field",
            #"{"x":[{"y":null}],"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"n"}]}]}]}"#,
            true, shows: #"name: "n""#),
    ]

    // MARK: Keys by position

    struct KeyPosition {
        let signal: Signal
        /// A body with `#` where one more member goes.
        let template: String
        let known: [String]
    }

    static let unknownKeys = [
        "traceId", "spanId", "trace_id", "exemplars", "metadata", "entityRefs", "keyStrindex",
        "stringValueStrindex", "Name", "resourcemetrics", "nam", "names", "",
    ]

    static let keyPositions: [KeyPosition] = {
        let points = ["startTimeUnixNano", "start_time_unix_nano", "timeUnixNano", "time_unix_nano", "flags"]
        let inMetric = { (members: String) in metric(members) }
        return [
            KeyPosition(signal: .metrics, template: "{#}", known: ["resourceMetrics", "resource_metrics"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{#}]}"#,
                known: ["resource", "scopeMetrics", "scope_metrics", "schemaUrl", "schema_url"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"resource":{#}}]}"#,
                known: ["attributes", "droppedAttributesCount", "dropped_attributes_count"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"resource":{"attributes":[{#}]}}]}"#,
                known: ["key", "value"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"resource":{"attributes":[{"value":{#}}]}}]}"#,
                known: [
                    "stringValue", "string_value", "boolValue", "bool_value", "intValue", "int_value", "doubleValue",
                    "double_value", "arrayValue", "array_value", "kvlistValue", "kvlist_value", "bytesValue", "bytes_value",
                ]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"resource":{"attributes":[{"value":{"arrayValue":{#}}}]}}]}"#,
                known: ["values"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"resource":{"attributes":[{"value":{"kvlistValue":{#}}}]}}]}"#,
                known: ["values"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"scopeMetrics":[{#}]}]}"#,
                known: ["scope", "metrics", "schemaUrl", "schema_url"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"scopeMetrics":[{"scope":{#}}]}]}"#,
                known: ["name", "version", "attributes", "droppedAttributesCount", "dropped_attributes_count"]),
            KeyPosition(
                signal: .metrics, template: #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{#}]}]}]}"#,
                known: [
                    "name", "description", "unit", "gauge", "sum", "histogram", "exponentialHistogram",
                    "exponential_histogram", "summary",
                ]),
            KeyPosition(signal: .metrics, template: inMetric(#""gauge":{#}"#), known: ["dataPoints", "data_points"]),
            KeyPosition(signal: .metrics, template: inMetric(#""summary":{#}"#), known: ["dataPoints", "data_points"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""sum":{#}"#),
                known: [
                    "dataPoints", "data_points", "aggregationTemporality", "aggregation_temporality", "isMonotonic",
                    "is_monotonic",
                ]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""histogram":{#}"#),
                known: ["dataPoints", "data_points", "aggregationTemporality", "aggregation_temporality"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""exponentialHistogram":{#}"#),
                known: ["dataPoints", "data_points", "aggregationTemporality", "aggregation_temporality"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""sum":{"dataPoints":[{#}]}"#),
                known: points + ["attributes", "asDouble", "as_double", "asInt", "as_int"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""gauge":{"dataPoints":[{#}]}"#),
                known: points + ["attributes", "asDouble", "as_double", "asInt", "as_int"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""histogram":{"dataPoints":[{#}]}"#),
                known: points + [
                    "attributes", "count", "sum", "bucketCounts", "bucket_counts", "explicitBounds",
                    "explicit_bounds", "min", "max",
                ]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""exponentialHistogram":{"dataPoints":[{#}]}"#),
                known: points + [
                    "attributes", "count", "sum", "scale", "zeroCount", "zero_count", "positive",
                    "negative", "min", "max", "zeroThreshold", "zero_threshold",
                ]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""exponentialHistogram":{"dataPoints":[{"negative":{#}}]}"#),
                known: ["offset", "bucketCounts", "bucket_counts"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""summary":{"dataPoints":[{#}]}"#),
                known: points + ["attributes", "count", "sum", "quantileValues", "quantile_values"]),
            KeyPosition(
                signal: .metrics, template: inMetric(#""summary":{"dataPoints":[{"quantileValues":[{#}]}]}"#),
                known: ["quantile", "value"]),
            KeyPosition(signal: .logs, template: "{#}", known: ["resourceLogs", "resource_logs"]),
            KeyPosition(
                signal: .logs, template: #"{"resourceLogs":[{#}]}"#,
                known: ["resource", "scopeLogs", "scope_logs", "schemaUrl", "schema_url"]),
            KeyPosition(
                signal: .logs, template: #"{"resourceLogs":[{"scopeLogs":[{#}]}]}"#,
                known: ["scope", "logRecords", "log_records", "schemaUrl", "schema_url"]),
            KeyPosition(
                signal: .logs, template: #"{"resourceLogs":[{"scopeLogs":[{"scope":{"attributes":[{#}]}}]}]}"#,
                known: ["key", "value"]),
            KeyPosition(
                signal: .logs, template: logs(record: "#"),
                known: [
                    "timeUnixNano", "time_unix_nano", "observedTimeUnixNano", "observed_time_unix_nano",
                    "severityNumber", "severity_number", "severityText", "severity_text", "body", "attributes",
                    "droppedAttributesCount", "dropped_attributes_count", "flags", "eventName", "event_name",
                ]),
            KeyPosition(
                signal: .logs, template: logs(record: #""body":{#}"#),
                known: [
                    "stringValue", "string_value", "boolValue", "bool_value", "intValue", "int_value", "doubleValue",
                    "double_value", "arrayValue", "array_value", "kvlistValue", "kvlist_value", "bytesValue", "bytes_value",
                ]),
        ]
    }()
}
