"""Hostile input through nginx: every request here is wrong on purpose. Each must get the right
status with a clear message (a google.rpc.Status in the request's encoding when the responder
answers; nginx's own page when nginx refuses first), change NOTHING in the data directory
(a snapshot of every file, before and after), and leave the responders alive.

Covers user ids (path traversal, encodings, case, braces, size) in the query, the path and
X-User-Id; unknown users; broken protobuf and JSON (wrong types, huge numbers, deep nesting,
duplicate keys); compression bombs and broken gzip; bodies over the limit (with and without a
length); wrong methods and content types; NaN/infinite/negative values (partial success, not
counted); 100 000 distinct model names (bounded); and requests that try to reach another user.
"""

from __future__ import annotations

import gzip
import http.client
import json
import subprocess
import sys
import uuid
import zlib

import pytest

from conftest import CLIENTS, JSON, PREFIX, PROTOBUF, Response, clean_env, curl, decode_rpc_status, rpc_status, started_stack

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse  # noqa: E402
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceResponse  # noqa: E402

RPC_INVALID_ARGUMENT = 3
RPC_RESOURCE_EXHAUSTED = 8
RPC_UNIMPLEMENTED = 12
RPC_UNAUTHENTICATED = 16
STRICT_LIMIT = 65536


@pytest.fixture(scope="module")
def hostile_stack(tools):
    yield from started_stack(tools, "hostile", ["--threads", "4"])


@pytest.fixture(scope="module")
def hostile_strict_stack(tools):
    yield from started_stack(tools, "hostile-strict", ["--threads", "2", "--max-body-bytes", str(STRICT_LIMIT)])


@pytest.fixture(scope="module")
def users(hostile_stack):
    """Two users with stored data: A (the target of most requests) and B (the bystander)."""
    stack = hostile_stack
    pair = {}
    for name in ("A", "B"):
        user = stack.add_user(f"hostile-{name}")
        for signal_name, build in (("metrics", batches.metrics_batch), ("logs", batches.logs_batch)):
            answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", build(f"seed-{name}", 0))
            assert answer.status == 200, answer
        pair[name] = user
    return pair


@pytest.fixture(autouse=True)
def responders_survive(request):
    yield
    for name in ("hostile_stack", "hostile_strict_stack"):
        if name in request.fixturenames:
            request.getfixturevalue(name).assert_alive()


def as_response(answer: batches.Answer) -> Response:
    return Response(status=answer.status, headers=answer.headers, body=answer.body)


def refused(stack, send, status: int, *, code: int | None = None, content_type: str = PROTOBUF,
            words: tuple[str, ...] = (), nginx_words: tuple[str, ...] = ()) -> str:
    """Runs `send()` (returns a batches.Answer) and checks the refusal. With `code`, the
    responder answered: a google.rpc.Status in `content_type` whose message contains every one of
    `words` (case-insensitive). Without it, nginx answered: its page contains `nginx_words`.
    The whole data directory must be unchanged. Returns the message (or nginx's page)."""
    before = stack.snapshot()
    answer = send()
    assert answer.status == status, f"status {answer.status}, expected {status}: {answer.body[:400]!r}"
    if code is not None:
        rpc = rpc_status(as_response(answer), content_type)
        assert rpc["code"] == code, rpc
        message = rpc["message"]
        assert len(message) < 1000, f"unbounded error message ({len(message)} characters)"
        for word in words:
            assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    else:
        message = answer.body.decode(errors="replace")
        for word in nginx_words:
            assert word in message, f"{word!r} not in nginx's answer {message[:300]!r}"
    after = stack.snapshot()
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    assert not changed, f"a refused request changed the data directory: {changed}"
    return message


# --- user ids ----------------------------------------------------------------------------------

LONG_ID = "a" * 10_000

# (id as it appears in the URL or header, expected status, rpc code or None for nginx, words)
HOSTILE_IDS = {
    "traversal": "../../etc/passwd",
    "dot-dot-encoded": "%2e%2e",
    "dot-dot-slash-encoded": "..%2f..%2f",
    "empty": "",
    "upper-case": "UPPER",
    "braces": "BRACES",
    "10000-characters": LONG_ID,
}


def concrete(raw: str, user: str) -> str:
    return {"UPPER": user.upper(), "BRACES": "{" + user + "}"}.get(raw, raw)


