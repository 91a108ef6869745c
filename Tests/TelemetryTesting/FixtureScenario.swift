// The fixture scenario (scripts/fixture_scenario.py): its values, and its messages rebuilt
// with the generated types so decoded fixtures can be compared with `==`.

package import OTLPProto

package enum Scenario {
    package static let nanosPerSecond: UInt64 = 1_000_000_000
    /// 2026-11-24T10:00:00Z
    package static let t0: UInt64 = 1_795_514_400 * nanosPerSecond
    package static let t1: UInt64 = t0 + 60 * nanosPerSecond
    package static func at(_ seconds: UInt64) -> UInt64 { t0 + seconds * nanosPerSecond }
    package static let day = "2026-11-24"

    package static let sonnet = "claude-sonnet-4-5"
    package static let haiku = "claude-haiku-4-5"

    package static let identity: [(String, String)] = [
        ("user.id", "7f3a9c"),
        ("session.id", "sess-1"),
        ("app.version", "2.0.50"),
        ("terminal.type", "vscode"),
        ("organization.id", "org-1"),
        ("user.email", "dev@example.com"),
        ("user.account_uuid", "acc-1"),
    ]
    package static var identityAttributes: [OTLPKeyValue] { identity.map { kv($0.0, $0.1) } }

    package static var resource: Opentelemetry_Proto_Resource_V1_Resource {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = [
            kv("service.name", "claude-code"), kv("service.version", "2.0.50"),
            kv("os.type", "linux"), kv("host.arch", "amd64"),
        ]
        return resource
    }

    package static func scope(_ name: String) -> Opentelemetry_Proto_Common_V1_InstrumentationScope {
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = name
        scope.version = "2.0.50"
        return scope
    }

    package static let meterScope = "com.anthropic.claude_code"
    package static let loggerScope = "com.anthropic.claude_code.events"
}

//
// scripts/fixture_scenario.py message by message, so decoded fixtures can be compared with `==`
// field for field.

