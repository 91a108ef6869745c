"""The real OpenTelemetry Python SDK, shaped like Claude Code, against the real stack.

Every URL form Claude Code users configure, both OTLP/HTTP encodings, gzip; exact totals.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import CLIENTS, PREFIX, clean_env

SONNET = "claude-sonnet-4-5"
HAIKU = "claude-haiku-4-5"
SECRET_PROMPT = "hunter2 is my e2e secret prompt"

# Three export cycles of delta metrics. Values are floats, so the SDK sends asDouble.
METRIC_ROUNDS = [
    [
        ["claude_code.session.count", {"start_type": "fresh"}, 1.0],
        ["claude_code.token.usage", {"type": "input", "model": SONNET}, 1200.0],
        ["claude_code.token.usage", {"type": "output", "model": SONNET}, 340.0],
        ["claude_code.token.usage", {"type": "cacheRead", "model": SONNET}, 15000.0],
        ["claude_code.token.usage", {"type": "cacheCreation", "model": SONNET}, 900.0],
        ["claude_code.cost.usage", {"model": SONNET}, 0.0421],
        ["claude_code.lines_of_code.count", {"type": "added"}, 25.0],
        ["claude_code.lines_of_code.count", {"type": "removed"}, 4.0],
        ["claude_code.commit.count", {}, 1.0],
        ["claude_code.code_edit_tool.decision",
         {"tool_name": "Edit", "decision": "accept", "source": "config", "language": "Swift"}, 3.0],
        ["claude_code.active_time.total", {"type": "user"}, 42.5],
        ["claude_code.active_time.total", {"type": "cli"}, 17.25],
    ],
    [
        ["claude_code.token.usage", {"type": "input", "model": SONNET}, 800.0],
        ["claude_code.token.usage", {"type": "output", "model": SONNET}, 60.0],
        ["claude_code.token.usage", {"type": "input", "model": HAIKU}, 300.0],
        ["claude_code.token.usage", {"type": "output", "model": HAIKU}, 45.0],
        ["claude_code.cost.usage", {"model": SONNET}, 0.0107],
        ["claude_code.cost.usage", {"model": HAIKU}, 0.0009],
        ["claude_code.lines_of_code.count", {"type": "added"}, 11.0],
        ["claude_code.commit.count", {}, 1.0],
        ["claude_code.pull_request.count", {}, 1.0],
        ["claude_code.code_edit_tool.decision",
         {"tool_name": "Write", "decision": "reject", "source": "user_reject", "language": "Python"}, 1.0],
        ["claude_code.code_edit_tool.decision",
         {"tool_name": "Edit", "decision": "accept", "source": "config", "language": "Swift"}, 1.0],
        ["claude_code.active_time.total", {"type": "user"}, 30.0],
        ["claude_code.active_time.total", {"type": "cli"}, 5.5],
    ],
    [
        ["claude_code.token.usage", {"type": "input", "model": SONNET}, 100.0],
        ["claude_code.session.count", {"start_type": "resume"}, 1.0],
        ["claude_code.active_time.total", {"type": "cli"}, 1.25],
    ],
]
# Points the SDK exports under delta: only series that changed in the cycle.
METRIC_POINTS = 12 + 13 + 3

# Log events as Claude Code writes them: body "claude_code.<name>", event.name "<name>",
# numbers as strings (older versions). The api_request events carry tokens and cost too:
# adding them to the metrics would count every token twice.
LOG_ROUNDS = [
    [
        {"body": "claude_code.api_request", "attributes": {
            "event.name": "api_request", "model": SONNET, "cost_usd": "0.0421", "duration_ms": "2300",
            "input_tokens": "1500", "output_tokens": "300", "cache_read_tokens": "12000",
            "cache_creation_tokens": "800", "request_id": "req_e2e_01"}},
        {"body": "claude_code.tool_result", "attributes": {
            "event.name": "tool_result", "tool_name": "Bash", "tool_use_id": "tu_1", "success": "false",
            "duration_ms": "80", "error_type": "exit_code", "error": "exit status 1"}},
        {"body": "claude_code.user_prompt", "attributes": {
            "event.name": "user_prompt", "prompt_length": "42", "prompt": "<REDACTED>"}},
    ],
    [
        {"body": "claude_code.api_request", "attributes": {
            "event.name": "api_request", "model": HAIKU, "cost_usd": "0.0009", "duration_ms": "450",
            "input_tokens": "300", "output_tokens": "45", "cache_read_tokens": "0",
            "cache_creation_tokens": "0", "request_id": "req_e2e_02"}},
        {"body": "claude_code.tool_result", "attributes": {
            "event.name": "tool_result", "tool_name": "Bash", "tool_use_id": "tu_2", "success": "true",
            "duration_ms": "120"}},
        {"body": "claude_code.tool_decision", "attributes": {
            "event.name": "tool_decision", "tool_name": "Edit", "decision": "accept", "source": "config",
            "tool_use_id": "tu_3"}},
        # The user opted in to prompt logging: the receiver must still never store the text.
        {"body": "claude_code.user_prompt", "attributes": {
            "event.name": "user_prompt", "prompt_length": "31", "prompt": SECRET_PROMPT}},
        # An event this receiver does not know: accepted and counted by name.
        {"body": "claude_code.e2e_future_event", "attributes": {
            "event.name": "e2e_future_event", "detail": "something new"}},
    ],
]
LOG_RECORDS = 8

SPEC = {
    "resource": {"service.name": "claude-code", "service.version": "2.0.50", "os.type": "linux", "host.arch": "amd64"},
    "identity": {"user.id": "e2e-hashed-user", "session.id": "e2e-session-1", "app.version": "2.0.50",
                 "terminal.type": "vscode"},
    "metric_rounds": METRIC_ROUNDS,
    "log_rounds": LOG_ROUNDS,
}

# The exact figures the scenario above must produce (metrics win over events).
EXPECTED_TOTALS = {
    "totalSessions": 2,
    "totalInputTokens": 1200 + 800 + 300 + 100,
    "totalOutputTokens": 340 + 60 + 45,
    "totalCacheReadTokens": 15000,
    "totalCacheCreationTokens": 900,
    "totalLinesAdded": 36,
    "totalLinesRemoved": 4,
    "aiAssistedCommits": 2,
    "prsCreated": 1,
    "editDecisions": 5,  # metric: Edit accept 3 + 1, Write reject 1 (not + the tool_decision event)
    "editsAccepted": 4,
    "editsRejected": 1,
    "totalToolCalls": 2,  # no tool.usage metric: from the tool_result events
    "apiRequests": 2,  # no gen_ai.client.operation.duration metric: from the api_request events
    "apiErrors": 0,
}
EXPECTED_COST = 0.0421 + 0.0107 + 0.0009
EXPECTED_MINUTES = (42.5 + 17.25 + 30.0 + 5.5 + 1.25) / 60
EXPECTED_EVENTS = {"api_request": 2, "tool_result": 2, "user_prompt": 2, "tool_decision": 1, "e2e_future_event": 1}
EXPECTED_SOURCES = {
    "tokens": "claude_code.token.usage",
    "cost": "claude_code.cost.usage",
    "apiRequests": "api_request",
    "toolCalls": "tool_result",
    "editDecisions": "claude_code.code_edit_tool.decision",
}


def run_client(tools, kind: str, env: dict[str, str], spec: dict = SPEC) -> dict:
    python = tools.proto_python if kind == "proto" else tools.json_python
    settings = {
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",  # Claude Code's default
        "OTEL_METRIC_EXPORT_INTERVAL": "600000",  # only the explicit flushes export
        "OTEL_BLRP_SCHEDULE_DELAY": "600000",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "10",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf" if kind == "proto" else "http/json",
        **env,
    }
    for value in env.values():
        assert "://" not in value or value.startswith("http://127.0.0.1:"), value
    result = subprocess.run(
        [python, str(CLIENTS / "claude_like.py"), kind, json.dumps(spec)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120, env=clean_env(settings),
    )
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 0, f"client failed ({result.returncode}):\n{result.stdout.decode()}\n{stderr}"
    outcome = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert outcome["problems"] == [], outcome
    # One export per cycle, each answered 200 (the exporter reports SUCCESS only for 2xx).
    assert outcome["metric_exports"] == ["SUCCESS"] * len(METRIC_ROUNDS), outcome
    assert outcome["log_exports"] == ["SUCCESS"] * len(LOG_ROUNDS), outcome
    return outcome


# (id, exporter, environment given the base URL and user, request targets nginx must have seen)
CASES = [
    (
        "a-appended-query-protobuf",
        "proto",
        lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}?user={user}"},
        lambda user: [f"{PREFIX}?user={user}/v1/metrics", f"{PREFIX}?user={user}/v1/logs"],
    ),
    (
        "b-user-path-json",
        "json",
        lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}/users/{user}"},
        lambda user: [f"{PREFIX}/users/{user}/v1/metrics", f"{PREFIX}/users/{user}/v1/logs"],
    ),
    (
        "c-per-signal-endpoints-protobuf",
        "proto",
        lambda base, user: {
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": f"{base}/metrics?user={user}",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"{base}/logs?user={user}",
        },
        lambda user: [f"{PREFIX}/metrics?user={user}", f"{PREFIX}/logs?user={user}"],
    ),
    (
        "d-header-protobuf",
        "proto",
        lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": base, "OTEL_EXPORTER_OTLP_HEADERS": f"x-user-id={user}"},
        lambda user: [f"{PREFIX}/v1/metrics", f"{PREFIX}/v1/logs"],
    ),
    (
        "e-gzip-protobuf",
        "proto",
        lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}/users/{user}", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"},
        lambda user: [f"{PREFIX}/users/{user}/v1/metrics", f"{PREFIX}/users/{user}/v1/logs"],
    ),
    (
        "f-gzip-json-appended-query",
        "json",
        lambda base, user: {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{base}?user={user}", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"},
        lambda user: [f"{PREFIX}?user={user}/v1/metrics", f"{PREFIX}?user={user}/v1/logs"],
    ),
]


@pytest.mark.parametrize("kind, make_env, targets", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sdk_client(stack, tools, kind, make_env, targets):
    user = stack.add_user(f"sdk-{kind}")
    env = make_env(stack.base, user)
    seen_before = len(stack.access_log())
    outcome = run_client(tools, kind, env)
    if env.get("OTEL_EXPORTER_OTLP_COMPRESSION") == "gzip":
        assert outcome["compression"] == "gzip", outcome

    # The requests really arrived in the configured URL form, each answered 200, and nothing else.
    log = stack.access_log()[seen_before:]
    metrics_target, logs_target = targets(user)
    for target, count in ((metrics_target, len(METRIC_ROUNDS)), (logs_target, len(LOG_ROUNDS))):
        lines = [line for line in log.splitlines() if f'"POST {target} HTTP/1.1" 200 ' in line]
        assert len(lines) == count, f"{target}: {len(lines)} answers 200 in the access log\n{log}"
    assert len(log.splitlines()) == len(METRIC_ROUNDS) + len(LOG_ROUNDS), log

    assert_scenario_totals(stack, user)


def assert_scenario_totals(stack, user: str) -> None:
    """The aggregate of a user who received exactly SPEC once, checked figure by figure."""
    raw = stack.current_bytes(user)
    document = json.loads(raw)
    assert document["userId"] == user
    totals = document["totals"]
    for key, value in EXPECTED_TOTALS.items():
        assert totals[key] == value, f"totals.{key} = {totals[key]}, expected {value}"
    assert abs(totals["totalTokenCostUsd"] - EXPECTED_COST) < 1e-9, totals["totalTokenCostUsd"]
    assert abs(totals["totalMinutes"] - EXPECTED_MINUTES) < 1e-9, totals["totalMinutes"]

    # Not double counted: the events' tokens and cost stay raw, unpublished.
    assert totals["raw"]["inputTokens@api_request"] == 1800
    assert abs(totals["raw"]["costUsd@api_request"] - 0.0430) < 1e-9
    assert totals["raw"]["inputTokens@claude_code.token.usage"] == EXPECTED_TOTALS["totalInputTokens"]
    assert document["sources"] == EXPECTED_SOURCES

    models = document["models"]
    assert set(models) == {SONNET, HAIKU}
    assert (models[SONNET]["inputTokens"], models[SONNET]["outputTokens"]) == (2100, 400)
    assert (models[SONNET]["cacheReadTokens"], models[SONNET]["cacheCreationTokens"]) == (15000, 900)
    assert abs(models[SONNET]["costUsd"] - (0.0421 + 0.0107)) < 1e-9
    assert models[SONNET]["apiRequests"] == 1
    assert (models[HAIKU]["inputTokens"], models[HAIKU]["outputTokens"]) == (300, 45)
    assert abs(models[HAIKU]["costUsd"] - 0.0009) < 1e-9
    assert models[HAIKU]["apiRequests"] == 1

    tools_ = document["tools"]
    assert (tools_["Bash"]["calls"], tools_["Bash"]["failures"]) == (2, 1)
    assert (tools_["Edit"]["accepts"], tools_["Edit"]["rejects"]) == (4, 0)
    assert (tools_["Write"]["accepts"], tools_["Write"]["rejects"]) == (0, 1)

    assert document["events"] == EXPECTED_EVENTS

    received = document["received"]
    assert received["metricRequests"] == len(METRIC_ROUNDS)
    assert received["logRequests"] == len(LOG_ROUNDS)
    assert received["dataPointsApplied"] == METRIC_POINTS
    assert received["logRecordsApplied"] == LOG_RECORDS
    for key in ("dataPointsRejected", "dataPointsDuplicate", "logRecordsRejected", "logRecordsDuplicate"):
        assert received[key] == 0, f"received.{key} = {received[key]}"

    # Every day bucket adds up to the totals (the run may straddle midnight UTC).
    days = document["days"]
    assert 1 <= len(days) <= 2
    for key in ("totalInputTokens", "totalOutputTokens", "totalLinesAdded", "editDecisions", "totalSessions"):
        assert sum(day[key] for day in days.values()) == totals[key], key

    # Prompt text is personal data: never stored.
    assert SECRET_PROMPT.encode() not in raw
    assert b"hunter2" not in raw
