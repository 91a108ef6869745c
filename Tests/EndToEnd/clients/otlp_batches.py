"""Deterministic, distinct OTLP/HTTP batches for the reliability and hostile-input tests, and a
minimal HTTP client for 127.0.0.1.

Built with the real `opentelemetry-proto` message classes (the proto venv has them), so every
body is a genuine ExportMetricsServiceRequest / ExportLogsServiceRequest. Everything is a pure
function of its arguments: the test that checks the totals and the client process that sends
the batches compute the very same bytes and values independently.

Batches are shaped like Claude Code's: monotonic Sums with DELTA temporality and `asDouble`
values, one resource per client instance (`service.instance.id`, as every SDK process has its
own), and event log records whose body is `claude_code.<name>`.

A metrics batch `(instance, seq)` holds two points, each with start = T0 + seq ms and
time = T0 + seq ms + 1 ms, so two batches of one instance never share a (series, start, time):
  - `claude_code.token.usage` {type=input, model=MODEL}  value = input_value(instance, seq)
  - `claude_code.lines_of_code.count` {type=added}       value = lines_value(instance, seq)
A logs batch `(instance, seq)` holds LOG_RECORDS `tool_result` events (tool_name=Bash,
success=true) with distinct times and tool_use_id values.
"""

from __future__ import annotations

import http.client
import json
import socket
import zlib
from dataclasses import dataclass

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import AggregationTemporality

LOOPBACK = "127.0.0.1"
PREFIX = "/api/v1/integrations/claude"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"

T0_NS = 1795514400 * 10**9  # 2026-11-24T10:00:00Z, as in Tests/TelemetryTesting/Fixtures
MODEL = "claude-sonnet-4-5"
LOG_RECORDS = 2
DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
CUMULATIVE = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE


# --- values --------------------------------------------------------------------------------


def _mix(instance: str, seq: int, salt: int) -> int:
    return zlib.crc32(f"{instance}/{seq}/{salt}".encode())


def input_value(instance: str, seq: int) -> int:
    """Input tokens of batch `seq` of `instance`: an integer in 1..1000 (sums stay exact in a double)."""
    return 1 + _mix(instance, seq, 1) % 1000


def lines_value(instance: str, seq: int) -> int:
    return 1 + _mix(instance, seq, 2) % 50


@dataclass
class Expected:
    """What a set of batches must add up to in one user's aggregate.json."""
    input_tokens: int = 0
    lines_added: int = 0
    points: int = 0
    tool_results: int = 0
    metric_batches: int = 0
    log_batches: int = 0

    def add_metrics(self, instance: str, seq: int) -> None:
        self.input_tokens += input_value(instance, seq)
        self.lines_added += lines_value(instance, seq)
        self.points += 2
        self.metric_batches += 1

    def add_logs(self, instance: str, seq: int) -> None:
        self.tool_results += LOG_RECORDS
        self.log_batches += 1

    def check(self, document: dict) -> list[str]:
        """The differences between `document` and these expectations (empty when exact)."""
        totals = document.get("totals", {})
        received = document.get("received", {})
        events = document.get("events", {})
        problems = []
        for name, got, want in (
            ("totals.totalInputTokens", totals.get("totalInputTokens", 0), self.input_tokens),
            ("totals.totalLinesAdded", totals.get("totalLinesAdded", 0), self.lines_added),
            ("received.dataPointsApplied", received.get("dataPointsApplied", 0), self.points),
            ("totals.totalToolCalls", totals.get("totalToolCalls", 0), self.tool_results),
            ("events.tool_result", events.get("tool_result", 0), self.tool_results),
            ("received.logRecordsApplied", received.get("logRecordsApplied", 0), self.tool_results),
        ):
            if got != want:
                problems.append(f"{name} = {got}, expected {want} (difference {got - want:+})")
        return problems


# --- protobuf building blocks ----------------------------------------------------------------


def kv(key: str, value) -> KeyValue:
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    if isinstance(value, float):
        return KeyValue(key=key, value=AnyValue(double_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=str(value)))


def resource_attributes(instance: str) -> list[KeyValue]:
    return [kv("service.name", "claude-code"), kv("service.version", "2.0.50"),
            kv("service.instance.id", instance)]


