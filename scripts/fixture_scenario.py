"""The fixture scenario: every value that goes into the OTLP test fixtures.

Builds OpenTelemetry Python SDK (1.45.2) data objects directly, with fixed
timestamps and values, so both encoders (protobuf and JSON) see exactly the
same input and the output is deterministic. Nothing here encodes anything:
scripts/make_fixtures.py feeds these objects to the real encoders.

Imported by scripts/make_fixtures.py in both virtual environments (both have
opentelemetry-sdk 1.45.2); it needs nothing beyond the SDK.
"""

from __future__ import annotations

from datetime import datetime, timezone

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Buckets,
    ExponentialHistogram,
    ExponentialHistogramDataPoint,
    Gauge,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, set_span_in_context
from opentelemetry.trace.status import Status, StatusCode

# --- time ------------------------------------------------------------------

T0_S = 1795514400  # 2026-11-24T10:00:00Z
NS = 1_000_000_000
T0 = T0_S * NS
T1 = T0 + 60 * NS


def at(seconds: int) -> int:
    """T0 + seconds, in nanoseconds."""
    return T0 + seconds * NS


def iso8601(ns: int) -> str:
    """ISO 8601 UTC with milliseconds, as Claude Code writes event.timestamp."""
    dt = datetime.fromtimestamp(ns // NS, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((ns % NS) // 1_000_000)


# --- resource, scopes, identity ---------------------------------------------

# Resource(...) directly, not Resource.create(): create() would add a random
# service.instance.id and the telemetry.sdk.* attributes.
RESOURCE = Resource(
    {
        "service.name": "claude-code",
        "service.version": "2.0.50",
        "os.type": "linux",
        "host.arch": "amd64",
    }
)
METER_SCOPE = InstrumentationScope("com.anthropic.claude_code", "2.0.50")
LOGGER_SCOPE = InstrumentationScope("com.anthropic.claude_code.events", "2.0.50")

# On every data point and every log record, in this order, before the rest.
IDENTITY = {
    "user.id": "7f3a9c",
    "session.id": "sess-1",
    "app.version": "2.0.50",
    "terminal.type": "vscode",
    "organization.id": "org-1",
    "user.email": "dev@example.com",
    "user.account_uuid": "acc-1",
}


def ident(specific: dict | None = None) -> dict:
    """Identity attributes followed by the specific ones (dict keeps order)."""
    out = dict(IDENTITY)
    out.update(specific or {})
    return out


DELTA = AggregationTemporality.DELTA
CUMULATIVE = AggregationTemporality.CUMULATIVE


def _request(metrics: list[Metric]) -> MetricsData:
    return MetricsData(
        resource_metrics=[
            ResourceMetrics(
                resource=RESOURCE,
                scope_metrics=[ScopeMetrics(scope=METER_SCOPE, metrics=metrics, schema_url="")],
                schema_url="",
            )
        ]
    )


def _counter(
    name: str,
    description: str,
    unit: str,
    points: list[tuple[dict, float | int]],
    *,
    temporality: AggregationTemporality = DELTA,
    start: int = T0,
    time: int = T1,
) -> Metric:
    return Metric(
        name=name,
        description=description,
        unit=unit,
        data=Sum(
            data_points=[
                NumberDataPoint(
                    attributes=ident(a),
                    start_time_unix_nano=start,
                    time_unix_nano=time,
                    value=v,
                )
                for a, v in points
            ],
            aggregation_temporality=temporality,
            is_monotonic=True,
        ),
    )


# --- 1. metrics-delta: the eight Claude Code metrics ------------------------

SONNET = "claude-sonnet-4-5"
HAIKU = "claude-haiku-4-5"


def metrics_delta() -> MetricsData:
    return _request(
        [
            _counter(
                "claude_code.session.count",
                "Count of CLI sessions started",
                "",
                [({"start_type": "fresh"}, 1.0)],
            ),
            _counter(
                "claude_code.token.usage",
                "Number of tokens used",
                "tokens",
                [
                    ({"type": "input", "model": SONNET}, 1500.0),
                    ({"type": "output", "model": SONNET}, 300.0),
                    ({"type": "cacheRead", "model": SONNET}, 12000.0),
                    ({"type": "cacheCreation", "model": SONNET}, 800.0),
                    ({"type": "input", "model": HAIKU}, 200.0),
                    ({"type": "output", "model": HAIKU}, 50.0),
                ],
            ),
            _counter(
                "claude_code.cost.usage",
                "Cost of the Claude Code session",
                "USD",
                [({"model": SONNET}, 0.0123), ({"model": HAIKU}, 0.0004)],
            ),
            _counter(
                "claude_code.lines_of_code.count",
                "Count of lines of code modified",
                "",
                [({"type": "added"}, 42.0), ({"type": "removed"}, 7.0)],
            ),
            _counter(
                "claude_code.commit.count",
                "Number of git commits created",
                "",
                [({}, 2.0)],
            ),
            _counter(
                "claude_code.pull_request.count",
                "Number of pull requests created",
                "",
                [({}, 1.0)],
            ),
            _counter(
                "claude_code.code_edit_tool.decision",
                "Count of code editing tool permission decisions",
                "",
                [
                    ({"tool_name": "Edit", "decision": "accept", "source": "config", "language": "Swift"}, 3.0),
                    ({"tool_name": "Write", "decision": "reject", "source": "user_reject", "language": "Python"}, 1.0),
                    # older Claude Code versions: attribute "tool" instead of "tool_name"
                    ({"tool": "Edit", "decision": "accept", "source": "config", "language": "Swift"}, 1.0),
                ],
            ),
            _counter(
                "claude_code.active_time.total",
                "Total active time in seconds",
                "s",
                [({"type": "user"}, 90.5), ({"type": "cli"}, 29.5)],
            ),
        ]
    )


# --- 2. metrics-cumulative: three exports of one cumulative series ----------

CUMULATIVE_STEPS = [
    # (file suffix, start, time, value)
    (1, T0, at(60), 1000.0),
    (2, T0, at(120), 1500.0),
    (3, at(150), at(180), 200.0),  # process restarted: new start time, total reset
]


def metrics_cumulative(step: int) -> MetricsData:
    _, start, time, value = CUMULATIVE_STEPS[step - 1]
    return _request(
        [
            _counter(
                "claude_code.token.usage",
                "Number of tokens used",
                "tokens",
                [({"type": "input", "model": SONNET}, value)],
                temporality=CUMULATIVE,
                start=start,
                time=time,
            )
        ]
    )


# --- 3. metrics-kinds: int sum, histograms, gauge, exponential histogram ----


def metrics_kinds() -> MetricsData:
    return _request(
        [
            _counter(
                "claude_code.tool.usage",
                "Number of tool calls",
                "",
                [({"tool_name": "Bash"}, 4), ({"tool_name": "Read"}, 6)],  # ints -> asInt
            ),
            Metric(
                name="gen_ai.client.token.usage",
                description="Measures number of input and output tokens used",
                unit="{token}",
                data=Histogram(
                    data_points=[
                        HistogramDataPoint(
                            attributes=ident({"gen_ai.token.type": "input", "gen_ai.request.model": SONNET}),
                            start_time_unix_nano=T0,
                            time_unix_nano=T1,
                            count=2,
                            sum=700.0,
                            bucket_counts=[0, 1, 1],
                            explicit_bounds=[100.0, 500.0],
                            min=200.0,
                            max=500.0,
                        ),
                        HistogramDataPoint(
                            attributes=ident({"gen_ai.token.type": "output", "gen_ai.request.model": SONNET}),
                            start_time_unix_nano=T0,
                            time_unix_nano=T1,
                            count=2,
                            sum=90.0,
                            bucket_counts=[2, 0, 0],
                            explicit_bounds=[100.0, 500.0],
                            min=40.0,
                            max=50.0,
                        ),
                    ],
                    aggregation_temporality=DELTA,
                ),
            ),
            Metric(
                name="gen_ai.client.operation.duration",
                description="GenAI operation duration",
                unit="s",
                data=Histogram(
                    data_points=[
                        HistogramDataPoint(
                            attributes=ident({"gen_ai.request.model": SONNET}),
                            start_time_unix_nano=T0,
                            time_unix_nano=T1,
                            count=2,
                            sum=3.5,
                            bucket_counts=[0, 2],
                            explicit_bounds=[1.0],
                            min=1.5,
                            max=2.0,
                        )
                    ],
                    aggregation_temporality=DELTA,
                ),
            ),
            Metric(
                name="example.gauge",
                description="An example gauge",
                unit="1",
                data=Gauge(
                    data_points=[
                        NumberDataPoint(
                            attributes=ident(),
                            start_time_unix_nano=T0,  # the encoders do not write a gauge's start time
                            time_unix_nano=T1,
                            value=0.75,
                        )
                    ]
                ),
            ),
            Metric(
                name="example.exphist",
                description="An example exponential histogram",
                unit="1",
                data=ExponentialHistogram(
                    data_points=[
                        ExponentialHistogramDataPoint(
                            attributes=ident(),
                            start_time_unix_nano=T0,
                            time_unix_nano=T1,
                            count=3,
                            sum=6.0,
                            scale=1,
                            zero_count=1,
                            positive=Buckets(offset=0, bucket_counts=[1, 1]),
                            negative=Buckets(offset=0, bucket_counts=[]),
                            flags=0,
                            min=0.0,
                            max=2.0,
                        )
                    ],
                    aggregation_temporality=DELTA,
                ),
            ),
            # No Summary: opentelemetry-sdk 1.45.2 has no Summary data class.
        ]
    )


def metrics_empty() -> MetricsData:
    return MetricsData(resource_metrics=[])


# --- 4. logs: Claude Code events ---------------------------------------------

TRACE_ID = 0x5B8EFFF798038103D269B633813FC60C
SPAN_ID = 0xEEE19B7EC3C1B174

# (event name, specific attributes, with trace context?, name only in LogRecord.event_name?)
LOG_EVENTS: list[tuple[str, dict, bool, bool]] = [
    (
        "api_request",  # 1: old form, numbers as strings
        {
            "model": SONNET,
            "cost_usd": "0.0123",
            "duration_ms": "2300",
            "input_tokens": "1500",
            "output_tokens": "300",
            "cache_read_tokens": "12000",
            "cache_creation_tokens": "800",
            "request_id": "req_01",
        },
        True,
        False,
    ),
    (
        "api_request",  # 2: new form, numbers as int/double
        {
            "model": HAIKU,
            "cost_usd": 0.0004,
            "cost_usd_micros": 400,
            "duration_ms": 450,
            "input_tokens": 200,
            "output_tokens": 50,
            "cache_read_tokens": 0,
            "cache_creation_tokens": 0,
            "request_id": "req_02",
            "speed": "normal",
            "query_source": "main",
            "effort": "medium",
        },
        True,
        False,
    ),
    (
        "api_error",  # 3
        {
            "model": SONNET,
            "error": "Overloaded",
            "status_code": "529",
            "duration_ms": "1200",
            "attempt": 1,
            "request_id": "req_03",
        },
        True,
        False,
    ),
    (
        "api_error",  # 4
        {
            "model": SONNET,
            "error": "Rate limited",
            "status_code": 429,
            "duration_ms": 10,
            "attempt": 2,
        },
        True,
        False,
    ),
    (
        "tool_result",  # 5
        {"tool_name": "Bash", "tool_use_id": "tu_1", "success": "true", "duration_ms": "120"},
        False,
        False,
    ),
    (
        "tool_result",  # 6
        {
            "tool_name": "Bash",
            "tool_use_id": "tu_2",
            "success": False,
            "duration_ms": 80,
            "error_type": "exit_code",
            "error": "exit status 1",
        },
        False,
        False,
    ),
    (
        "tool_result",  # 7
        {
            "tool_name": "Edit",
            "tool_use_id": "tu_3",
            "success": True,
            "duration_ms": 15,
            "decision_type": "accept",
            "decision_source": "config",
        },
        False,
        False,
    ),
    (
        "tool_decision",  # 8
        {"tool_name": "Edit", "decision": "accept", "source": "config", "tool_use_id": "tu_3"},
        False,
        False,
    ),
    (
        "tool_decision",  # 9
        {"tool_name": "Write", "decision": "reject", "source": "user_reject", "tool_use_id": "tu_4"},
        False,
        False,
    ),
    ("user_prompt", {"prompt_length": "42", "prompt": "<REDACTED>"}, False, False),  # 10
    # 11: the user opted in to prompt logging; a receiver must never store this text
    ("user_prompt", {"prompt_length": 17, "prompt": "secret text here!"}, False, False),
    ("compaction", {"trigger": "auto"}, False, False),  # 12: unknown to simple receivers
    (
        "api_request",  # 13: name only in LogRecord.event_name; no event.name attribute, no body
        {
            "model": SONNET,
            "cost_usd": 0.001,
            "input_tokens": 10,
            "output_tokens": 5,
            "cache_read_tokens": 0,
            "cache_creation_tokens": 0,
            "request_id": "req_04",
        },
        False,
        True,
    ),
]

_TRACE_CONTEXT = set_span_in_context(
    NonRecordingSpan(
        SpanContext(trace_id=TRACE_ID, span_id=SPAN_ID, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    )
)


def log_records() -> list[ReadableLogRecord]:
    records = []
    for k, (name, specific, traced, name_in_field_only) in enumerate(LOG_EVENTS, start=1):
        t = at(k)
        attributes = {} if name_in_field_only else {"event.name": name}
        attributes.update(IDENTITY)
        attributes.update({"event.timestamp": iso8601(t), "event.sequence": k, "prompt.id": "p-1"})
        attributes.update(specific)
        record = LogRecord(
            timestamp=t,
            observed_timestamp=t,
            # Without a context the API takes the current one, which has no span:
            # trace_id/span_id 0 (not encoded), flags 0.
            context=_TRACE_CONTEXT if traced else None,
            severity_number=SeverityNumber.INFO,
            body=None if name_in_field_only else f"claude_code.{name}",
            attributes=attributes,
            event_name=name if name_in_field_only else None,
        )
        records.append(ReadableLogRecord(log_record=record, resource=RESOURCE, instrumentation_scope=LOGGER_SCOPE))
    return records


# --- traces (Claude Code's enhanced telemetry beta) --------------------------

TRACER_SCOPE = InstrumentationScope("com.anthropic.claude_code.tracing", "2.0.50")
TRACE_ID = 0x5B8EFFF798038103D269B633813FC60C
MS = 1_000_000

# (span id, parent span id, name, start offset ms, end offset ms, attributes, error status)
# Expected figures: sonnet 2 requests (800 + 1200 ms, ttft 200 + 300), haiku 1 failed request
# of 4000 ms without ttft; Bash 2 calls (45 + 2600 ms), Edit 1 call of 120 ms taken from the
# span's own times (no duration_ms). Token counts on the spans must never be counted.
SPANS = [
    (0x1001, None, "claude_code.interaction", 0, 9000, {"user_prompt_length": 42}, False),
    (0x1002, 0x1001, "claude_code.llm_request", 10, 1210, {
        "model": "claude-sonnet-4-5", "duration_ms": 1200, "ttft_ms": 300, "input_tokens": 1500,
        "output_tokens": 200, "cache_read_tokens": 1000, "cache_creation_tokens": 50, "attempt": 1,
        "success": True, "query_source": "main", "request_id": "req_t1"}, False),
    (0x1003, 0x1001, "claude_code.tool", 1300, 1345, {"tool_name": "Bash", "duration_ms": 45,
        "bash_argv0": "git"}, False),
    (0x1004, 0x1003, "claude_code.tool.execution", 1301, 1344, {"success": True}, False),
    (0x1005, 0x1001, "claude_code.tool", 1400, 1520, {"tool_name": "Edit"}, False),
    (0x1006, 0x1001, "claude_code.llm_request", 1600, 2400, {
        "model": "claude-sonnet-4-5", "duration_ms": 800, "ttft_ms": 200, "input_tokens": 700,
        "output_tokens": 90, "success": True, "query_source": "main", "request_id": "req_t2"}, False),
    (0x1007, 0x1001, "claude_code.llm_request", 2500, 6500, {
        "model": "claude-haiku-4-5", "duration_ms": 4000, "input_tokens": 300, "success": False,
        "status_code": 529, "attempt": 2, "query_source": "compact"}, True),
    (0x1008, 0x1001, "claude_code.tool", 6600, 9200, {"tool_name": "Bash", "duration_ms": 2600}, False),
]


def trace_spans() -> list[ReadableSpan]:
    spans = []
    for span_id, parent_id, name, start_ms, end_ms, attributes, error in SPANS:
        context = SpanContext(TRACE_ID, span_id, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
        parent = (SpanContext(TRACE_ID, parent_id, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
                  if parent_id else None)
        spans.append(ReadableSpan(
            name=name, context=context, parent=parent, resource=RESOURCE, attributes=ident(attributes),
            kind=SpanKind.INTERNAL, instrumentation_scope=TRACER_SCOPE,
            status=Status(StatusCode.ERROR, "overloaded") if error else Status(StatusCode.UNSET),
            start_time=T0 + start_ms * MS, end_time=T0 + end_ms * MS))
    return spans


# --- the fixture list ---------------------------------------------------------

# (base file name, "metrics" | "logs" | "traces", builder, also write .gz?)
FIXTURES = [
    ("metrics-delta", "metrics", metrics_delta, True),
    ("metrics-cumulative-1", "metrics", lambda: metrics_cumulative(1), False),
    ("metrics-cumulative-2", "metrics", lambda: metrics_cumulative(2), False),
    ("metrics-cumulative-3", "metrics", lambda: metrics_cumulative(3), False),
    ("metrics-kinds", "metrics", metrics_kinds, False),
    ("logs", "logs", log_records, True),
    ("empty-metrics", "metrics", metrics_empty, False),
    ("traces", "traces", trace_spans, True),
]
