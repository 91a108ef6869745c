/// The JSON keys of the OTLP messages in Protos/, for ``JSONBatchDecoder``: each field under its
/// lowerCamelCase JSON name and its original proto name (protobuf's JSON mapping accepts both),
/// with its field number. A field left out of Protos/ (`traceId`, `spanId`, `exemplars`…) is
/// absent here too, so its value is skipped like any unknown key. One shared instance, held by
/// the decoder, so that reading a table is a plain load.
final class OTLPJSONFields: Sendable {
    static let shared = OTLPJSONFields()

    // MARK: Requests and envelopes

    let metricsRequest = JSONFieldTable([("resourceMetrics", 1), ("resource_metrics", 1)])
    let logsRequest = JSONFieldTable([("resourceLogs", 1), ("resource_logs", 1)])

    let resourceMetrics = JSONFieldTable([
        ("resource", 1), ("scopeMetrics", 2), ("scope_metrics", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])
    let resourceLogs = JSONFieldTable([
        ("resource", 1), ("scopeLogs", 2), ("scope_logs", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])
    let scopeMetrics = JSONFieldTable([
        ("scope", 1), ("metrics", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])
    let scopeLogs = JSONFieldTable([
        ("scope", 1), ("logRecords", 2), ("log_records", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])

    // MARK: Common

    let resource = JSONFieldTable([
        ("attributes", 1), ("droppedAttributesCount", 2), ("dropped_attributes_count", 2),
    ])
    let scope = JSONFieldTable([
        ("name", 1), ("version", 2), ("attributes", 3), ("droppedAttributesCount", 4), ("dropped_attributes_count", 4),
    ])
    let keyValue = JSONFieldTable([("key", 1), ("value", 2)])
    let anyValue = JSONFieldTable([
        ("stringValue", 1), ("intValue", 3), ("doubleValue", 4), ("boolValue", 2),
        ("arrayValue", 5), ("kvlistValue", 6), ("bytesValue", 7),
        ("string_value", 1), ("bool_value", 2), ("int_value", 3), ("double_value", 4),
        ("array_value", 5), ("kvlist_value", 6), ("bytes_value", 7),
    ])
    /// `ArrayValue` and `KeyValueList`.
    let values = JSONFieldTable([("values", 1)])

    // MARK: Metrics

    let metric = JSONFieldTable([
        ("name", 1), ("description", 2), ("unit", 3), ("sum", 7), ("gauge", 5), ("histogram", 9),
        ("exponentialHistogram", 10), ("exponential_histogram", 10), ("summary", 11),
    ])
    /// `Gauge` and `Summary`.
    let dataPoints = JSONFieldTable([("dataPoints", 1), ("data_points", 1)])
    let sum = JSONFieldTable([
        ("dataPoints", 1), ("aggregationTemporality", 2), ("isMonotonic", 3),
        ("data_points", 1), ("aggregation_temporality", 2), ("is_monotonic", 3),
    ])
    /// `Histogram` and `ExponentialHistogram`.
    let histogram = JSONFieldTable([
        ("dataPoints", 1), ("aggregationTemporality", 2), ("data_points", 1), ("aggregation_temporality", 2),
    ])
    let aggregationTemporality = JSONFieldTable([
        ("AGGREGATION_TEMPORALITY_UNSPECIFIED", 0), ("AGGREGATION_TEMPORALITY_DELTA", 1),
        ("AGGREGATION_TEMPORALITY_CUMULATIVE", 2),
    ])

    let numberDataPoint = JSONFieldTable([
        ("attributes", 7), ("startTimeUnixNano", 2), ("timeUnixNano", 3), ("asDouble", 4), ("asInt", 6),
        ("flags", 8),
        ("start_time_unix_nano", 2), ("time_unix_nano", 3), ("as_double", 4), ("as_int", 6),
    ])
    let histogramDataPoint = JSONFieldTable([
        ("attributes", 9), ("startTimeUnixNano", 2), ("timeUnixNano", 3), ("count", 4), ("sum", 5),
        ("bucketCounts", 6), ("explicitBounds", 7), ("flags", 10), ("min", 11), ("max", 12),
        ("start_time_unix_nano", 2), ("time_unix_nano", 3), ("bucket_counts", 6), ("explicit_bounds", 7),
    ])
    let exponentialHistogramDataPoint = JSONFieldTable([
        ("attributes", 1), ("startTimeUnixNano", 2), ("timeUnixNano", 3), ("count", 4), ("sum", 5),
        ("scale", 6), ("zeroCount", 7), ("positive", 8), ("negative", 9), ("flags", 10), ("min", 12),
        ("max", 13), ("zeroThreshold", 14),
        ("start_time_unix_nano", 2), ("time_unix_nano", 3), ("zero_count", 7), ("zero_threshold", 14),
    ])
    let buckets = JSONFieldTable([("offset", 1), ("bucketCounts", 2), ("bucket_counts", 2)])
    let summaryDataPoint = JSONFieldTable([
        ("attributes", 7), ("startTimeUnixNano", 2), ("timeUnixNano", 3), ("count", 4), ("sum", 5),
        ("quantileValues", 6), ("flags", 8),
        ("start_time_unix_nano", 2), ("time_unix_nano", 3), ("quantile_values", 6),
    ])
    let valueAtQuantile = JSONFieldTable([("quantile", 1), ("value", 2)])

    // MARK: Logs

    let logRecord = JSONFieldTable([
        ("timeUnixNano", 1), ("observedTimeUnixNano", 11), ("severityNumber", 2), ("severityText", 3),
        ("body", 5), ("attributes", 6), ("droppedAttributesCount", 7), ("flags", 8), ("eventName", 12),
        ("time_unix_nano", 1), ("observed_time_unix_nano", 11), ("severity_number", 2), ("severity_text", 3),
        ("dropped_attributes_count", 7), ("event_name", 12),
    ])
}
