package import OTLPProto
import TelemetryDecoding
package import TelemetryStore

// Tests and the benchmark build requests field by field with the swift-protobuf message
// types; these apply them through the batch the production path reads.

extension MetricsAggregator {
    /// Applies a request built with the swift-protobuf message types.
    package func apply(
        _ request: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest,
        to document: inout AggregateDocument, now: Timestamp
    ) -> ApplyReport {
        apply(MetricsBatch(request), to: &document, now: now)
    }
}

extension LogsAggregator {
    /// Applies a request built with the swift-protobuf message types.
    package func apply(
        _ request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest,
        to document: inout AggregateDocument, now: Timestamp
    ) -> ApplyReport {
        apply(LogsBatch(request), to: &document, now: now)
    }
}
