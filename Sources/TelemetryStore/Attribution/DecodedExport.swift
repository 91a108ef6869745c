import TelemetryDecoding

/// One export request, decoded but not yet applied: what the attribution path reads the
/// installation from, then hands to the ingestor unchanged (no second decoding).
public enum DecodedExport: Sendable {
    case metrics(MetricsBatch)
    case logs(LogsBatch)
    case traces(TracesBatch)

    public var signal: Signal {
        switch self {
        case .metrics: .metrics
        case .logs: .logs
        case .traces: .traces
        }
    }

    /// True when the request carries no resource at all (an empty export: a success).
    public var isEmpty: Bool {
        switch self {
        case .metrics(let batch): batch.resourceMetrics.isEmpty
        case .logs(let batch): batch.resourceLogs.isEmpty
        case .traces(let batch): batch.resourceSpans.isEmpty
        }
    }

    public func identity() throws(AttributionError) -> ExportIdentity {
        switch self {
        case .metrics(let batch): try ExportIdentity(batch)
        case .logs(let batch): try ExportIdentity(batch)
        case .traces(let batch): try ExportIdentity(batch)
        }
    }
}

extension OTLPDecoder {
    /// Decodes a body whose signal is known.
    public func decode(_ signal: Signal, _ body: [UInt8], format: PayloadFormat, encoding: ContentEncoding) throws(PayloadError)
        -> DecodedExport
    {
        switch signal {
        case .metrics: .metrics(try decodeMetricsBatch(body, format: format, encoding: encoding))
        case .logs: .logs(try decodeLogsBatch(body, format: format, encoding: encoding))
        case .traces: .traces(try decodeTracesBatch(body, format: format, encoding: encoding))
        }
    }
}
