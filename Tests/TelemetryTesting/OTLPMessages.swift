// Building OTLP request messages (swift-protobuf's generated types) for tests, and their bytes.

package import OTLPProto
package import SwiftProtobuf
import TelemetryDecoding
import TelemetryStore

package typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
package typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
package typealias OTLPMetric = Opentelemetry_Proto_Metrics_V1_Metric
package typealias OTLPNumberPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint
package typealias OTLPHistogramPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint
package typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
package typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
package typealias OTLPLogRecord = Opentelemetry_Proto_Logs_V1_LogRecord
package typealias Temporality = Opentelemetry_Proto_Metrics_V1_AggregationTemporality

package func anyValue(_ text: String) -> OTLPAnyValue {
    var value = OTLPAnyValue()
    value.stringValue = text
    return value
}

package func kv(_ key: String, _ text: String) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value = anyValue(text)
    return entry
}

package func kv(_ key: String, int: Int64) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.intValue = int
    return entry
}

package func kv(_ key: String, double: Double) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.doubleValue = double
    return entry
}

package func kv(_ key: String, bool: Bool) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.boolValue = bool
    return entry
}

/// A number point carrying the identity attributes followed by `attributes`.
package func numberPoint(
    _ attributes: [OTLPKeyValue], _ value: Double, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1, identity: Bool = true
) -> OTLPNumberPoint {
    var point = OTLPNumberPoint()
    point.attributes = (identity ? Scenario.identityAttributes : []) + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.asDouble = value
    return point
}

package func intPoint(
    _ attributes: [OTLPKeyValue], _ value: Int64, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1
) -> OTLPNumberPoint {
    var point = OTLPNumberPoint()
    point.attributes = Scenario.identityAttributes + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.asInt = value
    return point
}

package func sumMetric(
    _ name: String, _ points: [OTLPNumberPoint], temporality: Temporality = .delta,
    monotonic: Bool = true, description: String = "", unit: String = ""
) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    metric.description_p = description
    metric.unit = unit
    var sum = Opentelemetry_Proto_Metrics_V1_Sum()
    sum.dataPoints = points
    sum.aggregationTemporality = temporality
    sum.isMonotonic = monotonic
    metric.sum = sum
    return metric
}

package func gaugeMetric(_ name: String, _ points: [OTLPNumberPoint]) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    var gauge = Opentelemetry_Proto_Metrics_V1_Gauge()
    gauge.dataPoints = points
    metric.gauge = gauge
    return metric
}

package func histogramPoint(
    _ attributes: [OTLPKeyValue], count: UInt64, sum: Double?, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1
) -> OTLPHistogramPoint {
    var point = OTLPHistogramPoint()
    point.attributes = Scenario.identityAttributes + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.count = count
    if let sum { point.sum = sum }
    return point
}

package func histogramMetric(_ name: String, _ points: [OTLPHistogramPoint], temporality: Temporality = .delta) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    var histogram = Opentelemetry_Proto_Metrics_V1_Histogram()
    histogram.dataPoints = points
    histogram.aggregationTemporality = temporality
    metric.histogram = histogram
    return metric
}

/// One resource (the scenario's) and one scope (the meter's) around `metrics`.
package func metricsRequest(_ metrics: [OTLPMetric]) -> MetricsRequest {
    var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scopeMetrics.scope = Scenario.scope(Scenario.meterScope)
    scopeMetrics.metrics = metrics
    var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resourceMetrics.resource = Scenario.resource
    resourceMetrics.scopeMetrics = [scopeMetrics]
    var request = MetricsRequest()
    request.resourceMetrics = [resourceMetrics]
    return request
}

/// A Claude Code event record: body `claude_code.<name>`, `event.name`, identity, then `attributes`.
package func eventRecord(_ name: String, _ attributes: [OTLPKeyValue], time: UInt64) -> OTLPLogRecord {
    var record = OTLPLogRecord()
    record.timeUnixNano = time
    record.observedTimeUnixNano = time
    record.severityNumber = 9
    record.body = anyValue("claude_code.\(name)")
    record.attributes = [kv("event.name", name)] + Scenario.identityAttributes + attributes
    return record
}

package func logsRequest(_ records: [OTLPLogRecord]) -> LogsRequest {
    var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
    scopeLogs.scope = Scenario.scope(Scenario.loggerScope)
    scopeLogs.logRecords = records
    var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
    resourceLogs.resource = Scenario.resource
    resourceLogs.scopeLogs = [scopeLogs]
    var request = LogsRequest()
    request.resourceLogs = [resourceLogs]
    return request
}

/// A small delta batch for one user: one session, `input` input tokens, at a distinct time.
package func smallDeltaBatch(sequence: UInt64, input: Double = 10) -> MetricsRequest {
    let start = Scenario.t0 + sequence * 1_000
    let time = start + 500
    return metricsRequest([
        sumMetric(MetricName.sessionCount, [numberPoint([], 1, start: start, time: time)]),
        sumMetric(
            MetricName.tokenUsage,
            [
                numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], input, start: start, time: time)
            ]),
    ])
}

package func protobufBytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.serializedBytes()
}

package func jsonBytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.jsonUTF8Bytes()
}
