import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
import TelemetryTesting
import Testing

@testable import TelemetryService

/// The hand-written answer encodings must be byte for byte what swift-protobuf writes for the
/// same messages, in both formats.
@Suite struct ProtobufAnswerEncodingTests {
    static let messages = [
        "", "3 data points rejected: unknown metric", "quote \" backslash \\ slash /",
        "controls \u{0}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F} del \u{7F} c1 \u{80}\u{9F} after \u{A0}",
        "unicode é ☃ 😀", String(repeating: "long ", count: 60),
    ]

    @Test(arguments: messages, [Int32(0), 3, 8, 14, -1])
    func status(message: String, code: Int32) throws {
        var status = Google_Rpc_Status()
        status.code = code
        status.message = message
        #expect(
            ProtobufAnswerEncoding.status(code: code, message: message, format: .protobuf)
                == (try status.serializedBytes() as [UInt8]))
        #expect(
            ProtobufAnswerEncoding.status(code: code, message: message, format: .json)
                == (try status.jsonUTF8Bytes() as [UInt8]))
    }

    @Test(arguments: messages, [Int64(0), 1, 300, Int64.max])
    func exportResponses(message: String, rejected: Int64) throws {
        var metrics = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
        metrics.partialSuccess.rejectedDataPoints = rejected
        metrics.partialSuccess.errorMessage = message
        var logs = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        logs.partialSuccess.rejectedLogRecords = rejected
        logs.partialSuccess.errorMessage = message
        for format in [PayloadFormat.protobuf, .json] {
            let expectedMetrics: [UInt8] = format == .protobuf ? try metrics.serializedBytes() : try metrics.jsonUTF8Bytes()
            let expectedLogs: [UInt8] = format == .protobuf ? try logs.serializedBytes() : try logs.jsonUTF8Bytes()
            #expect(
                ProtobufAnswerEncoding.exportResponse(
                    rejectedField: "rejectedDataPoints", partialSuccess: (rejected, message), format: format) == expectedMetrics)
            #expect(
                ProtobufAnswerEncoding.exportResponse(
                    rejectedField: "rejectedLogRecords", partialSuccess: (rejected, message), format: format) == expectedLogs)
        }
    }

    @Test func nothingRejectedIsTheEmptyMessage() throws {
        let empty = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
        #expect(
            ProtobufAnswerEncoding.exportResponse(rejectedField: "rejectedDataPoints", partialSuccess: nil, format: .protobuf)
                == (try empty.serializedBytes() as [UInt8]))
        #expect(
            ProtobufAnswerEncoding.exportResponse(rejectedField: "rejectedDataPoints", partialSuccess: nil, format: .json)
                == (try empty.jsonUTF8Bytes() as [UInt8]))
    }
}
