/// One export request, decoded but not yet applied: what the store's attribution path reads the
/// installation from, then hands to the ingestor unchanged (no second decoding).
package enum DecodedExport: Sendable {
    case metrics(MetricsBatch)
    case logs(LogsBatch)
    case traces(TracesBatch)

    package var signal: Signal {
        switch self {
        case .metrics: .metrics
        case .logs: .logs
        case .traces: .traces
        }
    }

    /// True when the request carries no resource at all (an empty export: a success).
    package var isEmpty: Bool {
        switch self {
        case .metrics(let batch): batch.resourceMetrics.isEmpty
        case .logs(let batch): batch.resourceLogs.isEmpty
        case .traces(let batch): batch.resourceSpans.isEmpty
        }
    }
}
