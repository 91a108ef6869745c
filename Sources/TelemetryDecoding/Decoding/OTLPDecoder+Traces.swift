extension OTLPDecoder {
    /// Decodes a trace export into the batch aggregation reads, with the hand-written decoders
    /// (there are no generated trace messages): ``ProtobufBatchDecoder`` or ``JSONBatchDecoder``.
    package func decodeTracesBatch(_ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding = .identity)
        throws(PayloadError) -> TracesBatch
    {
        let plain = try inflate(body, encoding: encoding)
        switch format {
        case .protobuf:
            do {
                return try ProtobufBatchDecoder(valueDepthLimit: valueDepthLimit).traces(plain)
            } catch {
                throw .malformed(format: .protobuf, signal: .traces, reason: error.reason)
            }
        case .json:
            if Self.isBlankJSON(plain) { return TracesBatch() }
            do {
                return try JSONBatchDecoder(messageDepthLimit: messageDepthLimit).traces(plain)
            } catch {
                throw .malformed(format: .json, signal: .traces, reason: JSONBatchDecoder.reason(error, in: plain))
            }
        }
    }
}
