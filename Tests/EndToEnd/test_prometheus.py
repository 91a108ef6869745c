"""The Prometheus exposition proven with the real thing: promtool reads both formats, a real
Prometheus server scrapes the responder through nginx with a bearer token and answers the same
sums as the stored documents after the OpenTelemetry SDK sent data, and every panel query of
the shipped Grafana board returns data."""

from __future__ import annotations

import json
import math
import subprocess

import pytest

from conftest import REPO, curl, started_stack
from prometheus_server import PrometheusServer, add_token, ensure_prometheus
from test_sdk_clients import run_client

BOARD = REPO / "deploy" / "grafana" / "claude-telemetry.json"
OPENMETRICS_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"


@pytest.fixture(scope="module")
def team(tools):
    """A stack with two users fed by the real OpenTelemetry SDK (protobuf and JSON), and a token."""
    for stack in started_stack(tools, "prometheus", ["--threads", "2"]):
        users = []
        for kind in ("proto", "json"):
            user = stack.add_user(f"sdk-{kind}")
            run_client(tools, kind, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{stack.base}/users/{user}"})
            users.append(user)
        stack.add_user("silent")
        yield stack, users, add_token(stack)


def promtool(text: bytes) -> subprocess.CompletedProcess:
    ensure_prometheus()
    return subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, timeout=60)


