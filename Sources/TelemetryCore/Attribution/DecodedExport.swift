/// One export request, decoded but not yet applied: what the attribution path reads the
/// installation from, then hands to the ingestor unchanged (no second decoding).
public enum DecodedExport: Sendable {
    case metrics(MetricsBatch)
    case logs(LogsBatch)

    public var signal: Signal {
        switch self {
        case .metrics: .metrics
        case .logs: .logs
        }
    }

    /// True when the request carries no resource at all (an empty export: a success).
    public var isEmpty: Bool {
        switch self {
        case .metrics(let batch): batch.resourceMetrics.isEmpty
        case .logs(let batch): batch.resourceLogs.isEmpty
        }
    }

    public func identity() throws(AttributionError) -> ExportIdentity {
        switch self {
        case .metrics(let batch): try ExportIdentity(batch)
        case .logs(let batch): try ExportIdentity(batch)
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
        }
    }
}

extension TelemetryIngestor {
    /// Applies an already decoded export to `user`: the same checks, lock and aggregation as
    /// ``ingest(_:body:format:encoding:user:now:)``.
    public func apply(_ export: DecodedExport, user: UserID, now: Timestamp = .now()) throws -> ApplyReport {
        guard users.exists(user) else { throw IngestError.unknownUser(user) }
        if export.isEmpty { return ApplyReport() }
        return try store.update(user) { document in
            try checkStillExists(user)
            let report: ApplyReport
            switch export {
            case .metrics(let batch): report = metrics.apply(batch, to: &document, now: now)
            case .logs(let batch): report = logs.apply(batch, to: &document, now: now)
            }
            return (report, report.changedDocument)
        }
    }
}
