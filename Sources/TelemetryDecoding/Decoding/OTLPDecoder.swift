/// Turns an OTLP/HTTP request body into the batches aggregation reads (the swift-protobuf
/// messages the decoders are checked against are built in TelemetryReference).
///
/// Protobuf: unknown fields are skipped. JSON: lowerCamelCase (and original) keys, 64-bit
/// integers as strings or numbers, enums as integers, unknown fields ignored. The `.proto`
/// definitions leave out `traceId`/`spanId` and exemplars, so their hex JSON form is skipped
/// instead of being misread as base64. Nesting is bounded by ``messageDepthLimit``.
package struct OTLPDecoder: Sendable {
    /// Largest body accepted, before and after decompression.
    package var maxBodyBytes: Int
    /// Deepest message nesting accepted (each `AnyValue` array / kvlist level costs two or three).
    package var messageDepthLimit: Int

    /// 20 MiB. The settings table (`Settings.maxBodyBytes` in the store, which decoding does not
    /// depend on) takes its default from here, so the number is written once.
    package static let defaultMaxBodyBytes = 20_971_520

    package init(maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes, messageDepthLimit: Int = 64) {
        self.maxBodyBytes = maxBodyBytes
        self.messageDepthLimit = messageDepthLimit
    }

    /// Decompresses (bounded) and returns the plain body; `charge` is asked before the
    /// decompressed body grows (``InflationCharge``).
    package func inflate(
        _ body: [UInt8], encoding: ContentEncoding, charge: (any InflationCharge)? = nil
    ) throws(PayloadError) -> [UInt8] {
        guard body.count <= maxBodyBytes else { throw .tooLarge(limit: maxBodyBytes, decompressed: false) }
        return try Inflater.inflate(body, encoding: encoding, limit: maxBodyBytes, charge: charge)
    }

    /// Decodes a metrics export into the batch aggregation reads, with the hand-written decoders
    /// (no intermediate messages): ``ProtobufBatchDecoder`` or ``JSONBatchDecoder``.
    package func decodeMetricsBatch(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity)
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
    package func decodeLogsBatch(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity)
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
    package var valueDepthLimit: Int { max(1, (messageDepthLimit - 4) / 2) }

    /// An empty or whitespace-only JSON body: an empty request.
    package static func isBlankJSON(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy(isJSONWhitespace)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
