"""The capture step of the real-CLI tests: what Claude Code exported, exactly.

`RecordingProxy` is a reverse proxy on 127.0.0.1 that Claude Code's OTLP endpoint points at. It
forwards every request unchanged (method, path with any query, headers, body bytes) to nginx and
the answer back, and records both. So the test knows the very bytes the receiver got, and what it
answered, without changing the path between client and service.

`decode` turns a recorded request into plain dictionaries in the OTLP/JSON shape whichever the
encoding (protobuf is decoded with `opentelemetry-proto` and mapped with `MessageToDict`), and
`ExpectedFigures` computes, from those exports alone, every figure the README says the aggregate
document holds: totals, days, models, tools and events.
"""

from __future__ import annotations

import datetime
import gzip
import http.client
import json
import threading
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback_server import LoopbackServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass(frozen=True)
class Exchange:
    """One request as Claude Code sent it and the receiver's answer."""
    method: str
    path: str  # as sent, query included
    headers: dict[str, str]  # lower-case names
    body: bytes  # as sent (compressed if it was)
    status: int
    answer_headers: dict[str, str]
    answer: bytes


class RecordingProxy(LoopbackServer):
    """Forwards to http://127.0.0.1:UPSTREAM_PORT and records every exchange. Context manager."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def taken(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                try:
                    upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                    for name, value in self.headers.items():
                        if name.lower() not in HOP_BY_HOP:
                            upstream.putheader(name, value)
                    upstream.putheader("Connection", "close")
                    upstream.endheaders(body)
                    response = upstream.getresponse()
                    answer = response.read()
                    answer_headers = {name.lower(): value for name, value in response.getheaders()}
                    status = response.status
                finally:
                    upstream.close()
                with proxy._lock:
                    proxy.exchanges.append(Exchange(self.command, self.path, headers, body, status,
                                                    answer_headers, answer))
                self.send_response(status)
                for name, value in answer_headers.items():
                    if name not in HOP_BY_HOP and name not in ("content-length", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = _forward
            do_GET = _forward

        return Handler


# --- decoding -------------------------------------------------------------------------------

METRICS, LOGS, TRACES = "metrics", "logs", "traces"


def plain_body(exchange: Exchange) -> bytes:
    encoding = exchange.headers.get("content-encoding", "identity").lower()
    if encoding == "gzip":
        return gzip.decompress(exchange.body)
    if encoding == "deflate":
        return zlib.decompress(exchange.body)
    assert encoding == "identity", f"unexpected Content-Encoding {encoding!r}"
    return exchange.body


def _protobuf_classes():
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    return {METRICS: ExportMetricsServiceRequest, LOGS: ExportLogsServiceRequest, TRACES: ExportTraceServiceRequest}


def signal_of(exchange: Exchange) -> str:
    """The signal of a request: from the path, else (a body sent to the bare prefix) from the
    body: JSON by its top-level key, protobuf by decoding (a metrics body has named metrics, a
    logs body timed records)."""
    path = exchange.path.split("?")[0].rstrip("/")
    for signal in (METRICS, LOGS, TRACES):
        if path.endswith("/" + signal):
            return signal
    body = plain_body(exchange)
    if exchange.headers.get("content-type", "").startswith("application/json"):
        keys = json.loads(body).keys()
        for signal, key in ((METRICS, "resourceMetrics"), (LOGS, "resourceLogs"), (TRACES, "resourceSpans")):
            if key in keys:
                return signal
        raise AssertionError(f"JSON body with neither resourceMetrics nor resourceLogs: {sorted(keys)}")
    from google.protobuf.message import DecodeError

    classes = _protobuf_classes()
    try:  # a LogRecord starts with a fixed64 time where a Metric has its name: not a metrics body
        metrics = classes[METRICS].FromString(body)
        names = [m.name for rm in metrics.resource_metrics for sm in rm.scope_metrics for m in sm.metrics]
        if names and all(names):
            return METRICS
    except DecodeError:
        pass
    logs = classes[LOGS].FromString(body)
    times = [r.time_unix_nano for rl in logs.resource_logs for sl in rl.scope_logs for r in sl.log_records]
    assert times and all(times), "a protobuf body at the bare prefix that is neither metrics nor logs"
    return LOGS


def decode(exchange: Exchange) -> tuple[str, dict[str, Any]]:
    """(signal, the request as an OTLP/JSON-shaped dictionary)."""
    signal = signal_of(exchange)
    body = plain_body(exchange)
    content_type = exchange.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        return signal, json.loads(body)
    assert content_type.startswith("application/x-protobuf"), f"unexpected Content-Type {content_type!r}"
    from google.protobuf.json_format import MessageToDict
    return signal, MessageToDict(_protobuf_classes()[signal].FromString(body))


def value_of(any_value: dict[str, Any]) -> Any:
    """An OTLP AnyValue as a Python value (int64 may be a JSON string)."""
    if "stringValue" in any_value:
        return any_value["stringValue"]
    if "intValue" in any_value:
        return int(any_value["intValue"])
    if "doubleValue" in any_value:
        return float(any_value["doubleValue"])
    if "boolValue" in any_value:
        return bool(any_value["boolValue"])
    return None


def attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {kv["key"]: value_of(kv.get("value", {})) for kv in item.get("attributes", [])}


@dataclass(frozen=True)
class Point:
    metric: str
    temporality: int
    start: int
    time: int
    value: float
    attributes: dict[str, Any]
    series: tuple  # metric, resource, scope and point attributes: what identifies a series


@dataclass(frozen=True)
class Record:
    name: str
    time: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Span:
    name: str
    start: int
    end: int
    attributes: dict[str, Any]
    error: bool  # status code ERROR


def _frozen(mapping: dict[str, Any]) -> tuple:
    return tuple(sorted((key, repr(value)) for key, value in mapping.items()))


def points(request: dict[str, Any]) -> list[Point]:
    out = []
    for resource_metrics in request.get("resourceMetrics", []):
        resource = _frozen(attributes(resource_metrics.get("resource", {})))
        for scope_metrics in resource_metrics.get("scopeMetrics", []):
            scope = scope_metrics.get("scope", {})
            scope_key = (scope.get("name", ""), scope.get("version", ""))
            for metric in scope_metrics.get("metrics", []):
                assert "sum" in metric, f"Claude Code sent {metric['name']} as other than a sum"
                total = metric["sum"]
                temporality = total.get("aggregationTemporality", 0)
                if isinstance(temporality, str):  # MessageToDict writes enums by name
                    temporality = {"AGGREGATION_TEMPORALITY_DELTA": 1, "AGGREGATION_TEMPORALITY_CUMULATIVE": 2}[temporality]
                for point in total.get("dataPoints", []):
                    attrs = attributes(point)
                    value = float(point["asDouble"]) if "asDouble" in point else float(int(point.get("asInt", 0)))
                    out.append(Point(
                        metric=metric["name"], temporality=temporality,
                        start=int(point.get("startTimeUnixNano", 0)), time=int(point.get("timeUnixNano", 0)),
                        value=value, attributes=attrs,
                        series=(metric["name"], resource, scope_key, _frozen(attrs))))
    return out


def records(request: dict[str, Any]) -> list[Record]:
    out = []
    for resource_logs in request.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                attrs = attributes(record)
                name = record.get("eventName") or attrs.get("event.name") or ""
                if not name:
                    body = value_of(record.get("body", {})) or ""
                    name = body.removeprefix("claude_code.")
                out.append(Record(name=name, time=int(record.get("timeUnixNano", 0) or record.get("observedTimeUnixNano", 0)),
                                  attributes=attrs))
    return out


def spans(request: dict[str, Any]) -> list[Span]:
    out = []
    for resource_spans in request.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                code = span.get("status", {}).get("code", 0)
                out.append(Span(span["name"], int(span.get("startTimeUnixNano", 0)),
                                int(span.get("endTimeUnixNano", 0)), attributes(span),
                                error=code in (2, "STATUS_CODE_ERROR")))
    return out


def machine_facts(requests: list[tuple[str, dict[str, Any]]]) -> dict[str, set]:
    """What the exports say about the machine: resource `service.version`, `os.type`,
    `host.arch`; `terminal.type` and `user.email` from points and records."""
    facts: dict[str, set] = defaultdict(set)
    for signal, request in requests:
        key = {METRICS: "resourceMetrics", LOGS: "resourceLogs", TRACES: "resourceSpans"}[signal]
        for resource in request.get(key, []):
            resource_attributes = attributes(resource.get("resource", {}))
            for name in ("service.version", "os.type", "host.arch"):
                facts[name].add(resource_attributes.get(name))
        items = points(request) if signal == METRICS else records(request) if signal == LOGS else spans(request)
        for item in items:
            for name in ("terminal.type", "user.email"):
                facts[name].add(item.attributes.get(name))
    return dict(facts)


def identity_user_ids(requests: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Every `user.id` (Claude Code's installation id) on the points and records sent."""
    found = set()
    for signal, request in requests:
        items = points(request) if signal == METRICS else records(request) if signal == LOGS else spans(request)
        found.update(item.attributes.get("user.id") for item in items)
    return found