package enum ScenarioMessages {
    // MARK: metrics-delta

    package static func metricsDelta() -> MetricsRequest {
        let s = Scenario.sonnet
        let h = Scenario.haiku
        return metricsRequest([
            sumMetric(
                "claude_code.session.count", [numberPoint([kv("start_type", "fresh")], 1)],
                description: "Count of CLI sessions started"),
            sumMetric(
                "claude_code.token.usage",
                [
                    numberPoint([kv("type", "input"), kv("model", s)], 1500),
                    numberPoint([kv("type", "output"), kv("model", s)], 300),
                    numberPoint([kv("type", "cacheRead"), kv("model", s)], 12000),
                    numberPoint([kv("type", "cacheCreation"), kv("model", s)], 800),
                    numberPoint([kv("type", "input"), kv("model", h)], 200),
                    numberPoint([kv("type", "output"), kv("model", h)], 50),
                ], description: "Number of tokens used", unit: "tokens"),
            sumMetric(
                "claude_code.cost.usage",
                [
                    numberPoint([kv("model", s)], 0.0123),
                    numberPoint([kv("model", h)], 0.0004),
                ], description: "Cost of the Claude Code session", unit: "USD"),
            sumMetric(
                "claude_code.lines_of_code.count",
                [
                    numberPoint([kv("type", "added")], 42),
                    numberPoint([kv("type", "removed")], 7),
                ], description: "Count of lines of code modified"),
            sumMetric("claude_code.commit.count", [numberPoint([], 2)], description: "Number of git commits created"),
            sumMetric(
                "claude_code.pull_request.count", [numberPoint([], 1)],
                description: "Number of pull requests created"),
            sumMetric(
                "claude_code.code_edit_tool.decision",
                [
                    numberPoint(
                        [
                            kv("tool_name", "Edit"), kv("decision", "accept"), kv("source", "config"),
                            kv("language", "Swift"),
                        ], 3),
                    numberPoint(
                        [
                            kv("tool_name", "Write"), kv("decision", "reject"), kv("source", "user_reject"),
                            kv("language", "Python"),
                        ], 1),
                    numberPoint(
                        [
                            kv("tool", "Edit"), kv("decision", "accept"), kv("source", "config"),
                            kv("language", "Swift"),
                        ], 1),
                ], description: "Count of code editing tool permission decisions"),
            sumMetric(
                "claude_code.active_time.total",
                [
                    numberPoint([kv("type", "user")], 90.5),
                    numberPoint([kv("type", "cli")], 29.5),
                ], description: "Total active time in seconds", unit: "s"),
        ])
    }

    // MARK: metrics-cumulative-N

    package static let cumulativeSteps: [(start: UInt64, time: UInt64, value: Double)] = [
        (Scenario.t0, Scenario.at(60), 1000),
        (Scenario.t0, Scenario.at(120), 1500),
        (Scenario.at(150), Scenario.at(180), 200),
    ]

    package static func metricsCumulative(_ step: Int) -> MetricsRequest {
        let (start, time, value) = cumulativeSteps[step - 1]
        return metricsRequest([
            sumMetric(
                "claude_code.token.usage",
                [numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], value, start: start, time: time)],
                temporality: .cumulative, description: "Number of tokens used", unit: "tokens")
        ])
    }

    // MARK: metrics-kinds

    package static func metricsKinds() -> MetricsRequest {
        var tokenInput = histogramPoint(
            [kv("gen_ai.token.type", "input"), kv("gen_ai.request.model", Scenario.sonnet)],
            count: 2, sum: 700)
        tokenInput.bucketCounts = [0, 1, 1]
        tokenInput.explicitBounds = [100, 500]
        tokenInput.min = 200
        tokenInput.max = 500
        var tokenOutput = histogramPoint(
            [kv("gen_ai.token.type", "output"), kv("gen_ai.request.model", Scenario.sonnet)],
            count: 2, sum: 90)
        tokenOutput.bucketCounts = [2, 0, 0]
        tokenOutput.explicitBounds = [100, 500]
        tokenOutput.min = 40
        tokenOutput.max = 50
        var tokens = histogramMetric("gen_ai.client.token.usage", [tokenInput, tokenOutput])
        tokens.description_p = "Measures number of input and output tokens used"
        tokens.unit = "{token}"

        var durationPoint = histogramPoint([kv("gen_ai.request.model", Scenario.sonnet)], count: 2, sum: 3.5)
        durationPoint.bucketCounts = [0, 2]
        durationPoint.explicitBounds = [1]
        durationPoint.min = 1.5
        durationPoint.max = 2
        var duration = histogramMetric("gen_ai.client.operation.duration", [durationPoint])
        duration.description_p = "GenAI operation duration"
        duration.unit = "s"

        // The encoders drop a gauge's start time.
        var gauge = gaugeMetric("example.gauge", [numberPoint([], 0.75, start: 0)])
        gauge.description_p = "An example gauge"
        gauge.unit = "1"

        var expPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
        expPoint.attributes = Scenario.identityAttributes
        expPoint.startTimeUnixNano = Scenario.t0
        expPoint.timeUnixNano = Scenario.t1
        expPoint.count = 3
        expPoint.sum = 6
        expPoint.scale = 1
        expPoint.zeroCount = 1
        var positive = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint.Buckets()
        positive.offset = 0
        positive.bucketCounts = [1, 1]
        expPoint.positive = positive
        expPoint.min = 0
        expPoint.max = 2
        var expHistogram = Opentelemetry_Proto_Metrics_V1_ExponentialHistogram()
        expHistogram.dataPoints = [expPoint]
        expHistogram.aggregationTemporality = .delta
        var exp = OTLPMetric()
        exp.name = "example.exphist"
        exp.description_p = "An example exponential histogram"
        exp.unit = "1"
        exp.exponentialHistogram = expHistogram

        return metricsRequest([
            sumMetric(
                "claude_code.tool.usage", [intPoint([kv("tool_name", "Bash")], 4), intPoint([kv("tool_name", "Read")], 6)],
                description: "Number of tool calls"),
            tokens, duration, gauge, exp,
        ])
    }

    // MARK: logs

    /// (event name, specific attributes, traced?, name only in LogRecord.event_name?)
    package static let logEvents: [(String, [OTLPKeyValue], Bool, Bool)] = [
        (
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("cost_usd", "0.0123"), kv("duration_ms", "2300"), kv("input_tokens", "1500"),
                kv("output_tokens", "300"), kv("cache_read_tokens", "12000"), kv("cache_creation_tokens", "800"),
                kv("request_id", "req_01"),
            ], true, false
        ),
        (
            "api_request",
            [
                kv("model", Scenario.haiku), kv("cost_usd", double: 0.0004), kv("cost_usd_micros", int: 400),
                kv("duration_ms", int: 450), kv("input_tokens", int: 200), kv("output_tokens", int: 50),
                kv("cache_read_tokens", int: 0), kv("cache_creation_tokens", int: 0), kv("request_id", "req_02"),
                kv("speed", "normal"), kv("query_source", "main"), kv("effort", "medium"),
            ], true, false
        ),
        (
            "api_error",
            [
                kv("model", Scenario.sonnet), kv("error", "Overloaded"), kv("status_code", "529"), kv("duration_ms", "1200"),
                kv("attempt", int: 1), kv("request_id", "req_03"),
            ], true, false
        ),
        (
            "api_error",
            [
                kv("model", Scenario.sonnet), kv("error", "Rate limited"), kv("status_code", int: 429),
                kv("duration_ms", int: 10), kv("attempt", int: 2),
            ], true, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Bash"), kv("tool_use_id", "tu_1"), kv("success", "true"), kv("duration_ms", "120"),
            ], false, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Bash"), kv("tool_use_id", "tu_2"), kv("success", bool: false), kv("duration_ms", int: 80),
                kv("error_type", "exit_code"), kv("error", "exit status 1"),
            ], false, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Edit"), kv("tool_use_id", "tu_3"), kv("success", bool: true), kv("duration_ms", int: 15),
                kv("decision_type", "accept"), kv("decision_source", "config"),
            ], false, false
        ),
        (
            "tool_decision",
            [
                kv("tool_name", "Edit"), kv("decision", "accept"), kv("source", "config"), kv("tool_use_id", "tu_3"),
            ], false, false
        ),
        (
            "tool_decision",
            [
                kv("tool_name", "Write"), kv("decision", "reject"), kv("source", "user_reject"), kv("tool_use_id", "tu_4"),
            ], false, false
        ),
        ("user_prompt", [kv("prompt_length", "42"), kv("prompt", "<REDACTED>")], false, false),
        ("user_prompt", [kv("prompt_length", int: 17), kv("prompt", "secret text here!")], false, false),
        ("compaction", [kv("trigger", "auto")], false, false),
        (
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("cost_usd", double: 0.001), kv("input_tokens", int: 10),
                kv("output_tokens", int: 5), kv("cache_read_tokens", int: 0), kv("cache_creation_tokens", int: 0),
                kv("request_id", "req_04"),
            ], false, true
        ),
    ]

    package static func logRecord(_ k: Int) -> OTLPLogRecord {
        let (name, specific, traced, nameOnlyInField) = logEvents[k - 1]
        let time = Scenario.at(UInt64(k))
        var record = OTLPLogRecord()
        record.timeUnixNano = time
        record.observedTimeUnixNano = time
        record.severityNumber = 9
        if nameOnlyInField {
            record.body = OTLPAnyValue()  // present, without a value
            record.eventName = name
        } else {
            record.body = anyValue("claude_code.\(name)")
        }
        let timestamp = "2026-11-24T10:00:" + (k < 10 ? "0\(k)" : "\(k)") + ".000Z"
        record.attributes =
            (nameOnlyInField ? [] : [kv("event.name", name)]) + Scenario.identityAttributes
            + [kv("event.timestamp", timestamp), kv("event.sequence", int: Int64(k)), kv("prompt.id", "p-1")] + specific
        if traced { record.flags = 1 }
        return record
    }

    package static func logs() -> LogsRequest {
        logsRequest((1...13).map(logRecord))
    }
}
