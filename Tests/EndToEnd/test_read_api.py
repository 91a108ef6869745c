"""The read API through nginx: the real OpenTelemetry SDK sends data, then the summaries are read
back over HTTP and compared with aggregate.json exactly; admin read tokens through the CLI."""

from __future__ import annotations

import json

import pytest

from conftest import PREFIX, curl, started_stack
from test_sdk_clients import run_client


def without_raw(value):
    if isinstance(value, dict):
        return {key: without_raw(child) for key, child in value.items() if key != "raw"}
    return value


def all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for child in value.values() for key in all_keys(child)}
    if isinstance(value, list):
        return {key for child in value for key in all_keys(child)}
    return set()


@pytest.fixture(scope="module")
def read_stack(tools):
    """A stack that keeps the `department` team attribute."""
    yield from started_stack(tools, "read", ["--threads", "2", "--team-attributes", "department"])


@pytest.fixture(scope="module")
def users(read_stack, tools):
    """Two users who sent the SDK scenario (one in protobuf, one in JSON), and one who sent nothing."""
    sent = {}
    for kind, department in [("proto", "platform"), ("json", "web")]:
        user = read_stack.add_user(f"read-{kind}")
        run_client(tools, kind, {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"{read_stack.base}/users/{user}",
            "OTEL_RESOURCE_ATTRIBUTES": f"department={department}",
        })
        sent[user] = department
    idle = read_stack.add_user("read-idle")
    return sent, idle


def test_user_summary_equals_aggregate(read_stack, users):
    sent, idle = users
    for user in sent:
        response = curl(f"{read_stack.base}/users/{user}/summary?from=2000-01-01&to=2000-12-31")
        assert response.status == 200, response.body
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        body = response.json()
        stored = read_stack.aggregate(user)
        assert "state" not in all_keys(body) and "raw" not in all_keys(body)
        for key in ["totals", "models", "tools", "events"]:
            assert body[key] == without_raw(stored[key]), key
        assert body["sources"] == stored["sources"] and body["received"] == stored["received"]
        assert body["updatedAt"] == stored["updatedAt"]
        assert body["totals"]["totalInputTokens"] > 0

        # The whole retained history as the range: days and rangeTotals equal the stored days.
        days = sorted(stored["days"])
        full = curl(f"{read_stack.base}/users/{user}/summary?from={days[0]}&to={days[-1]}&raw=1").json()
        assert full["days"] == stored["days"]
        for field, value in full["rangeTotals"].items():
            if field != "raw":
                expected = 0
                for day in days:
                    expected += stored["days"][day][field]
                assert value == expected, field
        assert full["totals"] == stored["totals"]

        # 304 with the ETag, and HEAD.
        etag = response.headers["etag"]
        again = curl(f"{read_stack.base}/users/{user}/summary?from=2000-01-01&to=2000-12-31",
                     headers={"If-None-Match": etag})
        assert again.status == 304 and again.body == b""
        head = curl(f"{read_stack.base}/users/{user}/summary?from=2000-01-01&to=2000-12-31", extra=["--head"])
        assert head.status == 200 and head.headers["etag"] == etag

    empty = curl(f"{read_stack.base}/users/{idle}/summary").json()
    assert empty["updatedAt"] is None and empty["days"] == {} and empty["totals"]["totalInputTokens"] == 0

    assert curl(f"{read_stack.base}/users/00000000-0000-4000-8000-000000000001/summary").status == 404
    bad = curl(f"{read_stack.base}/users/{idle}/summary?from=2026-02-30")
    assert bad.status == 400 and "parameter 'from'" in bad.json()["message"]


def test_tokens_and_team_summary(read_stack, users):
    sent, idle = users
    team = f"{read_stack.base}/team/summary"

    missing = curl(team)
    assert missing.status == 401 and missing.headers.get("www-authenticate") == "Bearer", missing.headers
    created = read_stack.admin("token", "add", "--name", "e2e-dashboard")
    assert created.returncode == 0, created.stderr
    token = created.stdout.decode().strip()
    assert token.startswith("ctt_") and token not in (read_stack.data / "tokens.json").read_text()
    assert (read_stack.data / "tokens.json").stat().st_mode & 0o777 == 0o600
    listed = read_stack.admin("token", "list", "--json")
    assert [entry["name"] for entry in json.loads(listed.stdout)] == ["e2e-dashboard"]

    for wrong in ["ctt_nope", idle, token + "x"]:
        assert curl(team, headers={"Authorization": f"Bearer {wrong}"}).status == 403, wrong

    auth = {"Authorization": f"Bearer {token}"}
    response = curl(team + "?group=department", headers=auth)
    assert response.status == 200, response.body
    body = response.json()
    assert "state" not in all_keys(body)
    rows = {row["userId"]: row for row in body["users"]}
    assert sorted(rows) == sorted([*sent, idle])
    for user, department in sent.items():
        stored = read_stack.aggregate(user)
        assert rows[user]["totals"] == without_raw(stored["totals"])
        assert rows[user]["attributes"] == {"department": department}
        assert stored["attributes"] == {"department": department}
    for field in body["totals"]:
        assert body["totals"][field] == sum(row["totals"][field] for row in body["users"]), field
    groups = {group["value"]: group for group in body["groups"]}
    assert set(groups) == {"platform", "web", "(none)"} and groups["(none)"]["members"] == [idle]
    assert curl(team + "?group=department", headers={**auth, "If-None-Match": response.headers["etag"]}).status == 304
    assert curl(team, headers={**auth, "If-None-Match": response.headers["etag"]}).status == 200
    assert curl(team + "?group=cost_center", headers=auth).status == 400

    csv = curl(team + ".csv", headers=auth)
    assert csv.status == 200 and csv.headers["content-type"] == "text/csv; charset=utf-8"
    lines = csv.body.decode().splitlines()
    assert lines[0].startswith("userId,name,createdAt,updatedAt,totalSessions,agentsViewStarts,totalInputTokens")
    assert len(lines) == 1 + len(rows)

    removed = read_stack.admin("token", "remove", "e2e-dashboard")
    assert removed.returncode == 0, removed.stderr
    assert curl(team, headers=auth).status == 403
    assert read_stack.admin("token", "remove", "e2e-dashboard").returncode == 3
    assert token not in read_stack.responder_log()