@pytest.mark.parametrize("fmt", ["prometheus", "openmetrics"])
def test_promtool_accepts_the_export_in_both_formats(team, fmt):
    stack, users, _ = team
    out = stack.root / f"export.{fmt}"
    result = stack.admin("export", "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_bytes()
    assert f'claude_code_session_count_total{{user_id="{users[0]}"}}'.encode() in text
    assert text.endswith(b"# EOF\n") == (fmt == "openmetrics")
    assert_promtool_accepts(text, fmt)


def assert_promtool_accepts(text: bytes, fmt: str) -> None:
    """promtool 2.42 parses the Prometheus text format only: it must be clean (exit 0). An
    OpenMetrics body must parse (no exit 1); its only findings may be the lint "no help text"
    for counters and their `_created` samples, because OpenMetrics writes HELP and TYPE on the
    family name without `_total` (the real Prometheus server, which asks for OpenMetrics first,
    parses it strictly below)."""
    checked = promtool(text)
    if fmt == "prometheus":
        assert checked.returncode == 0, checked.stdout + checked.stderr
        return
    assert checked.returncode in (0, 3), checked.stdout + checked.stderr
    families = {line.split()[2] for line in text.decode().splitlines() if line.startswith("# HELP ")}
    for finding in checked.stderr.decode().splitlines():
        name, _, problem = finding.partition(" ")
        # Likewise a counter's or histogram's `_created` sample, which promtool reads as a metric of its own.
        family = next((name[:-len(suffix)] for suffix in ("_total", "_created") if name.endswith(suffix)), None)
        assert problem == "no help text" and family in families, finding


def test_scrape_route_authorization_and_formats(team):
    stack, users, token = team
    missing = curl(f"{stack.base}/prometheus")
    assert missing.status == 401 and missing.headers.get("www-authenticate", "").startswith("Bearer")
    refused = curl(f"{stack.base}/prometheus", headers={"Authorization": f"Bearer {users[0]}"})
    assert refused.status == 403
    plain = curl(f"{stack.base}/prometheus", headers={"Authorization": f"Bearer {token}"})
    assert plain.status == 200
    assert plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert_promtool_accepts(plain.body, "prometheus")
    om = curl(f"{stack.base}/prometheus", headers={"Authorization": f"Bearer {token}", "Accept": OPENMETRICS_ACCEPT})
    assert om.status == 200
    assert om.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8"
    assert om.body.endswith(b"# EOF\n")
    assert_promtool_accepts(om.body, "openmetrics")
    # The CLI export and the route are the same text.
    exported = stack.admin("export", "--format", "prometheus")
    assert exported.stdout == plain.body


def assert_prometheus_equals_documents(prometheus: PrometheusServer, documents: dict[str, dict]) -> None:
    tokens = prometheus.values("sum by (user_id, model, type) (claude_code_token_usage_tokens_total)", "user_id", "model", "type")
    cost = prometheus.values("sum by (user_id, model) (claude_code_cost_usage_USD_total)", "user_id", "model")
    requests = prometheus.values("sum by (user_id, model) (claude_telemetry_api_requests_total)", "user_id", "model")
    lines = prometheus.values("sum by (user_id, type) (claude_code_lines_of_code_count_total)", "user_id", "type")
    decisions = prometheus.values("sum by (user_id, decision) (claude_code_code_edit_tool_decision_total)", "user_id", "decision")
    per_user = {name: prometheus.values(f"sum by (user_id) ({name})", "user_id") for name in (
        "claude_code_session_count_total", "claude_code_commit_count_total", "claude_code_pull_request_count_total",
        "claude_code_active_time_seconds_total", "claude_code_cost_usage_USD_total")}
    kinds = {"input": "inputTokens", "output": "outputTokens", "cacheRead": "cacheReadTokens", "cacheCreation": "cacheCreationTokens"}
    checked = 0
    for user, doc in documents.items():
        totals = doc["totals"]
        for model, figures in doc["models"].items():
            for kind, key in kinds.items():
                assert tokens[(user, model, kind)] == figures[key], (user, model, kind)
                checked += 1
            assert math.isclose(cost[(user, model)], figures["costUsd"], rel_tol=1e-12, abs_tol=1e-12)
            assert requests[(user, model)] == figures["apiRequests"]
        assert sum(v for (u, _, k), v in tokens.items() if u == user and k == "input") == totals["totalInputTokens"]
        assert math.isclose(per_user["claude_code_cost_usage_USD_total"].get((user,), 0.0), totals["totalTokenCostUsd"], rel_tol=1e-12)
        assert lines.get((user, "added"), 0) == totals["totalLinesAdded"]
        assert lines.get((user, "removed"), 0) == totals["totalLinesRemoved"]
        assert per_user["claude_code_session_count_total"].get((user,), 0) == totals["totalSessions"]
        assert per_user["claude_code_commit_count_total"].get((user,), 0) == totals["aiAssistedCommits"]
        assert per_user["claude_code_pull_request_count_total"].get((user,), 0) == totals["prsCreated"]
        assert math.isclose(per_user["claude_code_active_time_seconds_total"].get((user,), 0.0), totals["totalMinutes"] * 60, rel_tol=1e-12)
        assert decisions.get((user, "accept"), 0) == totals["editsAccepted"]
        assert decisions.get((user, "reject"), 0) == totals["editsRejected"]
    assert checked > 0


@pytest.fixture(scope="module")
def prometheus(team):
    stack, users, token = team
    server = PrometheusServer([("claude-telemetry", [f"127.0.0.1:{stack.port}"], token)])
    server.start()
    try:
        server.targets_up(1)
        server.wait_for("count(claude_code_session_count_total)", lambda r: r and r[0]["value"][1] == str(len(users)))
        yield server
    finally:
        server.stop()


def test_real_prometheus_sums_equal_the_stored_documents(team, prometheus):
    stack, users, _ = team
    documents = {user: stack.aggregate(user) for user in users}
    assert all(doc["totals"]["totalInputTokens"] > 0 for doc in documents.values())
    assert_prometheus_equals_documents(prometheus, documents)
    # Team sums (what a board shows) equal the documents' sums.
    team_cost = prometheus.values("sum(claude_code_cost_usage_USD_total)")[()]
    assert math.isclose(team_cost, sum(d["totals"]["totalTokenCostUsd"] for d in documents.values()), rel_tol=1e-12)
    names = prometheus.values("claude_telemetry_user_info", "name")
    assert set(name for (name,) in names) == {"sdk-proto", "sdk-json", "silent"}


def board_queries() -> list[tuple[str, str]]:
    board = json.loads(BOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in board["panels"] for target in panel["targets"]]


def test_the_grafana_board_has_the_promised_panels():
    titles = " ".join(title for title, _ in board_queries()).lower()
    for needle in ("spend per day", "spend per user", "spend per model", "tokens by type", "cache hit ratio",
                   "lines added per dollar", "acceptance rate", "active users", "requests per second by route and status",
                   "data refused by reason", "request duration", "rejected in partial successes", "parked requests"):
        assert needle in titles, needle
    # Panels that list people show their names (joined on claude_telemetry_user_info), never bare ids.
    for title, expr in board_queries():
        if "user_id" in expr:
            assert "group_left (name) claude_telemetry_user_info" in expr, (title, expr)
    # Totals over a range count a series that began in it from zero; all-time panels read the raw
    # counters through max_over_time (README, "Reading totals").
    queries = dict(board_queries())
    assert "offset $__range or claude_code_cost_usage_USD_total * 0" in queries["Spend over the selected range per person"]
    assert "max_over_time(claude_code_cost_usage_USD_total[$__range])" in queries["Spend per user (USD, all time)"]


@pytest.mark.parametrize("title,expr", board_queries())
def test_every_grafana_panel_query_returns_data(prometheus, title, expr):
    # Grafana's range variables, as it would substitute them for a one-hour view.
    query = expr.replace("$__range", "1h").replace("$__rate_interval", "1m").replace("$__interval", "1m")
    # A rate-based panel (request duration) has a value once two scrapes saw requests counted.
    result = prometheus.wait_for(
        query, lambda r: len(r) > 0 and all(not math.isnan(float(x["value"][1])) for x in r), timeout=40)
    assert all(not math.isnan(float(r["value"][1])) for r in result), (title, result)


def test_usage_report_matches_the_documents(team):
    stack, users, token = team
    day = max(stack.aggregate(users[0])["days"])
    base = f"{stack.base}/team/usage_report/claude_code"
    missing = curl(f"{base}?starting_at={day}")
    assert missing.status == 401
    bad = curl(f"{base}?starting_at=2026-13-40", headers={"Authorization": f"Bearer {token}"})
    assert bad.status == 400 and b"starting_at" in bad.body
    records = []
    page = None
    while True:
        url = f"{base}?starting_at={day}&limit=1" + (f"&page={page}" if page else "")
        answer = curl(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status == 200, answer.body
        report = answer.json()
        records += report["data"]
        page = report["next_page"]
        assert report["has_more"] == (page is not None)
        if not page:
            break
    by_name = {r["actor"]["api_key_name"]: r for r in records}
    assert set(by_name) == {"sdk-proto", "sdk-json"}
    for user, name in zip(users, ("sdk-proto", "sdk-json")):
        figures = stack.aggregate(user)["days"][day]
        record = by_name[name]
        assert record["date"] == f"{day}T00:00:00Z"
        assert record["core_metrics"]["num_sessions"] == figures["totalSessions"]
        assert record["core_metrics"]["lines_of_code"] == {"added": figures["totalLinesAdded"], "removed": figures["totalLinesRemoved"]}
        assert record["core_metrics"]["commits_by_claude_code"] == figures["aiAssistedCommits"]
        assert record["core_metrics"]["pull_requests_by_claude_code"] == figures["prsCreated"]
        breakdown = record["model_breakdown"]
        assert sum(m["tokens"]["input"] for m in breakdown) == figures["totalInputTokens"]
        assert sum(m["tokens"]["cache_read"] for m in breakdown) == figures["totalCacheReadTokens"]
        assert math.isclose(sum(m["estimated_cost"]["amount"] for m in breakdown), figures["totalTokenCostUsd"] * 100, abs_tol=1e-4)
        assert sum(t["accepted"] for t in record["tool_actions"].values()) == figures["editsAccepted"]
        assert record["subscription_type"] is None and record["terminal_type"] == "unknown"
