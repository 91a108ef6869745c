extension OTLPDecoder {
    /// Decodes a body whose signal is known.
    package func decode(_ signal: Signal, _ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding) throws(PayloadError)
        -> DecodedExport
    {
        switch signal {
        case .metrics: .metrics(try decodeMetricsBatch(body, format: format, encoding: encoding))
        case .logs: .logs(try decodeLogsBatch(body, format: format, encoding: encoding))
        case .traces: .traces(try decodeTracesBatch(body, format: format, encoding: encoding))
        }
    }
}