# --- the figures the README promises, computed from the exports alone --------------------------

TOKEN_FIELDS = {"input": "InputTokens", "output": "OutputTokens", "cacheRead": "CacheReadTokens",
                "cacheCreation": "CacheCreationTokens"}
EDIT_TOOLS = {"Edit", "Write", "NotebookEdit", "MultiEdit"}


def day_of(nanos: int) -> str:
    return datetime.datetime.fromtimestamp(nanos / 1e9, datetime.timezone.utc).strftime("%Y-%m-%d")


def _empty_totals() -> dict[str, float]:
    return {key: 0 for key in (
        "agentsViewStarts", "aiAssistedCommits", "apiErrors", "apiRequests", "editDecisions", "editsAccepted", "editsRejected",
        "prsCreated", "totalCacheCreationTokens", "totalCacheReadTokens", "totalInputTokens",
        "totalLinesAdded", "totalLinesRemoved", "totalMinutes", "totalOutputTokens", "totalSessions",
        "totalTokenCostUsd", "totalToolCalls")}


def _empty_model() -> dict[str, float]:
    return {key: 0 for key in ("apiErrors", "apiRequests", "cacheCreationTokens", "cacheReadTokens", "costUsd",
                               "inputTokens", "outputTokens")}


def _empty_tool() -> dict[str, float]:
    return {"accepts": 0, "calls": 0, "failures": 0, "rejects": 0}


