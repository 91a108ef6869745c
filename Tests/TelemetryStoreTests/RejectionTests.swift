import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// Unusable points and records are rejected one by one and counted (never silently dropped),
/// while everything else in the same batch applies.
@Suite("Rejected points and records")
struct RejectionTests {
    static let token = MetricName.tokenUsage
    static let s = Scenario.sonnet

    /// One batch with two good points and six bad ones of five distinct kinds.
    static func mixedBatch() -> MetricsRequest {
        var gaugePoint = numberPoint([kv("type", "input"), kv("model", s)], 77)
        gaugePoint.startTimeUnixNano = 0
        return metricsRequest([
            sumMetric(
                token,
                [
                    numberPoint([kv("type", "input"), kv("model", s)], 100),
                    numberPoint([kv("type", "output"), kv("model", s)], .nan),
                    numberPoint([kv("type", "cacheRead"), kv("model", s)], .infinity),
                    numberPoint([kv("type", "input"), kv("model", Scenario.haiku)], -5),
                    numberPoint([kv("type", "bogus"), kv("model", s)], 7),
                ]),
            // Unspecified (0) reads as delta (the seed's example); an unknown value is refused.
            sumMetric(token, [numberPoint([kv("type", "cacheCreation"), kv("model", s)], 9)], temporality: .UNRECOGNIZED(7)),
            gaugeMetric(token, [gaugePoint]),
            sumMetric(MetricName.commitCount, [numberPoint([], 2)]),
        ])
    }

    static let mixedReasons = [
        "claude_code.token.usage: value is NaN or infinite",
        "claude_code.token.usage: negative value on a counter",
        "claude_code.token.usage: attribute 'type' must be input, output, cacheRead or cacheCreation, not 'bogus'",
        "claude_code.token.usage: aggregationTemporality must be delta (1) or cumulative (2)",
        "claude_code.token.usage must be a monotonic Sum",
    ]

    @Test("each bad point is rejected with its reason; the good points of the batch apply")
    func mixed() throws {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(Self.mixedBatch(), to: &document, now: fixedNow)
        #expect(report.applied == 2)
        #expect(report.rejected == 6)
        #expect(report.duplicates == 0)
        #expect(report.ignored == 0)
        #expect(report.reasons == Self.mixedReasons)
        #expect(report.changedDocument)
        #expect(document.totals[.inputTokensFromTokenMetric] == 100)
        #expect(document.totals[.outputTokensFromTokenMetric] == 0)
        #expect(document.totals[.cacheReadTokensFromTokenMetric] == 0)
        #expect(document.totals[.cacheCreationTokensFromTokenMetric] == 0)
        #expect(document.totals[.commits] == 2)
        #expect(document.models[Scenario.haiku] == nil)
        #expect(document.received.dataPointsRejected == 6)
        #expect(document.received.dataPointsApplied == 2)
        // Rejections are published.
        let published = try Published(document)
        #expect(published.integer("received", "dataPointsRejected") == 6)
        #expect(published.integer("totals", "totalInputTokens") == 100)
    }

