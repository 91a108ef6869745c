"""Requests that name no user, as the real Claude Code sends them when configured with `?user=`.

Claude Code's exporter sends only the URL's path (shared facts §1): the seed's
`OTEL_EXPORTER_OTLP_ENDPOINT=…/claude?user=UUID` arrives as `POST …/claude` for both signals, and
the per-signal `…/metrics?user=UUID` as `POST …/claude/metrics`. The OpenTelemetry Python SDK
keeps the query, so these tests imitate Claude Code by giving it the URLs Claude Code really
posts to (`OTEL_EXPORTER_OTLP_{METRICS,LOGS}_ENDPOINT` without a query, used verbatim).
"""

from __future__ import annotations

import copy
import json

import pytest

from conftest import JSON, PREFIX, PROTOBUF, curl, gzip_bytes, rpc_status, started_stack
from test_sdk_clients import LOG_ROUNDS, METRIC_ROUNDS, SPEC, assert_scenario_totals, run_client

SEED_INSTALLATION = "5e" * 32
EMAIL_INSTALLATION = "e3" * 32
NEXT_SESSION_INSTALLATION = SEED_INSTALLATION


@pytest.fixture(scope="module")
def park_stack(tools):
    yield from started_stack(tools, "unattributed", ["--threads", "2"])


@pytest.fixture(scope="module")
def refuse_stack(tools):
    yield from started_stack(tools, "refuse", ["--threads", "2", "--unattributed", "refuse"])


def spec_for(installation: str, email: str | None = None) -> dict:
    spec = copy.deepcopy(SPEC)
    spec["identity"]["user.id"] = installation
    if email:
        spec["identity"]["user.email"] = email
    return spec


def run_claude_like(tools, kind: str, spec: dict, env: dict[str, str]) -> None:
    """The Claude Code-shaped client of test_sdk_clients, with `spec` and `env`."""
    run_client(tools, kind, env, spec)


def admin_json(stack, *args: str):
    result = stack.admin(*args)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return json.loads(result.stdout)


def posts_answered(log: str, target: str, status: int = 200) -> int:
    return sum(1 for line in log.splitlines() if f'"POST {target} HTTP/1.1" {status} ' in line)


def test_printed_instructions_carry_no_query(park_stack):
    """`user add` and `user env` print only forms Claude Code delivers: path first, then header."""
    added = park_stack.admin("user", "add", "--name", "printed", "--url", f"http://127.0.0.1:{park_stack.port}")
    assert added.returncode == 0, added.stderr
    text = added.stdout.decode()
    user = text.split()[2]
    env_text = park_stack.admin("user", "env", user, "--url", f"http://127.0.0.1:{park_stack.port}").stdout.decode()
    record = admin_json(park_stack, "user", "add", "--name", "printed-json", "--json")
    for output in (text, env_text, json.dumps(record)):
        exports = [line for line in output.splitlines() if line.startswith("export ")]
        assert all("?" not in line and "user=" not in line for line in exports), exports
        assert "?user=" not in output
    lines = [line for line in env_text.splitlines() if line.startswith("export OTEL_EXPORTER_OTLP_")]
    assert lines == [
        "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        f"export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{park_stack.port}{PREFIX}/users/{user}",
        "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        f"export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{park_stack.port}{PREFIX}",
        f"export OTEL_EXPORTER_OTLP_HEADERS=x-user-id={user}",
    ]
    assert record["headerEnvironment"]["OTEL_EXPORTER_OTLP_HEADERS"] == f"x-user-id={record['id']}"


def test_seed_form_is_parked_then_claimed_then_attributed(park_stack, tools):
    """(a) both signals POSTed to …/claude with no user: answered 200 and parked; `user claim`
    folds them into exact totals; the next session is attributed directly."""
    user = park_stack.add_user("seed-form")
    env = {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": park_stack.base, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": park_stack.base}
    seen = len(park_stack.access_log())
    run_claude_like(tools, "proto", spec_for(SEED_INSTALLATION), env)
    log = park_stack.access_log()[seen:]
    assert posts_answered(log, PREFIX) == len(METRIC_ROUNDS) + len(LOG_ROUNDS), log
    assert not park_stack.aggregate_path(user).exists()
    responder_log = park_stack.responder_log()
    assert responder_log.count("attribution=parked agent=OTel-OTLP-Exporter-Python/") == 5, responder_log[-2000:]

    parked = admin_json(park_stack, "unclaimed", "--json")
    assert parked == [{
        "installation": SEED_INSTALLATION, "firstSeen": parked[0]["firstSeen"], "lastSeen": parked[0]["lastSeen"],
        "requests": 5, "bytes": parked[0]["bytes"], "serviceVersion": "2.0.50", "osType": "linux",
        "hostArch": "amd64", "terminalType": "vscode", "email": None,
    }]
    assert parked[0]["bytes"] > 0
    stats = admin_json(park_stack, "stats", "--json")["unattributed"]
    assert (stats["parkedRequests"], stats["parkedInstallations"], stats["unattributedRequestsParked"]) == (5, 1, 5)
    assert park_stack.admin("verify").returncode == 0

    claimed = park_stack.admin("user", "claim", user, SEED_INSTALLATION)
    assert claimed.returncode == 0, claimed.stderr
    assert "5 parked requests folded" in claimed.stdout.decode()
    assert_scenario_totals(park_stack, user)
    assert admin_json(park_stack, "unclaimed", "--json") == []
    assert not (park_stack.data / "attribution" / "parked" / SEED_INSTALLATION).exists()

    # The next session of the same installation goes straight to the user: everything twice.
    seen = len(park_stack.access_log())
    run_claude_like(tools, "json", spec_for(SEED_INSTALLATION), env)
    assert posts_answered(park_stack.access_log()[seen:], PREFIX) == 5
    document = park_stack.aggregate(user)
    assert document["totals"]["totalInputTokens"] == 2 * 2400
    assert document["received"]["metricRequests"] == 2 * len(METRIC_ROUNDS)
    assert document["events"]["tool_result"] == 4
    # The scenario's api_request events repeat their request_id: recognised as replays, counted once.
    assert document["events"]["api_request"] == 2
    assert admin_json(park_stack, "unclaimed", "--json") == []
    assert park_stack.admin("verify").returncode == 0


