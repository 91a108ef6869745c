import OTLPProto
import SwiftProtobuf

/// Turns an OTLP/HTTP request body into the export request messages.
///
/// Protobuf: unknown fields are skipped. JSON: lowerCamelCase (and original) keys, 64-bit
/// integers as strings or numbers, enums as integers, unknown fields ignored. The `.proto`
/// definitions leave out `traceId`/`spanId` and exemplars, so their hex JSON form is skipped
/// instead of being misread as base64. Nesting is bounded by ``messageDepthLimit``.
public struct OTLPDecoder: Sendable {
    /// Largest body accepted, before and after decompression.
    public var maxBodyBytes: Int
    /// Deepest message nesting accepted (each `AnyValue` array / kvlist level costs two or three).
    public var messageDepthLimit: Int

    public static let defaultMaxBodyBytes = Settings.maxBodyBytes.defaultInteger

    public init(maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes, messageDepthLimit: Int = 64) {
        self.maxBodyBytes = maxBodyBytes
        self.messageDepthLimit = messageDepthLimit
    }

    /// Decompresses (bounded) and returns the plain body.
    public func inflate(_ body: [UInt8], encoding: ContentEncoding) throws(PayloadError) -> [UInt8] {
        guard body.count <= maxBodyBytes else { throw .tooLarge(limit: maxBodyBytes, decompressed: false) }
        return try Inflater.inflate(body, encoding: encoding, limit: maxBodyBytes)
    }

    public func decodeMetrics(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity) throws(PayloadError)
        -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    {
        try decode(try inflate(body, encoding: encoding), format: format, signal: .metrics)
    }

    public func decodeLogs(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity) throws(PayloadError)
        -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
    {
        try decode(try inflate(body, encoding: encoding), format: format, signal: .logs)
    }

    /// Decodes a metrics export into the batch aggregation reads, with the hand-written decoders
    /// (no intermediate messages): ``ProtobufBatchDecoder`` or ``JSONBatchDecoder``.
    public func decodeMetricsBatch(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity)
        throws(PayloadError) -> MetricsBatch
    {
        let plain = try inflate(body, encoding: encoding)
        switch format {
        case .protobuf:
            do {
                return try ProtobufBatchDecoder(valueDepthLimit: valueDepthLimit).metrics(plain)
            } catch {
                throw .malformed(format: .protobuf, signal: .metrics, reason: error.reason)
            }
        case .json:
            if Self.isBlankJSON(plain) { return MetricsBatch() }
            do {
                return try JSONBatchDecoder(messageDepthLimit: messageDepthLimit).metrics(plain)
            } catch {
                throw .malformed(format: .json, signal: .metrics, reason: JSONBatchDecoder.reason(error, in: plain))
            }
        }
    }

    /// Decodes a logs export into the batch aggregation reads (see ``decodeMetricsBatch``).
    public func decodeLogsBatch(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity)
        throws(PayloadError) -> LogsBatch
    {
        let plain = try inflate(body, encoding: encoding)
        switch format {
        case .protobuf:
            do {
                return try ProtobufBatchDecoder(valueDepthLimit: valueDepthLimit).logs(plain)
            } catch {
                throw .malformed(format: .protobuf, signal: .logs, reason: error.reason)
            }
        case .json:
            if Self.isBlankJSON(plain) { return LogsBatch() }
            do {
                return try JSONBatchDecoder(messageDepthLimit: messageDepthLimit).logs(plain)
            } catch {
                throw .malformed(format: .json, signal: .logs, reason: JSONBatchDecoder.reason(error, in: plain))
            }
        }
    }

    /// Deepest `AnyValue` nesting for the hand-written decoder, in step with
    /// ``messageDepthLimit`` (each array level is two messages deep for swift-protobuf).
    var valueDepthLimit: Int { max(1, (messageDepthLimit - 4) / 2) }

    private func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8], format: PayloadFormat, signal: Signal) throws(PayloadError) -> M {
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

    /// An empty or whitespace-only JSON body: an empty request.
    static func isBlankJSON(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy(isJSONWhitespace)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
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
