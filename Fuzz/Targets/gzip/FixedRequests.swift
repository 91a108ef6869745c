// Requests that continue the fixture scenario (Tests/TelemetryTesting/Fixtures/README.md):
// same resource, scope and identity attributes, so their series keys are those the fixtures
// create. The gzip target applies the minute-10 requests to every stored document that
// decodes; Fuzz/Tools/aggregate-seeds.swift applies the minute-5 ones when it writes the
// seeds, so the seeds hold cumulative (sum and histogram) series state those requests meet.

import OTLPProto

enum FixedRequests {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

    static let t0: UInt64 = 1_795_514_400 * 1_000_000_000
    static let second: UInt64 = 1_000_000_000

    static func kv(_ key: String, _ text: String) -> KeyValue {
        var entry = KeyValue()
        entry.key = key
        entry.value.stringValue = text
        return entry
    }

    static let identity = [
        kv("user.id", "7f3a9c"), kv("session.id", "sess-1"), kv("app.version", "2.0.50"), kv("terminal.type", "vscode"),
        kv("organization.id", "org-1"), kv("user.email", "dev@example.com"), kv("user.account_uuid", "acc-1"),
    ]

    static func scope(_ name: String) -> Opentelemetry_Proto_Common_V1_InstrumentationScope {
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = name
        scope.version = "2.0.50"
        return scope
    }

    static var resource: Opentelemetry_Proto_Resource_V1_Resource {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = [
            kv("service.name", "claude-code"), kv("service.version", "2.0.50"),
            kv("os.type", "linux"), kv("host.arch", "amd64"),
        ]
        return resource
    }

    /// At T0 + `minute` min: the cumulative token-usage series of metrics-cumulative-1/2.pb
    /// (running total 500 per minute), a delta session count, and cumulative gen_ai histograms.
    static func metrics(minute: UInt64) -> MetricsRequest {
        let time = t0 + minute * 60 * second

        func sum(
            _ name: String, _ temporality: Opentelemetry_Proto_Metrics_V1_AggregationTemporality,
            _ attributes: [KeyValue], start: UInt64, value: Double
        ) -> Opentelemetry_Proto_Metrics_V1_Metric {
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.attributes = identity + attributes
            point.startTimeUnixNano = start
            point.timeUnixNano = time
            point.asDouble = value
            var sum = Opentelemetry_Proto_Metrics_V1_Sum()
            sum.aggregationTemporality = temporality
            sum.isMonotonic = true
            sum.dataPoints = [point]
            var metric = Opentelemetry_Proto_Metrics_V1_Metric()
            metric.name = name
            metric.sum = sum
            return metric
        }

        func histogram(_ name: String, _ attributes: [KeyValue], count: UInt64, sum: Double)
            -> Opentelemetry_Proto_Metrics_V1_Metric
        {
            var point = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
            point.attributes = identity + attributes
            point.startTimeUnixNano = t0
            point.timeUnixNano = time
            point.count = count
            point.sum = sum
            var histogram = Opentelemetry_Proto_Metrics_V1_Histogram()
            histogram.aggregationTemporality = .cumulative
            histogram.dataPoints = [point]
            var metric = Opentelemetry_Proto_Metrics_V1_Metric()
            metric.name = name
            metric.histogram = histogram
            return metric
        }

        let sonnet = "claude-sonnet-4-5"
        var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scopeMetrics.scope = scope("com.anthropic.claude_code")
        scopeMetrics.metrics = [
            sum(
                "claude_code.token.usage", .cumulative, [kv("type", "input"), kv("model", sonnet)],
                start: t0, value: Double(500 * minute)),
            sum("claude_code.session.count", .delta, [kv("start_type", "fresh")], start: time - 60 * second, value: 1),
            histogram(
                "gen_ai.client.token.usage", [kv("gen_ai.token.type", "input"), kv("gen_ai.request.model", sonnet)],
                count: 2 * minute, sum: Double(300 * minute)),
            histogram(
                "gen_ai.client.operation.duration", [kv("gen_ai.request.model", sonnet)],
                count: minute, sum: Double(minute) * 1.5),
        ]
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource = resource
        resourceMetrics.scopeMetrics = [scopeMetrics]
        var request = MetricsRequest()
        request.resourceMetrics = [resourceMetrics]
        return request
    }

    /// At T0 + `minute` min: an api_request, a failed tool_result and an edit decision.
    static func logs(minute: UInt64) -> LogsRequest {
        func record(_ name: String, _ attributes: [KeyValue], offset: UInt64) -> Opentelemetry_Proto_Logs_V1_LogRecord {
            var record = Opentelemetry_Proto_Logs_V1_LogRecord()
            record.timeUnixNano = t0 + minute * 60 * second + offset * second
            record.observedTimeUnixNano = record.timeUnixNano
            record.severityNumber = 9
            record.body.stringValue = "claude_code.\(name)"
            record.attributes = [kv("event.name", name)] + identity + attributes
            return record
        }
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope = scope("com.anthropic.claude_code.events")
        scopeLogs.logRecords = [
            record(
                "api_request",
                [
                    kv("model", "claude-sonnet-4-5"), kv("cost_usd", "0.5"), kv("input_tokens", "100"),
                    kv("output_tokens", "20"), kv("request_id", "req_fuzz_\(minute)"),
                ], offset: 1),
            record("tool_result", [kv("tool_name", "Bash"), kv("success", "false")], offset: 2),
            record("tool_decision", [kv("tool_name", "Edit"), kv("decision", "accept")], offset: 3),
        ]
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource = resource
        resourceLogs.scopeLogs = [scopeLogs]
        var request = LogsRequest()
        request.resourceLogs = [resourceLogs]
        return request
    }
}