    @Test("errorMessage lists the distinct reasons")
    func errorMessage() {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(Self.mixedBatch(), to: &document, now: fixedNow)
        #expect(
            report.errorMessage(unit: "data points") == "6 data points rejected: " + Self.mixedReasons.joined(separator: "; "))
        #expect(ApplyReport().errorMessage(unit: "data points") == nil)
    }

    @Test("errorMessage keeps the first five distinct reasons and marks the rest")
    func errorMessageOverflow() {
        var request = Self.mixedBatch()
        request.resourceMetrics[0].scopeMetrics[0].metrics.append(
            sumMetric(MetricName.linesOfCode, [numberPoint([kv("type", "moved")], 1), numberPoint([], 1)]))
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(request, to: &document, now: fixedNow)
        #expect(report.rejected == 8)
        #expect(report.reasons == Self.mixedReasons)
        #expect(report.reasonsOmitted)
        #expect(
            report.errorMessage(unit: "data points")
                == "8 data points rejected: " + Self.mixedReasons.joined(separator: "; ") + "; …")
    }

    @Test("the same reason many times is listed once")
    func repeatedReason() {
        let points = (0..<20).map { numberPoint([kv("type", "input"), kv("model", "m\($0)")], -1) }
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(metricsRequest([sumMetric(Self.token, points)]), to: &document, now: fixedNow)
        #expect(report.rejected == 20)
        #expect(
            report.errorMessage(unit: "data points")
                == "20 data points rejected: claude_code.token.usage: negative value on a counter")
    }

    @Test(
        "more unusable points",
        arguments: [
            (
                sumMetric(
                    MetricName.tokenUsage,
                    [
                        {
                            var p = numberPoint([kv("type", "input")], 0); p.value = nil; return p
                        }()
                    ]),
                "claude_code.token.usage: data point has no value"
            ),
            (
                sumMetric(MetricName.costUsage, [numberPoint([kv("model", "m")], 2e15)]),
                "claude_code.cost.usage: value is implausibly large"
            ),
            (
                sumMetric(MetricName.linesOfCode, [numberPoint([], 3)]),
                "claude_code.lines_of_code.count: attribute 'type' must be added or removed, not '(missing)'"
            ),
            (
                sumMetric(MetricName.codeEditToolDecision, [numberPoint([kv("tool_name", "Edit"), kv("decision", "maybe")], 1)]),
                "claude_code.code_edit_tool.decision: attribute 'decision' must be accept or reject, not 'maybe'"
            ),
            (
                sumMetric(MetricName.tokenUsage, [numberPoint([kv("type", "input")], 1)], temporality: .UNRECOGNIZED(7)),
                "claude_code.token.usage: aggregationTemporality must be delta (1) or cumulative (2)"
            ),
            (
                sumMetric(MetricName.genAITokenUsage, [numberPoint([kv("gen_ai.token.type", "input")], 1)]),
                "gen_ai.client.token.usage must be a Histogram"
            ),
            (
                histogramMetric(MetricName.tokenUsage, [histogramPoint([kv("type", "input")], count: 1, sum: 1)]),
                "claude_code.token.usage must be a monotonic Sum"
            ),
            (
                histogramMetric(
                    MetricName.genAITokenUsage, [histogramPoint([kv("gen_ai.token.type", "input")], count: 2, sum: nil)]),
                "gen_ai.client.token.usage: histogram point has no sum"
            ),
            (
                histogramMetric(
                    MetricName.genAITokenUsage, [histogramPoint([kv("gen_ai.token.type", "input")], count: 2, sum: .nan)]),
                "gen_ai.client.token.usage: sum is NaN or infinite"
            ),
            (
                histogramMetric(
                    MetricName.genAITokenUsage, [histogramPoint([kv("gen_ai.token.type", "input")], count: 2, sum: -3)]),
                "gen_ai.client.token.usage: sum is negative or implausibly large"
            ),
            (
                histogramMetric(
                    MetricName.genAITokenUsage, [histogramPoint([kv("gen_ai.token.type", "thinking")], count: 2, sum: 3)]),
                "gen_ai.client.token.usage: attribute 'gen_ai.token.type' must be input or output, not 'thinking'"
            ),
            (
                histogramMetric(
                    MetricName.genAIOperationDuration, [histogramPoint([], count: 2, sum: 1)], temporality: .unspecified),
                "gen_ai.client.operation.duration: aggregationTemporality must be delta (1) or cumulative (2)"
            ),
        ] as [(OTLPMetric, String)])
    func unusable(metric: OTLPMetric, reason: String) {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(
            metricsRequest([metric, sumMetric(MetricName.commitCount, [numberPoint([], 1)])]),
            to: &document, now: fixedNow)
        #expect(report.rejected == 1)
        #expect(report.applied == 1)
        #expect(report.reasons == [reason])
        #expect(document.totals[.commits] == 1)
        var nonCommit = document.totals
        nonCommit[.commits] = 0
        #expect(nonCommit.isZero)
        #expect(document.metricsSeen == [MetricName.commitCount])
    }

    @Test("a rejected point is not remembered: a corrected resend of it still applies")
    func rejectionLeavesNoState() {
        var document = AggregateDocument(user: testUser)
        _ = MetricsAggregator().apply(
            metricsRequest([sumMetric(Self.token, [numberPoint([kv("type", "input")], -1)])]),
            to: &document, now: fixedNow)
        #expect(document.rememberedSeries == 0)
        let report = MetricsAggregator().apply(
            metricsRequest([sumMetric(Self.token, [numberPoint([kv("type", "input")], 4)])]),
            to: &document, now: fixedNow)
        #expect(report.applied == 1)
        #expect(document.totals[.inputTokensFromTokenMetric] == 4)
        // A token point without a model is filed under "unknown".
        #expect(document.models["unknown"]?[.inputTokensFromTokenMetric] == 4)
    }

    @Test("unknown metrics are ignored, not rejected")
    func unknownMetric() {
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(
            metricsRequest([
                sumMetric("some.other.metric", [numberPoint([], .nan), numberPoint([], -1)]),
                gaugeMetric("another.gauge", [numberPoint([], 1)]),
            ]), to: &document, now: fixedNow)
        #expect(report.ignored == 3)
        #expect(report.rejected == 0)
        #expect(report.applied == 0)
        #expect(!report.changedDocument)
    }

    // MARK: Log records

    @Test("a log record with input_tokens \"abc\" is rejected; the other records apply")
    func badLogNumber() throws {
        let bad = eventRecord(
            "api_request", [kv("model", "m"), kv("input_tokens", "abc"), kv("request_id", "r-bad")],
            time: Scenario.at(1))
        let good = eventRecord(
            "api_request", [kv("model", "m"), kv("input_tokens", "12"), kv("request_id", "r-good")],
            time: Scenario.at(2))
        let error = eventRecord("api_error", [kv("model", "m")], time: Scenario.at(3))
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(logsRequest([bad, good, error]), to: &document, now: fixedNow)
        #expect(report.applied == 2)
        #expect(report.rejected == 1)
        #expect(report.reasons == ["api_request: attribute 'input_tokens' is not a number"])
        #expect(
            report.errorMessage(unit: "log records")
                == "1 log records rejected: api_request: attribute 'input_tokens' is not a number")
        #expect(document.totals[.inputTokensFromEvents] == 12)
        #expect(document.totals[.apiRequestsFromEvents] == 1)
        #expect(document.events == ["api_request": 1, "api_error": 1])
        #expect(document.received.logRecordsRejected == 1)
        #expect(document.received.logRecordsApplied == 2)
        // A rejected record is not remembered as applied: sent again, it is rejected again.
        let again = LogsAggregator().apply(logsRequest([bad]), to: &document, now: fixedNow)
        #expect(again.rejected == 1)
        #expect(again.duplicates == 0)
    }

    @Test(
        "more unusable log attributes",
        arguments: [
            (kv("output_tokens", int: -3), "api_request: attribute 'output_tokens' is negative"),
            (kv("cost_usd", "NaN"), "api_request: attribute 'cost_usd' is not a number"),
            (kv("cost_usd", double: .infinity), "api_request: attribute 'cost_usd' is not a finite number"),
            (kv("cache_read_tokens", "1e20"), "api_request: attribute 'cache_read_tokens' is implausibly large"),
            (kv("input_tokens", bool: true), "api_request: attribute 'input_tokens' is not a number"),
            (kv("cost_usd_micros", "lots"), "api_request: attribute 'cost_usd_micros' is not a number"),
        ])
    func unusableLogs(attribute: OTLPKeyValue, reason: String) {
        let record = eventRecord("api_request", [kv("model", "m"), kv("request_id", "r1"), attribute], time: Scenario.t0)
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(logsRequest([record]), to: &document, now: fixedNow)
        #expect(report.rejected == 1)
        #expect(report.reasons == [reason])
        #expect(document.totals.isZero)
        #expect(document.events.isEmpty)
    }

    @Test("decimal numbers written as strings are accepted; hexadecimal, padded and signed forms are refused")
    func stringNumbers() {
        for text in ["0x10", "  12 ", " 12", "12 ", "+12", "1_000", "inf", "nan", "1e", ".5", "5."] {
            let record = eventRecord(
                "api_request", [kv("model", "m"), kv("request_id", "r1"), kv("input_tokens", text)], time: Scenario.t0)
            var document = AggregateDocument(user: testUser)
            let report = LogsAggregator().apply(logsRequest([record]), to: &document, now: fixedNow)
            #expect(report.rejected == 1, "\(text)")
            #expect(report.reasons.first?.hasSuffix("attribute 'input_tokens' is not a number") == true, "\(text)")
            #expect(document.totals.isZero, "\(text)")
        }
        #expect(Attributes.isDecimalNumber("12") && Attributes.isDecimalNumber("-0.5") && Attributes.isDecimalNumber("1E+3"))
    }

    @Test("plain decimal strings and empty strings in log attributes are accepted")
    func lenientLogNumbers() {
        let record = eventRecord(
            "api_request",
            [
                kv("model", "m"), kv("request_id", "r1"), kv("input_tokens", "12"), kv("output_tokens", "3.0"),
                kv("cache_read_tokens", ""), kv("cost_usd", double: 0.5),
            ], time: Scenario.t0)
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(logsRequest([record]), to: &document, now: fixedNow)
        #expect(report.applied == 1)
        #expect(document.totals[.inputTokensFromEvents] == 12)
        #expect(document.totals[.outputTokensFromEvents] == 3)
        #expect(document.totals[.cacheReadTokensFromEvents] == 0)
        #expect(document.totals[.costFromEvents] == 0.5)
    }

    @Test("unknown and malformed non-numeric fields of other events do not reject them")
    func otherEventsAccepted() {
        let records = [
            eventRecord(
                "tool_result", [kv("tool_name", "Bash"), kv("success", "perhaps"), kv("duration_ms", "abc")], time: Scenario.at(1)
            ),
            eventRecord("api_error", [kv("status_code", "abc")], time: Scenario.at(2)),
            eventRecord("mcp_server_connection", [kv("anything", double: .nan)], time: Scenario.at(3)),
            eventRecord("tool_decision", [kv("tool_name", "Edit"), kv("decision", "defer")], time: Scenario.at(4)),
        ]
        var document = AggregateDocument(user: testUser)
        let report = LogsAggregator().apply(logsRequest(records), to: &document, now: fixedNow)
        #expect(report.applied == 4)
        #expect(report.rejected == 0)
        #expect(document.events == ["tool_result": 1, "api_error": 1, "mcp_server_connection": 1, "tool_decision": 1])
        #expect(document.tools["Bash"]?[.toolFailures] == 0)
        #expect(document.totals[.editsAcceptedFromEvents] == 0 && document.totals[.editsRejectedFromEvents] == 0)
    }
}