def metrics_request(instance: str, points: list[tuple[str, dict, int, int, float]],
                    temporality=DELTA) -> ExportMetricsServiceRequest:
    """One resource (the instance), one scope, one monotonic Sum per metric name.
    `points`: (metric name, attributes, start ns, time ns, value)."""
    request = ExportMetricsServiceRequest()
    resource_metrics = request.resource_metrics.add()
    resource_metrics.resource.attributes.extend(resource_attributes(instance))
    scope_metrics = resource_metrics.scope_metrics.add()
    scope_metrics.scope.name = "com.anthropic.claude_code"
    scope_metrics.scope.version = "2.0.50"
    metrics = {}
    for name, attributes, start, time, value in points:
        if name not in metrics:
            metric = scope_metrics.metrics.add()
            metric.name = name
            metric.sum.aggregation_temporality = temporality
            metric.sum.is_monotonic = True
            metrics[name] = metric
        point = metrics[name].sum.data_points.add()
        point.start_time_unix_nano = start
        point.time_unix_nano = time
        point.as_double = float(value)
        point.attributes.extend([kv("user.id", "e2e-reliability"), kv("session.id", instance)])
        point.attributes.extend(kv(key, item) for key, item in attributes.items())
    return request


def metrics_batch_request(instance: str, seq: int) -> ExportMetricsServiceRequest:
    start = T0_NS + seq * 1_000_000
    time = start + 1_000_000
    return metrics_request(instance, [
        ("claude_code.token.usage", {"type": "input", "model": MODEL}, start, time, input_value(instance, seq)),
        ("claude_code.lines_of_code.count", {"type": "added"}, start, time, lines_value(instance, seq)),
    ])


def logs_batch_request(instance: str, seq: int) -> ExportLogsServiceRequest:
    request = ExportLogsServiceRequest()
    resource_logs = request.resource_logs.add()
    resource_logs.resource.attributes.extend(resource_attributes(instance))
    scope_logs = resource_logs.scope_logs.add()
    scope_logs.scope.name = "com.anthropic.claude_code.events"
    scope_logs.scope.version = "2.0.50"
    for index in range(LOG_RECORDS):
        record = scope_logs.log_records.add()
        record.time_unix_nano = T0_NS + seq * 1_000_000 + index
        record.observed_time_unix_nano = record.time_unix_nano
        record.severity_number = 9
        record.body.string_value = "claude_code.tool_result"
        record.attributes.extend([
            kv("user.id", "e2e-reliability"), kv("session.id", instance), kv("event.name", "tool_result"),
            kv("event.sequence", seq * LOG_RECORDS + index), kv("tool_name", "Bash"), kv("success", "true"),
            kv("tool_use_id", f"{instance}-{seq}-{index}"), kv("duration_ms", 12),
        ])
    return request


def encode(message, content_type: str = PROTOBUF) -> bytes:
    """OTLP/HTTP body: binary protobuf, or OTLP JSON (lowerCamelCase, 64-bit integers as strings)."""
    if content_type == PROTOBUF:
        return message.SerializeToString()
    return json.dumps(json_format.MessageToDict(message, use_integers_for_enums=True), separators=(",", ":")).encode()


def metrics_batch(instance: str, seq: int, content_type: str = PROTOBUF) -> bytes:
    return encode(metrics_batch_request(instance, seq), content_type)


def logs_batch(instance: str, seq: int, content_type: str = PROTOBUF) -> bytes:
    return encode(logs_batch_request(instance, seq), content_type)


def varint(value: int) -> bytes:
    """A protobuf base-128 varint, for bodies built by hand around the generated messages
    (unknown fields the decoder must skip, lengths that lie)."""
    out = b""
    while value >= 0x80:
        out += bytes([0x80 | (value & 0x7F)])
        value >>= 7
    return out + bytes([value])


# --- HTTP to 127.0.0.1 -------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lowercased names
    body: bytes


# What the OTLP exporters treat as "try again": connection errors and these statuses.
RETRYABLE_STATUSES = {429, 502, 503, 504}
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, socket.timeout, TimeoutError, OSError)


def post(port: int, path: str, body: bytes, content_type: str | None = PROTOBUF,
         headers: dict[str, str] | None = None, timeout: float = 15, method: str = "POST") -> Answer:
    """One request on a fresh connection (like the exporters' connection-per-retry behaviour
    after an error); raises one of CONNECTION_ERRORS when the connection fails."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        all_headers = {"Content-Length": str(len(body))}
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        all_headers.update(headers or {})
        url = path if path.startswith(PREFIX) else PREFIX + path
        connection.request(method, url, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, data)
    finally:
        connection.close()
