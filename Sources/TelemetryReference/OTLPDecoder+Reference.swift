package import OTLPProto
import SwiftProtobuf
package import TelemetryDecoding

// The swift-protobuf decoding path, kept as the reference the hand-written decoders
// (``OTLPDecoder/decodeMetricsBatch(_:format:encoding:)`` and its siblings) are compared
// against by tests, fuzzing and the benchmark. No production binary links it.

extension OTLPDecoder {
    package func decodeMetrics(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity) throws(PayloadError)
        -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    {
        try decode(try inflate(body, encoding: encoding), format: format, signal: .metrics)
    }

    package func decodeLogs(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity) throws(PayloadError)
        -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
    {
        try decode(try inflate(body, encoding: encoding), format: format, signal: .logs)
    }

    func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8], format: PayloadFormat, signal: Signal) throws(PayloadError) -> M {
        // An empty body is an empty request in either encoding.
        if bytes.isEmpty || (format == .json && Self.isBlankJSON(bytes)) { return M() }
        do {
            switch format {
            case .protobuf:
                var options = BinaryDecodingOptions()
                options.messageDepthLimit = messageDepthLimit
                options.discardUnknownFields = true
                return try M(serializedBytes: bytes, extensions: nil, partial: false, options: options)
            case .json:
                var options = JSONDecodingOptions()
                options.messageDepthLimit = messageDepthLimit
                options.ignoreUnknownFields = true
                return try M(jsonUTF8Bytes: bytes, options: options)
            }
        } catch {
            throw .malformed(format: format, signal: signal, reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: return "truncated message"
        case BinaryDecodingError.malformedProtobuf: return "malformed protobuf"
        case BinaryDecodingError.invalidUTF8: return "a string field is not valid UTF-8"
        case BinaryDecodingError.messageDepthLimit, JSONDecodingError.messageDepthLimit:
            return "nesting deeper than the limit"
        case JSONDecodingError.truncated: return "truncated JSON"
        case JSONDecodingError.malformedNumber: return "a number is malformed or out of range"
        case JSONDecodingError.numberRange: return "a number is out of range"
        case JSONDecodingError.unrecognizedEnumValue: return "unknown enum value"
        case JSONDecodingError.conflictingOneOf: return "two values given for one field (e.g. asDouble and asInt)"
        case JSONDecodingError.failure: return "invalid JSON"
        // swift-protobuf also reports a number that overflows a double (1e400) this way.
        case JSONDecodingError.invalidUTF8: return "a string is not valid UTF-8, or a number is out of range"
        default:
            return String(describing: error)
        }
    }
}