@Suite("Series identity")
struct SeriesIdentityTests {
    @Test("a non-monotonic sum of a Claude Code counter is rejected, not added")
    func nonMonotonic() {
        var metric = sumMetric(MetricName.commitCount, [numberPoint([], 3)])
        metric.sum.isMonotonic = false
        var document = AggregateDocument(user: testUser)
        let report = MetricsAggregator().apply(metricsRequest([metric]), to: &document, now: fixedNow)
        #expect(report.rejected == 1)
        #expect(report.reasons == ["claude_code.commit.count must be a monotonic Sum"])
        #expect(document.totals[.commits] == 0)
    }

    @Test("temporality is part of the series: a cumulative reading after delta points is not stale")
    func temporalitySeparatesSeries() {
        let attributes = [kv("type", "input"), kv("model", Scenario.sonnet)]
        var document = AggregateDocument(user: testUser)
        let delta = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [numberPoint(attributes, 40, start: Scenario.at(0), time: Scenario.at(120))])
        ])
        let cumulative = metricsRequest([
            sumMetric(
                MetricName.tokenUsage,
                [numberPoint(attributes, 100, start: Scenario.at(0), time: Scenario.at(60))],
                temporality: .cumulative)
        ])
        #expect(MetricsAggregator().apply(delta, to: &document, now: fixedNow).applied == 1)
        let report = MetricsAggregator().apply(cumulative, to: &document, now: fixedNow)
        #expect(report.applied == 1)
        #expect(report.duplicates == 0)
        #expect(document.totals[.inputTokensFromTokenMetric] == 140)
    }
}