def test_per_signal_form_with_a_known_email_is_attributed_directly(park_stack, tools):
    """(c) …/claude/metrics and …/claude/logs with no query (gzip JSON), from an installation whose
    user.email equals the email a user was created with: attributed without any claim."""
    record = admin_json(park_stack, "user", "add", "--name", "by-email", "--email", "dev.e2e@example.com", "--json")
    user = record["id"]
    env = {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": f"{park_stack.base}/metrics",
           "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"{park_stack.base}/logs",
           "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"}
    seen = len(park_stack.access_log())
    run_claude_like(tools, "json", spec_for(EMAIL_INSTALLATION, email="Dev.E2E@example.com"), env)
    log = park_stack.access_log()[seen:]
    assert posts_answered(log, f"{PREFIX}/metrics") == len(METRIC_ROUNDS), log
    assert posts_answered(log, f"{PREFIX}/logs") == len(LOG_ROUNDS), log
    assert_scenario_totals(park_stack, user)
    assert all(entry["installation"] != EMAIL_INSTALLATION for entry in admin_json(park_stack, "unclaimed", "--json"))

    # Removing the user drops its binding: the installation's next request is parked again.
    removed = park_stack.admin("user", "remove", "--yes", user)
    assert removed.returncode == 0 and "1 installation binding" in removed.stdout.decode(), removed.stdout
    assert not (park_stack.data / "attribution" / "bindings" / EMAIL_INSTALLATION).exists()


def test_curl_bodies_without_installation_or_with_two(park_stack):
    """What cannot be attributed or kept is refused with a status and a message that says what works."""
    no_id = json.dumps({"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "claude_code.commit.count", "sum": {
        "aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [
            {"asDouble": 1, "timeUnixNano": "1795514460000000000"}]}}]}]}]}).encode()
    answer = curl(park_stack.base, headers={"Content-Type": JSON, "Content-Encoding": "gzip"}, data=gzip_bytes(no_id))
    assert answer.status == 401
    message = rpc_status(answer, JSON)["message"]
    assert "/api/v1/integrations/claude/users/<uuid>" in message and "x-user-id=<uuid>" in message, message

    def point(installation):
        return {"asDouble": 1, "timeUnixNano": "1795514460000000000",
                "attributes": [{"key": "user.id", "value": {"stringValue": installation}}]}
    two = json.dumps({"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "claude_code.commit.count", "sum": {
        "aggregationTemporality": 1, "isMonotonic": True,
        "dataPoints": [point("1a" * 32), point("2b" * 32)]}}]}]}]}).encode()
    before = park_stack.snapshot()
    answer = curl(f"{park_stack.base}/metrics", headers={"Content-Type": JSON}, data=two)
    assert answer.status == 400
    assert rpc_status(answer, JSON)["message"].startswith("the data points carry 2 different user.id values")
    assert park_stack.snapshot() == before


def test_refuse_policy_answers_401_and_keeps_nothing(refuse_stack, tools):
    body = json.dumps({"resourceLogs": [{"scopeLogs": [{"logRecords": [{
        "timeUnixNano": "1795514460000000000", "body": {"stringValue": "claude_code.user_prompt"},
        "attributes": [{"key": "user.id", "value": {"stringValue": SEED_INSTALLATION}}]}]}]}]}).encode()
    answer = curl(refuse_stack.base, headers={"Content-Type": JSON, "User-Agent": "curl-e2e"}, data=body)
    assert answer.status == 401
    assert "does not keep unattributed data" in rpc_status(answer, JSON)["message"]
    assert not (refuse_stack.data / "attribution" / "parked" / "index.json").exists()
    assert "attribution=refused agent=" in refuse_stack.responder_log()