# The fixed latency bucket bounds of the document (`latencyBucketsMs`).
LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000]


def _empty_durations() -> dict[str, Any]:
    return {"buckets": [0] * (len(LATENCY_BUCKETS_MS) + 1), "count": 0, "max": 0, "total": 0}


def _record_duration(stats: dict[str, Any], milliseconds: float) -> None:
    stats["count"] += 1
    stats["total"] += milliseconds
    stats["max"] = max(stats["max"], milliseconds)
    stats["buckets"][next((i for i, bound in enumerate(LATENCY_BUCKETS_MS) if milliseconds <= bound),
                          len(LATENCY_BUCKETS_MS))] += 1


def _empty_latency() -> dict[str, Any]:
    return {"durationMs": _empty_durations(), "failures": 0, "requests": 0, "ttftMs": _empty_durations()}


def _empty_tool_durations() -> dict[str, Any]:
    return {"calls": 0, "durationMs": _empty_durations()}


@dataclass
class ExpectedFigures:
    """What the stored document must say after the exports given, in order, were applied.

    Follows the README's rules for the metric families Claude Code 2.1.332 sends: delta points
    are added, cumulative points become deltas per series (a new start time or a drop is a
    reset, a reading no newer than the last is a replay); tokens, cost and edit decisions come
    from the metrics (the `api_request` events repeat them); tool calls and API requests from
    `tool_result` and `api_request` events."""

    totals: dict[str, float] = field(default_factory=_empty_totals)
    days: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(_empty_totals))
    models: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(_empty_model))
    # Per day, the same per model (`days.DAY.models`); a model enters a day with its first amount.
    day_models: dict[str, dict[str, dict[str, float]]] = field(default_factory=lambda: defaultdict(dict))
    tools: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(_empty_tool))
    query_sources: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(_empty_model))
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latency: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(_empty_latency))
    tool_durations: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(_empty_tool_durations))
    seconds_active: float = 0.0
    day_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    _series: dict[tuple, tuple[int, int, float]] = field(default_factory=dict)  # start, time, value

    def add(self, signal: str, request: dict[str, Any]) -> None:
        if signal == METRICS:
            for point in points(request):
                self._add_point(point)
        elif signal == LOGS:
            for record in records(request):
                self._add_record(record)
        elif signal == TRACES:
            for span in spans(request):
                self._add_span(span)

    def _delta(self, point: Point) -> float:
        if point.temporality == 1:
            return point.value
        assert point.temporality == 2, f"temporality {point.temporality}"
        previous = self._series.get(point.series)
        if previous is not None and previous[0] == point.start and point.time <= previous[1]:
            return 0.0  # no newer than the reading applied last: a replay (or a late arrival)
        self._series[point.series] = (point.start, point.time, point.value)
        if previous is None or previous[0] != point.start or point.value < previous[2]:
            return point.value  # a new series, or a reset: the whole value counts
        return point.value - previous[2]

    def _both(self, day: str, key: str, amount: float) -> None:
        self.totals[key] += amount
        self.days[day][key] += amount

    def _model(self, day: str, model: str, key: str, amount: float) -> None:
        """An amount of a model: in its whole-history figures and in that day's."""
        self.models[model][key] += amount
        if amount != 0:
            self.day_models[day].setdefault(model, _empty_model())[key] += amount

    def _add_point(self, point: Point) -> None:
        value = self._delta(point)
        day = day_of(point.time)
        attrs = point.attributes
        name = point.metric
        if name == "claude_code.session.count":
            # `claude agents` starting its UI process is not a conversation.
            self._both(day, "agentsViewStarts" if attrs.get("start_type") == "agents_view" else "totalSessions", int(value))
        elif name == "claude_code.token.usage":
            suffix = TOKEN_FIELDS[attrs["type"]]
            self._both(day, "total" + suffix, int(value))
            model_key = suffix[0].lower() + suffix[1:]
            self._model(day, attrs["model"], model_key, int(value))
            if "query_source" in attrs:
                self.query_sources[attrs["query_source"]][model_key] += int(value)
        elif name == "claude_code.cost.usage":
            self._both(day, "totalTokenCostUsd", value)
            self._model(day, attrs["model"], "costUsd", value)
            if "query_source" in attrs:
                self.query_sources[attrs["query_source"]]["costUsd"] += value
        elif name == "claude_code.lines_of_code.count":
            self._both(day, {"added": "totalLinesAdded", "removed": "totalLinesRemoved"}[attrs["type"]], int(value))
        elif name == "claude_code.commit.count":
            self._both(day, "aiAssistedCommits", int(value))
        elif name == "claude_code.pull_request.count":
            self._both(day, "prsCreated", int(value))
        elif name == "claude_code.code_edit_tool.decision":
            decision = {"accept": "editsAccepted", "reject": "editsRejected"}[attrs["decision"]]
            self._both(day, decision, int(value))
            self._both(day, "editDecisions", int(value))
            tool = attrs.get("tool_name") or attrs.get("tool")
            self.tools[tool]["accepts" if attrs["decision"] == "accept" else "rejects"] += int(value)
        elif name == "claude_code.active_time.total":
            self.seconds_active += value
            self.day_seconds[day] += value
        else:
            raise AssertionError(f"Claude Code sent a metric these tests do not know: {name}")

    def _add_record(self, record: Record) -> None:
        self.events[record.name] += 1
        day = day_of(record.time)
        attrs = record.attributes
        if record.name == "api_request":
            self._both(day, "apiRequests", 1)
            self._model(day, attrs["model"], "apiRequests", 1)
            if "query_source" in attrs:
                self.query_sources[attrs["query_source"]]["apiRequests"] += 1
        elif record.name == "api_error":
            self._both(day, "apiErrors", 1)
            self._model(day, attrs["model"], "apiErrors", 1)
            if "query_source" in attrs:
                self.query_sources[attrs["query_source"]]["apiErrors"] += 1
        elif record.name == "tool_result":
            self._both(day, "totalToolCalls", 1)
            self.tools[attrs["tool_name"]]["calls"] += 1
            if str(attrs.get("success")).lower() == "false":
                self.tools[attrs["tool_name"]]["failures"] += 1
        elif record.name == "tool_decision" and attrs["tool_name"] not in EDIT_TOOLS:
            # Edit tools' decisions come from the decision metric, which Claude Code sends.
            self.tools[attrs["tool_name"]]["accepts" if attrs["decision"] == "accept" else "rejects"] += 1

    def _add_span(self, span: Span) -> None:
        """Spans feed latency and tool durations only: their tokens repeat the metrics'."""
        attrs = span.attributes
        duration = float(attrs["duration_ms"]) if "duration_ms" in attrs else (span.end - span.start) / 1e6
        if span.name == "claude_code.llm_request":
            latency = self.latency[attrs["model"]]
            latency["requests"] += 1
            _record_duration(latency["durationMs"], duration)
            if "ttft_ms" in attrs:
                _record_duration(latency["ttftMs"], float(attrs["ttft_ms"]))
            if str(attrs["success"]).lower() == "false" if "success" in attrs else span.error:
                latency["failures"] += 1
        elif span.name == "claude_code.tool":
            durations = self.tool_durations[attrs["tool_name"]]
            durations["calls"] += 1
            _record_duration(durations["durationMs"], duration)

    # --- the comparison ---

    def totals_figures(self) -> dict[str, float]:
        return {**self.totals, "totalMinutes": self.seconds_active / 60}

    def days_figures(self) -> dict[str, dict[str, float]]:
        return {day: {**figures, "totalMinutes": self.day_seconds[day] / 60} for day, figures in self.days.items()}


def without_raw(bucket: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in bucket.items() if key != "raw"}


def assert_same_figures(stored: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Equal keys; integers exactly; numbers (cost, minutes) to 1e-9 relative, the only
    rounding being the order in which doubles were added."""
    assert set(stored) == set(expected), f"{where}: keys {sorted(stored)} != expected {sorted(expected)}"
    for key, want in expected.items():
        got = stored[key]
        if isinstance(want, float) or isinstance(got, float):
            assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), f"{where}.{key}: stored {got!r}, exported {want!r}"
        else:
            assert got == want, f"{where}.{key}: stored {got!r}, exported {want!r}"
