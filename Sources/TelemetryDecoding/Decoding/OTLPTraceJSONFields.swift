/// The JSON keys of the trace messages for ``JSONBatchDecoder``'s trace section (see
/// ``OTLPJSONFields`` for the common messages). Fields the receiver does not read (`traceState`,
/// `parentSpanId`, `kind`, span `events` and `links`, dropped counts, `flags`) are left out and
/// so skipped like unknown keys.
final class OTLPTraceJSONFields: Sendable {
    static let shared = OTLPTraceJSONFields()

    let tracesRequest = JSONFieldTable([("resourceSpans", 1), ("resource_spans", 1)])
    let resourceSpans = JSONFieldTable([
        ("resource", 1), ("scopeSpans", 2), ("scope_spans", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])
    let scopeSpans = JSONFieldTable([
        ("scope", 1), ("spans", 2), ("schemaUrl", 3), ("schema_url", 3),
    ])
    let span = JSONFieldTable([
        ("traceId", 1), ("spanId", 2), ("name", 5), ("startTimeUnixNano", 7), ("endTimeUnixNano", 8),
        ("attributes", 9), ("status", 15),
        ("trace_id", 1), ("span_id", 2), ("start_time_unix_nano", 7), ("end_time_unix_nano", 8),
    ])
    let status = JSONFieldTable([("message", 2), ("code", 3)])
    let statusCode = JSONFieldTable([
        ("STATUS_CODE_UNSET", 0), ("STATUS_CODE_OK", 1), ("STATUS_CODE_ERROR", 2),
    ])
}
