"""Budgets, time zones and the CSV's range as a person uses them: the real admin tool sets
budgets, the real responder (behind nginx, with --timezone America/Los_Angeles) cuts days in
that zone and reports spent, share and forecast, a real Prometheus scrapes it with the shipped
rules loaded and fires the alert, and promtool checks and unit-tests the rules."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from conftest import REPO, curl, started_stack
from prometheus_server import PrometheusServer, add_token, ensure_prometheus

RULES = REPO / "deploy" / "prometheus" / "claude-telemetry-rules.yml"
RULE_TESTS = REPO / "deploy" / "prometheus" / "claude-telemetry-rules.test.yml"
ZONE = "America/Los_Angeles"


def cost_export(cost: float, at: datetime, department: str = "platform") -> bytes:
    """An OTLP/JSON delta export of `claude_code.cost.usage` (USD) at `at`, as Claude Code sends it."""
    nanos = int(at.timestamp()) * 1_000_000_000
    point = {"asDouble": cost, "startTimeUnixNano": str(nanos - 60_000_000_000), "timeUnixNano": str(nanos),
             "attributes": [{"key": "model", "value": {"stringValue": "claude-sonnet-4-5"}}]}
    metric = {"name": "claude_code.cost.usage", "unit": "USD",
              "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [point]}}
    resource = {"attributes": [{"key": "department", "value": {"stringValue": department}}]}
    return json.dumps({"resourceMetrics": [{"resource": resource, "scopeMetrics": [{"metrics": [metric]}]}]}).encode()


@pytest.fixture(scope="module")
def zoned(tools):
    for stack in started_stack(tools, "budgets", ["--threads", "2", "--timezone", ZONE, "--team-attributes", "department"]):
        yield stack, add_token(stack)


def send(stack, user: str, body: bytes) -> None:
    answer = curl(f"{stack.base}/users/{user}/v1/metrics", method="POST", data=body,
                  headers={"Content-Type": "application/json"})
    assert answer.status == 200, answer.body


def test_rules_pass_promtool_check_and_unit_tests():
    ensure_prometheus()
    checked = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert b"SUCCESS: 6 rules found" in checked.stdout  # 4 budget rules, 2 receiver alerts
    tested = subprocess.run(["promtool", "test", "rules", str(RULE_TESTS)], capture_output=True, timeout=120,
                            cwd=RULE_TESTS.parent)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert b"SUCCESS" in tested.stdout


def test_a_point_at_0200_utc_counts_on_the_previous_day_in_los_angeles(zoned):
    stack, _ = zoned
    user = stack.add_user("night-owl")
    today = datetime.now(timezone.utc).replace(hour=2, minute=0, second=0, microsecond=0)
    send(stack, user, cost_export(1.5, today))
    previous = (today - timedelta(days=1)).date().isoformat()
    assert list(stack.aggregate(user)["days"]) == [previous]
    summary = curl(f"{stack.base}/users/{user}/summary?from={previous}&to={today.date().isoformat()}&period=day").json()
    assert summary["periods"][previous]["totals"]["totalTokenCostUsd"] == 1.5
    assert summary["periods"][today.date().isoformat()]["totals"]["totalTokenCostUsd"] == 0


def test_budget_commands_refuse_what_they_cannot_keep(zoned):
    stack, _ = zoned
    user = stack.add_user("someone")
    for args, code, message in [
        (["--monthly-usd", "10"], 64, "name exactly one of --user UUID, --group KEY=VALUE or --team"),
        (["--monthly-usd", "10", "--team", "--group", "a=b"], 64, "name exactly one of"),
        (["--monthly-usd", "0x10", "--team"], 64, "--monthly-usd '0x10' is invalid"),
        (["--monthly-usd=-5", "--team"], 64, "--monthly-usd '-5' is invalid"),
        (["--monthly-usd", "5", "--daily-usd", "  1 ", "--team"], 64, "--daily-usd '  1 ' is invalid"),
        (["--monthly-usd", "5", "--group", "department"], 64, "needs KEY=VALUE"),
        (["--monthly-usd", "5", "--user", "not-a-uuid"], 64, ""),
        (["--monthly-usd", "5", "--user", "00000000-0000-4000-8000-000000000000"], 3, "unknown user"),
    ]:
        result = stack.admin("budget", "set", *args)
        assert result.returncode == code, (args, result.stderr)
        assert message.encode() in result.stderr, (args, result.stderr)
    assert not (stack.data / "budgets.json").exists()
    removed = stack.admin("budget", "remove", "--user", user)
    assert removed.returncode == 3 and b"no budget for --user" in removed.stderr


def test_budgets_from_the_cli_to_the_summaries_the_scrape_and_a_firing_alert(zoned):
    stack, token = zoned
    auth = {"Authorization": f"Bearer {token}"}
    spender = stack.add_user("spender")
    now = datetime.now(timezone.utc) - timedelta(seconds=90)
    send(stack, spender, cost_export(12.5, now))

    assert stack.admin("budget", "set", "--monthly-usd", "10", "--team").returncode == 0
    assert stack.admin("budget", "set", "--monthly-usd", "50", "--group", "department=platform").returncode == 0
    result = stack.admin("budget", "set", "--monthly-usd", "100", "--weekly-usd", "40", "--daily-usd", "20",
                         "--user", spender)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (f"Set the budget of --user {spender}: month 100.00 USD, week 40.00 USD, "
                                      "day 20.00 USD\n")
    again = stack.admin("budget", "set", "--monthly-usd", "100", "--weekly-usd", "40", "--daily-usd", "20",
                        "--user", spender)
    assert again.stdout.decode().startswith("Replaced the budget of")
    listed = json.loads(stack.admin("budget", "list", "--json").stdout)
    assert [(b["scope"], b["monthlyUsd"], b.get("weeklyUsd"), b.get("dailyUsd")) for b in listed] == [
        ("team", 10, None, None), ("group", 50, None, None), ("user", 100, 40, 20)]
    table = stack.admin("budget", "list").stdout.decode().splitlines()
    assert table[0].split() == ["SCOPE", "WHO", "MONTHLY", "USD", "WEEKLY", "USD", "DAILY", "USD", "SET"]
    assert table[1].split()[:5] == ["team", "everyone", "10.00", "-", "-"]
    assert table[2].split()[:3] == ["group", "department=platform", "50.00"]

    mine = curl(f"{stack.base}/users/{spender}/summary").json()["budgets"]
    assert [(b["period"], b["limitUsd"], b["spentUsd"]) for b in mine] == [("month", 100, 12.5), ("week", 40, 12.5),
                                                                           ("day", 20, 12.5)]
    assert mine[2]["share"] == 0.625 and mine[2]["forecastUsd"] == 12.5
    team = curl(f"{stack.base}/team/summary", headers=auth).json()["budgets"]
    # Other tests of this module may have spent on other days; the team's month holds at least 12.5.
    assert team[0]["scope"] == "team" and team[0]["spentUsd"] >= 12.5 and team[0]["share"] >= 1.25

    server = PrometheusServer([("claude-telemetry", [f"127.0.0.1:{stack.port}"], token)], rule_files=[RULES])
    server.start()
    try:
        server.targets_up(1)
        server.wait_for('claude_telemetry_budget_spent_usd{scope="user",period="day"}',
                        lambda r: r and float(r[0]["value"][1]) == 12.5)
        assert server.values('claude_telemetry_budget_usd{scope="user"}', "period") == {
            ("month",): 100.0, ("week",): 40.0, ("day",): 20.0}
        firing = server.wait_for('ALERTS{alertname="ClaudeCodeBudgetExceeded",alertstate="firing"}',
                                 lambda r: len(r) >= 1)
        assert {(a["metric"]["scope"], a["metric"]["period"]) for a in firing} >= {("team", "month")}
        assert server.query('ALERTS{alertname="ClaudeCodeBudgetExceeded",scope="user"}') == []
    finally:
        server.stop()

    assert stack.admin("budget", "remove", "--team").returncode == 0
    assert [b["scope"] for b in curl(f"{stack.base}/team/summary", headers=auth).json()["budgets"]][:1] == ["group"]


def test_csv_honours_from_to_and_period(zoned):
    stack, token = zoned
    auth = {"Authorization": f"Bearer {token}"}
    user = stack.add_user("csv")
    noon = datetime.now(timezone.utc).replace(hour=20, minute=0, second=0, microsecond=0) - timedelta(days=3)
    send(stack, user, cost_export(2.25, noon))
    day = noon.date().isoformat()  # 20:00 UTC is 12:00 or 13:00 in Los Angeles: the same date
    rows = list(csv.DictReader(io.StringIO(curl(f"{stack.base}/team/summary.csv?from={day}&to={day}",
                                                headers=auth).body.decode())))
    mine = [row for row in rows if row["userId"] == user]
    assert [(r["period"], r["from"], r["to"], r["totalTokenCostUsd"]) for r in mine] == [("range", day, day, "2.25")]
    before = (noon - timedelta(days=1)).date().isoformat()
    rows = list(csv.DictReader(io.StringIO(curl(f"{stack.base}/team/summary.csv?from={before}&to={day}&period=day",
                                                headers=auth).body.decode())))
    assert [(r["period"], r["totalTokenCostUsd"]) for r in rows if r["userId"] == user] == [(before, "0"), (day, "2.25")]
