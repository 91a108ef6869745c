"""Claude Code's enhanced telemetry beta through the real stack: spans sent by the real
OpenTelemetry Python SDK's OTLP/HTTP span exporter (protobuf and JSON, gzip, the URL forms that
carry a user), folded into exact latency figures; a replayed batch counts once; token counts on
spans never reach the token totals; GET …/traces is a health document.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import CLIENTS, PREFIX, clean_env, curl

SONNET = "claude-sonnet-4-5"
HAIKU = "claude-haiku-4-5"

# Children of one claude_code.interaction span, as Claude Code 2.1.332 writes them: numbers as
# ints, success as a bool, the token counts that must never be added to the token totals.
SPANS = [
    {"name": "claude_code.llm_request", "start_ms": 0, "end_ms": 1500, "attributes": {
        "model": SONNET, "duration_ms": 1500, "ttft_ms": 420, "input_tokens": 1200, "output_tokens": 300,
        "cache_read_tokens": 9000, "cache_creation_tokens": 100, "attempt": 1, "success": True,
        "query_source": "main", "stop_reason": "tool_use", "request_id": "req_tr_1"}},
    {"name": "claude_code.tool", "start_ms": 1510, "end_ms": 1550, "attributes": {
        "tool_name": "Bash", "duration_ms": 40, "bash_argv0": "git", "bash_command_class": "vcs"}},
    {"name": "claude_code.tool.execution", "start_ms": 1511, "end_ms": 1549, "attributes": {"success": True}},
    {"name": "claude_code.tool", "start_ms": 1560, "end_ms": 1860, "attributes": {"tool_name": "Edit", "duration_ms": 300}},
    {"name": "claude_code.tool.blocked_on_user", "start_ms": 1561, "end_ms": 1800, "attributes": {"decision": "accept"}},
    {"name": "claude_code.llm_request", "start_ms": 1900, "end_ms": 2600, "attributes": {
        "model": SONNET, "duration_ms": 700, "ttft_ms": 90, "input_tokens": 400, "output_tokens": 50,
        "attempt": 1, "success": True, "query_source": "main", "request_id": "req_tr_2"}},
    {"name": "claude_code.llm_request", "start_ms": 2700, "end_ms": 14700, "error": True, "attributes": {
        "model": HAIKU, "duration_ms": 12000, "input_tokens": 10, "attempt": 3, "success": False,
        "status_code": 529, "query_source": "compact"}},
]
APPLIED = 5  # two spans of other names are accepted and ignored
BOUNDS = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000]


def buckets(*values: float) -> list[int]:
    counts = [0] * (len(BOUNDS) + 1)
    for value in values:
        counts[next((i for i, bound in enumerate(BOUNDS) if value <= bound), len(BOUNDS))] += 1
    return counts


def run_client(tools, kind: str, env: dict[str, str], replays: int) -> dict:
    python = tools.proto_python if kind == "proto" else tools.json_python
    for value in env.values():
        assert "://" not in value or value.startswith("http://127.0.0.1:"), value
    spec = {"resource": {"service.name": "claude-code", "service.version": "2.1.332"},
            "identity": {"user.id": "e2e-trace-installation", "session.id": "e2e-trace-session"},
            "spans": SPANS, "replays": replays}
    settings = {"OTEL_EXPORTER_OTLP_TIMEOUT": "10", "OTEL_BSP_SCHEDULE_DELAY": "600000",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf" if kind == "proto" else "http/json", **env}
    result = subprocess.run([python, str(CLIENTS / "claude_like_traces.py"), kind, json.dumps(spec)],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=120, env=clean_env(settings))
    assert result.returncode == 0, f"client failed:\n{result.stdout.decode()}\n{result.stderr.decode(errors='replace')}"
    outcome = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert outcome["problems"] == [], outcome
    # Every export, replays included, answered 200 (SUCCESS only for 2xx).
    assert outcome["exports"] == ["SUCCESS"] * (1 + replays), outcome
    return outcome


CASES = [
    ("user-path-protobuf", "proto", lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}/users/{user}"},
     lambda user: f"{PREFIX}/users/{user}/v1/traces"),
    ("header-json-gzip", "json", lambda base, user: {
        "OTEL_EXPORTER_OTLP_ENDPOINT": base, "OTEL_EXPORTER_OTLP_HEADERS": f"x-user-id={user}",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"},
     lambda user: f"{PREFIX}/v1/traces"),
    ("appended-query-protobuf-gzip", "proto", lambda base, user: {
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}?user={user}", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"},
     lambda user: f"{PREFIX}?user={user}/v1/traces"),
    ("per-signal-endpoint-json", "json", lambda base, user: {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{base}/traces?user={user}"},
     lambda user: f"{PREFIX}/traces?user={user}"),
]


@pytest.mark.parametrize("kind, make_env, target", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spans_become_exact_latency_figures_once(stack, tools, kind, make_env, target):
    user = stack.add_user(f"traces-{kind}")
    seen_before = len(stack.access_log())
    run_client(tools, kind, make_env(stack.base, user), replays=2)

    log = stack.access_log()[seen_before:]
    lines = [line for line in log.splitlines() if f'"POST {target(user)} HTTP/1.1" 200 ' in line]
    assert len(lines) == 3, f"{target(user)}: {len(lines)} answers 200 in the access log\n{log}"

    document = stack.aggregate(user)
    sonnet = document["latency"][SONNET]
    assert (sonnet["requests"], sonnet["failures"]) == (2, 0)
    assert sonnet["durationMs"] == {"buckets": buckets(1500, 700), "count": 2, "max": 1500, "total": 2200}
    assert sonnet["ttftMs"] == {"buckets": buckets(420, 90), "count": 2, "max": 420, "total": 510}
    haiku = document["latency"][HAIKU]
    assert (haiku["requests"], haiku["failures"]) == (1, 1)
    assert haiku["durationMs"] == {"buckets": buckets(12000), "count": 1, "max": 12000, "total": 12000}
    assert haiku["ttftMs"]["count"] == 0
    assert set(document["latency"]) == {SONNET, HAIKU}
    assert document["latencyBucketsMs"] == BOUNDS

    assert document["toolDurations"] == {
        "Bash": {"calls": 1, "durationMs": {"buckets": buckets(40), "count": 1, "max": 40, "total": 40}},
        "Edit": {"calls": 1, "durationMs": {"buckets": buckets(300), "count": 1, "max": 300, "total": 300}},
    }

    # Spans' token counts never reach the token figures, and traces make no sessions or events.
    totals = document["totals"]
    for key in ("totalInputTokens", "totalOutputTokens", "totalCacheReadTokens", "totalCacheCreationTokens",
                "apiRequests", "totalToolCalls", "totalSessions"):
        assert totals[key] == 0, key
    assert totals["totalTokenCostUsd"] == 0
    assert document["models"] == {} and document["tools"] == {} and document["events"] == {}
    assert document["querySources"] == {}

    # The two replays were recognised by span id and changed nothing.
    received = document["received"]
    assert (received["traceRequests"], received["spansApplied"], received["spansRejected"]) == (1, APPLIED, 0)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_traces_health_document(stack, method):
    response = curl(f"{stack.base}/traces", extra=["--head"] if method == "HEAD" else None)
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    if method == "HEAD":
        return
    health = response.json()
    assert health["status"] == "ok" and health["signal"] == "traces"
    assert [entry["name"] for entry in health["spans"]] == ["claude_code.llm_request", "claude_code.tool", "*"]
    assert health["endpoints"]["recommended"].startswith(f"POST {PREFIX}/users/<uuid>/v1/traces ")
    assert "?" not in health["endpoints"]["recommended"] and "?" not in health["endpoints"]["header"]


@pytest.mark.parametrize("content_type, body, reason", [
    ("application/x-protobuf", b"\x0a\x0a\x12\x01\x00", "truncated message"),
    ("application/json", b'{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex"}]}]}]}',
     "traceId must be 32 hexadecimal digits"),
])
def test_malformed_trace_bodies_are_400_and_change_nothing(stack, content_type, body, reason):
    user = stack.add_user("traces-malformed")
    before = stack.snapshot()
    response = curl(f"{stack.base}/users/{user}/v1/traces", method="POST", headers={"Content-Type": content_type}, data=body)
    assert response.status == 400
    assert "ExportTraceServiceRequest" in response.body.decode(errors="replace")
    assert reason in response.body.decode(errors="replace")
    assert stack.snapshot() == before
