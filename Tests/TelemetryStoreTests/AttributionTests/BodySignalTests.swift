import TelemetryTesting
import Testing

@testable import TelemetryDecoding
@testable import TelemetryStore

/// Claude Code with the seed's `…/claude?user=UUID` posts both signals to `…/claude`: only the
/// body says which it is.
@Suite("Signal told from the body")
struct BodySignalTests {
    static let fixtures: [(String, BodySignal)] = [
        ("metrics-delta.pb", .metrics), ("metrics-delta.json", .metrics), ("metrics-delta.pb.gz", .metrics),
        ("metrics-delta.json.gz", .metrics), ("metrics-kinds.pb", .metrics), ("metrics-kinds.json", .metrics),
        ("metrics-cumulative-1.pb", .metrics), ("logs.pb", .logs), ("logs.json", .logs), ("logs.pb.gz", .logs),
        ("logs.json.gz", .logs),
    ]

    @Test("fixtures made by the OpenTelemetry Python encoders, both encodings, gzip", arguments: fixtures)
    func fixture(_ name: String, _ expected: BodySignal) throws {
        let (format, encoding) = Fixtures.kind(name)
        let plain = try OTLPDecoder().inflate(try Fixtures.bytes(name), encoding: encoding)
        #expect(try BodySignal.detect(plain, format: format) == expected)
    }

    @Test("empty requests carry nothing, in either encoding")
    func empty() throws {
        #expect(try BodySignal.detect([], format: .protobuf) == nil)
        #expect(try BodySignal.detect(Array(" {} ".utf8), format: .json) == nil)
        #expect(try BodySignal.detect(Array("{\"resourceLogs\": []}".utf8), format: .json) == nil)
        #expect(try BodySignal.detect(try Fixtures.bytes("empty-metrics.pb"), format: .protobuf) == nil)
    }

    @Test("a metric whose name comes after its data, and a record without a time first")
    func fieldOrder() throws {
        // Metric{7: Sum{}} then 1: "m": the data field decides.
        let metric: [UInt8] = [0x3A, 0x00, 0x0A, 0x01, 0x6D]
        #expect(try BodySignal.detect(envelope(metric), format: .protobuf) == .metrics)
        // LogRecord{2: severity 9, 1: time (fixed64)}.
        let record: [UInt8] = [0x10, 0x09, 0x09, 1, 0, 0, 0, 0, 0, 0, 0]
        #expect(try BodySignal.detect(envelope(record), format: .protobuf) == .logs)
    }

    @Test("trace exports are recognised, not mistaken for metrics (a span starts with bytes in field 1 too)")
    func traces() throws {
        // Span{1: trace id (16 bytes), 2: span id (8 bytes), 5: name, 7: start, 8: end}.
        var span: [UInt8] = [0x0A, 16] + Array(repeating: 1, count: 16) + [0x12, 8] + Array(repeating: 2, count: 8)
        span += [0x2A, 4] + Array("tool".utf8)
        span += [0x39] + Array(repeating: 3, count: 8) + [0x41] + Array(repeating: 4, count: 8)
        #expect(try BodySignal.detect(envelope(span), format: .protobuf) == .traces)
        #expect(try BodySignal.detect(Array("{\"resourceSpans\": [{\"scopeSpans\": []}]}".utf8), format: .json) == .traces)
    }

    @Test("malformed and mixed bodies are refused")
    func refused() {
        #expect(throws: BodySignalError.self) { try BodySignal.detect([0x0A, 0xFF, 0x01], format: .protobuf) }
        #expect(throws: BodySignalError.self) { try BodySignal.detect(Array("{\"resourceMetrics\": [".utf8), format: .json) }
        #expect(throws: BodySignalError.ambiguous) {
            try BodySignal.detect(Array("{\"resourceMetrics\": [{}], \"resourceLogs\": [{}]}".utf8), format: .json)
        }
    }

    /// `item` wrapped as request → field 1 → field 2 → field 2.
    private func envelope(_ item: [UInt8]) -> [UInt8] {
        let scope = [0x12, UInt8(item.count)] + item
        let resource = [0x12, UInt8(scope.count)] + scope
        return [0x0A, UInt8(resource.count)] + resource
    }
}