# Expected answers per (place, id). nginx refuses some requests before the responder sees them:
# a request line over 8 KiB (414), a header line over 8 KiB (400), and a path whose `..`
# segments leave the /api/v1/integrations/claude location once normalised (404).
EXPECTED_IDS = {
    ("query", "traversal"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("query", "dot-dot-encoded"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("query", "dot-dot-slash-encoded"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("query", "empty"): (400, RPC_INVALID_ARGUMENT, ("empty",)),
    ("query", "upper-case"): (400, RPC_INVALID_ARGUMENT, ("lowercase",)),
    ("query", "braces"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("query", "10000-characters"): (414, None, ("Request-URI Too Large",)),
    ("path", "traversal"): (404, None, ("Not Found",)),
    ("path", "dot-dot-encoded"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("path", "dot-dot-slash-encoded"): (404, None, ("Not Found",)),
    ("path", "empty"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),  # …/users//v1/metrics: "v1" is no UUID
    ("path", "upper-case"): (400, RPC_INVALID_ARGUMENT, ("lowercase",)),
    ("path", "braces"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("path", "10000-characters"): (414, None, ("Request-URI Too Large",)),
    ("header", "traversal"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("header", "dot-dot-encoded"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("header", "dot-dot-slash-encoded"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("header", "empty"): (400, RPC_INVALID_ARGUMENT, ("empty",)),
    ("header", "upper-case"): (400, RPC_INVALID_ARGUMENT, ("lowercase",)),
    ("header", "braces"): (400, RPC_INVALID_ARGUMENT, ("not a UUID",)),
    ("header", "10000-characters"): (400, None, ("Request Header Or Cookie Too Large",)),
}


@pytest.mark.parametrize("place", ["query", "path", "header"])
@pytest.mark.parametrize("kind", list(HOSTILE_IDS))
@pytest.mark.parametrize("content_type", [PROTOBUF, JSON], ids=["protobuf", "json"])
def test_hostile_user_id(hostile_stack, users, place, kind, content_type):
    stack = hostile_stack
    raw = concrete(HOSTILE_IDS[kind], users["A"])
    body = batches.metrics_batch("hostile-id", 1, content_type)
    if place == "query":
        path, headers = f"/metrics?user={raw}", {}
    elif place == "path":
        path, headers = f"/users/{raw}/v1/metrics", {}
    else:
        path, headers = "/v1/metrics", {"X-User-Id": raw}
    status, code, words = EXPECTED_IDS[(place, kind)]
    refused(stack, lambda: batches.post(stack.port, path, body, content_type, headers=headers), status,
            code=code, content_type=content_type, words=words if code else (), nginx_words=() if code else words)
    assert not any(name.startswith("etc") or "passwd" in name for name in stack.snapshot())


def test_long_user_id_message_is_bounded_in_cgi_mode(hostile_stack, tools, users):
    """nginx stops a 10 000-character id before the responder; without nginx (CGI) the
    responder itself refuses it, with a short message (the id is cut in the message)."""
    stack = hostile_stack
    before = stack.snapshot()
    body = stack.root / "long-id.pb"
    body.write_bytes(batches.metrics_batch("hostile-id", 1))
    uri = f"{PREFIX}/metrics?user={LONG_ID}"
    env = clean_env({"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "POST",
                     "REQUEST_URI": uri, "SCRIPT_NAME": "", "PATH_INFO": f"{PREFIX}/metrics",
                     "QUERY_STRING": f"user={LONG_ID}", "CONTENT_TYPE": PROTOBUF,
                     "CONTENT_LENGTH": str(body.stat().st_size), "HTTP_X_USER_ID": LONG_ID})
    with open(body, "rb") as stdin:
        result = subprocess.run([str(tools.responder), "--data-dir", str(stack.data)], stdin=stdin,
                                capture_output=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    head, _, payload = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"Status: 400"), head
    message = decode_rpc_status(payload)["message"]
    assert "not a UUID" in message and len(message) < 300, message
    assert stack.snapshot() == before


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON], ids=["protobuf", "json"])
def test_unknown_user_is_kept_under_its_id(hostile_stack, users, content_type):
    """Every form naming a well-formed id no user has: answered 200 and parked under that id
    (never applied to anyone, no user created), listed by `unclaimed` with the id it named."""
    stack = hostile_stack
    unknown = str(uuid.uuid4())
    for path, headers in ((f"/users/{unknown}/v1/metrics", {}), (f"/metrics?user={unknown}", {}),
                          ("/v1/metrics", {"X-User-Id": unknown}), ("/v1/metrics", {"Authorization": f"Bearer {unknown}"})):
        answer = batches.post(stack.port, path, batches.metrics_batch("x", 1, content_type), content_type,
                              headers=headers)
        assert answer.status == 200, (path, answer)
    assert not (stack.data / "users" / unknown).exists()
    listed = json.loads(stack.admin("unclaimed", "--json").stdout)
    entry = next(e for e in listed if e["installation"] == unknown)
    assert entry["kind"] == "unknown user id" and entry["requests"] == 4


# --- broken bodies -----------------------------------------------------------------------------


def deep_json_attribute(depth: int) -> bytes:
    """A logs request whose only attribute value is `depth` nested AnyValue arrays."""
    inner = '{"stringValue":"x"}'
    value = '{"arrayValue":{"values":[' * depth + inner + "]}}" * depth
    return ('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1795514400000000000",'
            '"body":{"stringValue":"claude_code.user_prompt"},"attributes":[{"key":"deep","value":'
            + value + "}]}]}]}]}").encode()


def deep_json_unknown_field(depth: int) -> bytes:
    return ('{"resourceMetrics":[],"someUnknownField":' + "[" * depth + "]" * depth + "}").encode()


def _len_delimited(number: int, payload: bytes) -> bytes:
    return batches.varint(number << 3 | 2) + batches.varint(len(payload)) + payload


def deep_protobuf_attribute(depth: int) -> bytes:
    """ExportLogsServiceRequest{resource_logs{scope_logs{log_records{attributes{key, value:
    AnyValue{array_value{values: AnyValue{array_value{…}}}}}}}}} built byte by byte."""
    value = _len_delimited(1, b"x")  # AnyValue.string_value
    for _ in range(depth):
        value = _len_delimited(5, _len_delimited(1, value))  # AnyValue.array_value -> ArrayValue.values
    key_value = _len_delimited(1, b"deep") + _len_delimited(2, value)
    record = _len_delimited(6, key_value)  # LogRecord.attributes
    scope_logs = _len_delimited(2, record)  # ScopeLogs.log_records
    resource_logs = _len_delimited(2, scope_logs)  # ResourceLogs.scope_logs
    return _len_delimited(1, resource_logs)  # ExportLogsServiceRequest.resource_logs


def deep_protobuf_unknown_groups(depth: int) -> bytes:
    """An unknown field 99 made of `depth` nested groups (wire types 3 and 4)."""
    start, end = batches.varint(99 << 3 | 3), batches.varint(99 << 3 | 4)
    return start * depth + end * depth


def json_metrics(points: str, temporality: int = 1) -> bytes:
    return ('{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},'
            '"scopeMetrics":[{"scope":{"name":"com.anthropic.claude_code"},"metrics":[{"name":"claude_code.token.usage",'
            '"sum":{"aggregationTemporality":' + str(temporality) + ',"isMonotonic":true,"dataPoints":[' + points
            + "]}}]}]}]}").encode()


def json_point(value: str, time_ns: str = '"1795514460000000000"', start_ns: str = '"1795514400000000000"',
               model: str = "hostile-model", kind: str = "input") -> str:
    return ('{"startTimeUnixNano":' + start_ns + ',"timeUnixNano":' + time_ns + ',' + value + ','
            '"attributes":[{"key":"type","value":{"stringValue":"' + kind + '"}},'
            '{"key":"model","value":{"stringValue":"' + model + '"}}]}')


VALID = batches.metrics_batch("hostile-body", 1)

BROKEN_BODIES = {
    # name: (signal, content type, body, extra headers, status, rpc code, words)
    "garbage-protobuf": ("metrics", PROTOBUF, b"\xff\xfe\xfd\xfc garbage \x00\x01", {}, 400, RPC_INVALID_ARGUMENT, ("protobuf",)),
    "truncated-protobuf": ("metrics", PROTOBUF, VALID[: len(VALID) // 2], {}, 400, RPC_INVALID_ARGUMENT, ("protobuf",)),
    "truncated-protobuf-logs": ("logs", PROTOBUF, batches.logs_batch("hostile-body", 1)[:-3], {}, 400,
                                RPC_INVALID_ARGUMENT, ("protobuf",)),
    "protobuf-sent-as-json": ("metrics", JSON, VALID, {}, 400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-resourceMetrics-number": ("metrics", JSON, b'{"resourceMetrics": 5}', {}, 400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-resourceMetrics-string": ("metrics", JSON, b'{"resourceMetrics": "abc"}', {}, 400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-scopeMetrics-object": ("metrics", JSON, b'{"resourceMetrics": [{"scopeMetrics": {"metrics": []}}]}', {},
                                 400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-logRecords-string": ("logs", JSON, b'{"resourceLogs": [{"scopeLogs": [{"logRecords": "x"}]}]}', {},
                               400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-top-level-array": ("metrics", JSON, b'[{"resourceMetrics": []}]', {}, 400, RPC_INVALID_ARGUMENT, ("JSON",)),
    "json-asDouble-1e400": ("metrics", JSON, json_metrics(json_point('"asDouble":1e400')), {}, 400,
                            RPC_INVALID_ARGUMENT, ("number",)),
    "json-timeUnixNano-too-big": ("metrics", JSON, json_metrics(json_point('"asDouble":5', time_ns='"99999999999999999999999"')),
                                  {}, 400, RPC_INVALID_ARGUMENT, ("number",)),
    "json-asInt-too-big": ("metrics", JSON, json_metrics(json_point('"asInt":"99999999999999999999999"')), {}, 400,
                           RPC_INVALID_ARGUMENT, ("number",)),
    "json-deep-attribute-100000": ("logs", JSON, deep_json_attribute(100_000), {}, 400, RPC_INVALID_ARGUMENT, ("nesting",)),
    "protobuf-deep-attribute-100000": ("logs", PROTOBUF, deep_protobuf_attribute(100_000), {}, 400,
                                       RPC_INVALID_ARGUMENT, ("protobuf",)),
    "protobuf-deep-unknown-groups-100000": ("metrics", PROTOBUF, deep_protobuf_unknown_groups(100_000), {}, 400,
                                            RPC_INVALID_ARGUMENT, ("protobuf",)),
    "gzip-bomb": ("metrics", PROTOBUF, gzip.compress(b"\x00" * (24 * 1024 * 1024), 9, mtime=0),
                  {"Content-Encoding": "gzip"}, 413, RPC_RESOURCE_EXHAUSTED, ("decompressed", "limit")),
    "deflate-bomb": ("logs", JSON, zlib.compress(b" " * (24 * 1024 * 1024), 9), {"Content-Encoding": "deflate"}, 413,
                     RPC_RESOURCE_EXHAUSTED, ("decompressed", "limit")),
    "gzip-not-gzip": ("metrics", PROTOBUF, VALID, {"Content-Encoding": "gzip"}, 400, RPC_INVALID_ARGUMENT, ("compressed",)),
    "gzip-truncated": ("metrics", PROTOBUF, gzip.compress(VALID, mtime=0)[:-12], {"Content-Encoding": "gzip"}, 400,
                       RPC_INVALID_ARGUMENT, ("compressed",)),
    "gzip-bad-crc": ("metrics", PROTOBUF, gzip.compress(VALID, mtime=0)[:-8] + b"\x00\x00\x00\x00"
                     + gzip.compress(VALID, mtime=0)[-4:], {"Content-Encoding": "gzip"}, 400, RPC_INVALID_ARGUMENT,
                     ("compressed",)),
}


def _nested_point(point: bytes) -> bytes:
    """ExportMetricsServiceRequest{resource_metrics{scope_metrics{metrics{name, sum{data_points: point}}}}}."""
    metric = _len_delimited(1, b"claude_code.token.usage") + _len_delimited(7, _len_delimited(1, point))
    return _len_delimited(1, _len_delimited(2, _len_delimited(2, metric)))


# Wire-format edge cases for the hand-written protobuf decoder: lengths that overflow, varints
# that never end, reserved wire types, field 0, unbalanced groups, truncated fixed-width values,
# invalid UTF-8. Each must be a 400, never a crash (Swift traps on overflow) or a wrong read.
PROTOBUF_EDGES = {
    "length-2^64-1": b"\x0a" + batches.varint(2**64 - 1),
    "length-2^63": b"\x0a" + batches.varint(2**63),
    "length-2^63-1": b"\x0a" + batches.varint(2**63 - 1),
    "length-past-end": b"\x0a\x05\x12\x00",
    "varint-11-bytes": b"\x08" + b"\xff" * 10 + b"\x01",
    "key-varint-over-32-bits": b"\xff\xff\xff\xff\x7f\x00",
    "wire-type-6": b"\x0e\x00",
    "wire-type-7": b"\x0f\x00",
    "field-number-0": b"\x02\x00",
    "end-group-alone": b"\x0c",
    "unterminated-group": b"\xfb\x06" + b"\x08\x01",  # field 111 start group, a varint, no end
    "groups-over-depth": deep_protobuf_unknown_groups(40),
}
# Metrics-only shapes (on the logs endpoint the same bytes mean other, valid fields).
METRICS_EDGES = {
    "truncated-fixed64-time": _nested_point(b"\x19\x01\x02\x03"),  # time_unix_nano (3, fixed64): 3 of 8 bytes
    "truncated-double": _nested_point(b"\x21\x00\x00"),  # as_double (4, fixed64): 2 of 8 bytes
    "invalid-utf8-metric-name": _len_delimited(1, _len_delimited(2, _len_delimited(2, _len_delimited(1, b"\xff\xfe\xfd")))),
}


@pytest.mark.parametrize("name", list(PROTOBUF_EDGES) + list(METRICS_EDGES))
def test_protobuf_wire_format_edges(hostile_stack, users, name):
    stack = hostile_stack
    signals = ("metrics", "logs") if name in PROTOBUF_EDGES else ("metrics",)
    body = PROTOBUF_EDGES.get(name) or METRICS_EDGES[name]
    for signal_name in signals:
        refused(stack, lambda: batches.post(stack.port, f"/users/{users['A']}/v1/{signal_name}", body),
                400, code=RPC_INVALID_ARGUMENT, words=("protobuf",))


@pytest.mark.parametrize("name", list(BROKEN_BODIES))
def test_broken_body(hostile_stack, users, name):
    stack = hostile_stack
    signal_name, content_type, body, headers, status, code, words = BROKEN_BODIES[name]
    refused(stack, lambda: batches.post(stack.port, f"/users/{users['A']}/v1/{signal_name}", body, content_type,
                                        headers=headers, timeout=60),
            status, code=code, content_type=content_type, words=words)


def test_deeply_nested_unknown_json_field_is_skipped(hostile_stack, users):
    """OTLP/JSON receivers ignore unknown fields; one nested 100 000 arrays deep is skipped
    without recursion (no crash), and the request, empty otherwise, changes nothing."""
    stack = hostile_stack
    before = stack.snapshot()
    answer = batches.post(stack.port, f"/users/{users['A']}/v1/metrics", deep_json_unknown_field(100_000), JSON)
    assert answer.status == 200 and json.loads(answer.body) == {}, answer
    assert stack.snapshot() == before


def test_body_over_limit_with_length_and_chunked(hostile_strict_stack):
    stack = hostile_strict_stack
    user = stack.add_user("big")
    answer = batches.post(stack.port, f"/users/{user}/v1/metrics", batches.metrics_batch("big", 0))
    assert answer.status == 200, answer
    big = batches.metrics_batch("big", 1) + b"\x00" * STRICT_LIMIT  # over the limit by far, valid prefix
    refused(stack, lambda: batches.post(stack.port, f"/users/{user}/v1/metrics", big), 413,
            code=RPC_RESOURCE_EXHAUSTED, words=("limit",))

    def chunked() -> batches.Answer:
        response = curl(f"{stack.base}/users/{user}/v1/metrics", method="POST", data=big,
                        headers={"Content-Type": PROTOBUF, "Transfer-Encoding": "chunked"})
        return batches.Answer(response.status, response.headers, response.body)

    refused(stack, chunked, 413, code=RPC_RESOURCE_EXHAUSTED, words=("limit",))


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_wrong_method_405(hostile_stack, users, method):
    stack = hostile_stack
    message = refused(stack, lambda: batches.post(stack.port, f"/users/{users['A']}/v1/metrics", VALID, method=method),
                      405, code=RPC_UNIMPLEMENTED, words=("not allowed",))
    assert "POST" in message


@pytest.mark.parametrize("content_type, words", [
    ("text/plain", ("unsupported Content-Type",)),
    (None, ("missing Content-Type",)),
    ("application/grpc", ("gRPC",)),
    ("application/x-www-form-urlencoded", ("unsupported Content-Type",)),
], ids=["text-plain", "missing", "grpc", "form"])
def test_wrong_content_type_415(hostile_stack, users, content_type, words):
    stack = hostile_stack
    refused(stack, lambda: batches.post(stack.port, f"/users/{users['A']}/v1/metrics", VALID, content_type),
            415, code=RPC_INVALID_ARGUMENT, content_type=JSON, words=words)


# --- values that must be rejected point by point -------------------------------------------------


def partial_success(answer: batches.Answer, content_type: str, signal_name: str) -> tuple[int, str]:
    assert answer.status == 200, answer
    if content_type == JSON:
        partial = json.loads(answer.body).get("partialSuccess", {})
        key = "rejectedDataPoints" if signal_name == "metrics" else "rejectedLogRecords"
        return int(partial.get(key, 0)), partial.get("errorMessage", "")
    if signal_name == "metrics":
        message = ExportMetricsServiceResponse.FromString(answer.body)
        return message.partial_success.rejected_data_points, message.partial_success.error_message
    message = ExportLogsServiceResponse.FromString(answer.body)
    return message.partial_success.rejected_log_records, message.partial_success.error_message


def bad_values_request(content_type: str) -> bytes:
    """NaN, +inf, -inf, -5 on the input-token counter (each its own series), and one good point
    (lines added 7) in the same batch."""
    if content_type == PROTOBUF:
        points = [("claude_code.token.usage", {"type": "input", "model": f"bad-{index}"}, batches.T0_NS,
                   batches.T0_NS + 60 * 10**9, value)
                  for index, value in enumerate([float("nan"), float("inf"), float("-inf"), -5.0])]
        points.append(("claude_code.lines_of_code.count", {"type": "added"}, batches.T0_NS, batches.T0_NS + 60 * 10**9, 7))
        return batches.encode(batches.metrics_request("bad-values", points), PROTOBUF)
    bad = ",".join(json_point(f'"asDouble":{value}', model=f"bad-{index}")
                   for index, value in enumerate(['"NaN"', '"Infinity"', '"-Infinity"', "-5"]))
    body = json.loads(json_metrics(bad))
    body["resourceMetrics"][0]["scopeMetrics"][0]["metrics"].append({
        "name": "claude_code.lines_of_code.count",
        "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [{
            "startTimeUnixNano": str(batches.T0_NS), "timeUnixNano": str(batches.T0_NS + 60 * 10**9), "asDouble": 7,
            "attributes": [{"key": "type", "value": {"stringValue": "added"}}]}]}})
    return json.dumps(body).encode()


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON], ids=["protobuf", "json"])
def test_nan_infinite_negative_are_rejected_not_counted(hostile_stack, content_type):
    stack = hostile_stack
    user = stack.add_user("bad-values")
    answer = batches.post(stack.port, f"/users/{user}/v1/metrics", bad_values_request(content_type), content_type)
    rejected, message = partial_success(answer, content_type, "metrics")
    assert rejected == 4, (rejected, message)
    assert "NaN" in message or "negative" in message, message
    document = stack.aggregate(user)
    assert document["totals"]["totalInputTokens"] == 0, document["totals"]
    assert document["totals"]["totalLinesAdded"] == 7
    assert not any(name.startswith("bad-") for name in document["models"]), document["models"]
    assert document["received"]["dataPointsRejected"] == 4 and document["received"]["dataPointsApplied"] == 1
    # Sent again: the good point is a replay, the bad ones are rejected again, nothing changes.
    stored = stack.current_bytes(user)
    answer = batches.post(stack.port, f"/users/{user}/v1/metrics", bad_values_request(content_type), content_type)
    assert partial_success(answer, content_type, "metrics")[0] == 4
    assert stack.aggregate(user)["totals"] == json.loads(stored)["totals"]


def test_event_with_non_numeric_number_rejected(hostile_stack):
    stack = hostile_stack
    user = stack.add_user("bad-event")
    record = {"timeUnixNano": str(batches.T0_NS), "body": {"stringValue": "claude_code.api_request"},
              "attributes": [{"key": "event.name", "value": {"stringValue": "api_request"}},
                             {"key": "model", "value": {"stringValue": "m"}},
                             {"key": "request_id", "value": {"stringValue": "req-nan"}},
                             {"key": "input_tokens", "value": {"stringValue": "NaN"}},
                             {"key": "cost_usd", "value": {"doubleValue": "Infinity"}}]}
    good = {"timeUnixNano": str(batches.T0_NS + 1), "body": {"stringValue": "claude_code.user_prompt"},
            "attributes": [{"key": "event.name", "value": {"stringValue": "user_prompt"}}]}
    body = json.dumps({"resourceLogs": [{"scopeLogs": [{"logRecords": [record, good]}]}]}).encode()
    answer = batches.post(stack.port, f"/users/{user}/v1/logs", body, JSON)
    rejected, message = partial_success(answer, JSON, "logs")
    assert rejected == 1, (rejected, message)
    document = stack.aggregate(user)
    assert document["events"] == {"user_prompt": 1}, document["events"]
    assert document["totals"]["totalInputTokens"] == 0 and document["totals"]["apiRequests"] == 0


# --- duplicate keys ------------------------------------------------------------------------------


def test_duplicate_json_keys_never_double_count(hostile_stack):
    """JSON with duplicate keys. What the receiver does is reported in the output; it must not
    crash, and nothing may be counted twice."""
    stack = hostile_stack
    user = stack.add_user("duplicate-keys")
    path = f"/users/{user}/v1/metrics"
    observed = {}

    # 1. The same "resourceMetrics" member twice, identical: at most one copy counts.
    one = json.loads(batches.metrics_batch("dup", 1, JSON))["resourceMetrics"]
    text = '{"resourceMetrics":' + json.dumps(one) + ',"resourceMetrics":' + json.dumps(one) + "}"
    answer = batches.post(stack.port, path, text.encode(), JSON)
    observed["same resourceMetrics twice"] = answer.status
    assert answer.status in (200, 400), answer
    got = stack.aggregate(user)["totals"]["totalInputTokens"] if stack.aggregate_path(user).exists() else 0
    assert got in (0, batches.input_value("dup", 1)) if answer.status == 200 else got == 0, got
    counted = got

    # 2. Two different batches under duplicate "resourceMetrics" keys: each counts at most once.
    two = json.loads(batches.metrics_batch("dup", 2, JSON))["resourceMetrics"]
    three = json.loads(batches.metrics_batch("dup", 3, JSON))["resourceMetrics"]
    text = '{"resourceMetrics":' + json.dumps(two) + ',"resourceMetrics":' + json.dumps(three) + "}"
    answer = batches.post(stack.port, path, text.encode(), JSON)
    observed["different resourceMetrics twice"] = answer.status
    assert answer.status in (200, 400), answer
    got = stack.aggregate(user)["totals"]["totalInputTokens"] - counted
    allowed = {0, batches.input_value("dup", 2), batches.input_value("dup", 3),
               batches.input_value("dup", 2) + batches.input_value("dup", 3)}
    assert got in allowed, f"added {got}, allowed {allowed}"
    observed["different resourceMetrics twice: added"] = (
        "both" if got == batches.input_value("dup", 2) + batches.input_value("dup", 3) else
        "first" if got == batches.input_value("dup", 2) else "last" if got else "none")
    counted += got

    # 3. One point with "asDouble" twice (5 then 7): never 12.
    point = ('{"startTimeUnixNano":"1795514400000000000","timeUnixNano":"1795514460000000000","asDouble":5,"asDouble":7,'
             '"attributes":[{"key":"type","value":{"stringValue":"input"}},{"key":"model","value":{"stringValue":"dup"}}]}')
    answer = batches.post(stack.port, path, json_metrics(point), JSON)
    observed["asDouble twice"] = answer.status
    assert answer.status in (200, 400), answer
    got = stack.aggregate(user)["totals"]["totalInputTokens"] - counted
    assert got in ((0,) if answer.status == 400 else (5, 7)), got
    counted += got

    # 4. A point with the attribute "type" twice (input, output): counted under one type only.
    point = ('{"startTimeUnixNano":"1795514400000000000","timeUnixNano":"1795514470000000000","asDouble":11,'
             '"attributes":[{"key":"type","value":{"stringValue":"input"}},{"key":"type","value":{"stringValue":"output"}},'
             '{"key":"model","value":{"stringValue":"dup2"}}]}')
    before = stack.aggregate(user)["totals"]
    answer = batches.post(stack.port, path, json_metrics(point), JSON)
    observed["attribute key twice"] = answer.status
    assert answer.status in (200, 400), answer
    after = stack.aggregate(user)["totals"]
    added = (after["totalInputTokens"] - before["totalInputTokens"]) + (after["totalOutputTokens"] - before["totalOutputTokens"])
    assert added in ((0,) if answer.status == 400 else (0, 11)), added
    observed["attribute key twice: added"] = added
    print(f"duplicate keys: {observed}")


# --- bounds --------------------------------------------------------------------------------------


def test_100000_model_names_stay_bounded(hostile_stack):
    stack = hostile_stack
    user = stack.add_user("many-models")
    total = 0
    for request_index in range(4):
        points = []
        for index in range(25_000):
            number = request_index * 25_000 + index
            start = batches.T0_NS + number * 1000
            points.append(("claude_code.token.usage", {"type": "input", "model": f"model-{number:06d}"}, start,
                           start + 500, 1 + number % 3))
            total += 1 + number % 3
        body = batches.encode(batches.metrics_request(f"models-{request_index}", points))
        answer = batches.post(stack.port, f"/users/{user}/v1/metrics", body, timeout=120)
        assert answer.status == 200, answer
        assert partial_success(answer, PROTOBUF, "metrics")[0] == 0
    document = stack.aggregate(user)
    models = document["models"]
    assert len(models) <= 200, f"{len(models)} model names kept"
    assert "(other)" in models, sorted(models)[:5]
    assert document["totals"]["totalInputTokens"] == total
    assert sum(model["inputTokens"] for model in models.values()) == total
    assert document["received"]["dataPointsApplied"] == 100_000
    size = stack.aggregate_path(user).stat().st_size
    assert size < 4 * 1024 * 1024, f"aggregate.json grew to {size} bytes"
    print(f"100 000 models: {len(models)} keys, aggregate.json {size} bytes")


# --- one user's request never touches another user -----------------------------------------------


def test_requests_for_a_never_change_b(hostile_stack, users):
    stack = hostile_stack
    a, b = users["A"], users["B"]
    b_dir = stack.data / "users" / b

    def b_files() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted(b_dir.iterdir()) if path.is_file()}

    b_before = b_files()
    body = batches.metrics_batch("cross", 1)
    conflicting = [
        (f"/users/{a}/v1/metrics", {"X-User-Id": b}),
        (f"/users/{a}/v1/metrics?user={b}", {}),
        (f"/metrics?user={a}", {"Authorization": f"Bearer {b}"}),
        (f"/metrics?user={a}", {"X-User-Id": b}),
        (f"?user={a}/v1/metrics", {"X-User-Id": b}),
        (f"/users/{b}/v1/metrics", {"X-User-Id": a}),
        ("/v1/metrics", {"X-User-Id": a, "Authorization": f"Bearer {b}"}),
    ]
    for path, headers in conflicting:
        refused(stack, lambda: batches.post(stack.port, path, body, headers=headers), 400, code=RPC_INVALID_ARGUMENT,
                words=("differs",))
    # Paths that mention B but route elsewhere: never B's files.
    for path in (f"/users/{a}/../{b}/v1/metrics", f"/users/{a}%2f..%2f{b}/v1/metrics", f"/users/{a};{b}/v1/metrics",
                 f"/users/{a}/users/{b}/v1/metrics"):
        answer = batches.post(stack.port, path, body)
        assert answer.status in (400, 404), (path, answer)
    # The identity attributes inside the body (user.id = B) never choose the file.
    answer = batches.post(stack.port, f"/users/{a}/v1/metrics", batches.encode(batches.metrics_request(
        b, [("claude_code.token.usage", {"type": "input", "model": "m", "user.id": b}, batches.T0_NS, batches.T0_NS + 5, 3)])))
    assert answer.status == 200, answer
    # A repeated user parameter: the first one is used (A); B is not touched.
    answer = batches.post(stack.port, f"/metrics?user={a}&user={b}", batches.metrics_batch("cross", 2))
    assert answer.status in (200, 400), answer
    assert b_files() == b_before, "a request for A changed B's files"
    # Reading: a GET naming B returns the health document, never B's data.
    health = curl(f"{stack.base}/metrics").body
    for path in (f"/users/{b}/v1/metrics", f"/metrics?user={b}"):
        response = curl(stack.base + path)
        assert response.status == 200 and response.body == health, (path, response.body[:200])
        assert b not in response.body.decode(errors="replace")


def test_duplicate_user_headers_never_reach_b(hostile_stack, users):
    """X-User-Id sent twice (A, then B). Reported: which user, if any, the request goes to."""
    stack = hostile_stack
    a, b = users["A"], users["B"]
    b_before = {path.name: path.read_bytes() for path in (stack.data / "users" / b).iterdir() if path.is_file()}
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=15)
    try:
        body = batches.metrics_batch("dup-header", 1)
        connection.putrequest("POST", f"{PREFIX}/v1/metrics")
        connection.putheader("Content-Type", PROTOBUF)
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("X-User-Id", a)
        connection.putheader("X-User-Id", b)
        connection.endheaders(body)
        response = connection.getresponse()
        answer = batches.Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()
    print(f"two X-User-Id headers (A, B): {answer.status} {answer.body[:200]!r}")
    assert answer.status in (200, 400), answer
    b_after = {path.name: path.read_bytes() for path in (stack.data / "users" / b).iterdir() if path.is_file()}
    assert b_after == b_before, "a request that named B second changed B's files"
