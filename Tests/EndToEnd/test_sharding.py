"""Sharding users across hosts with nginx/claude-telemetry-sharded.conf, for real on one
machine: a front nginx in front of two (then three) shards, each a full stack with its own
data directory."""

from __future__ import annotations

import contextlib
import json
import time
import uuid

import pytest

from conftest import PREFIX, started_stack
from sharding import FrontNginx, place_user, sessions_body


@pytest.fixture(scope="module")
def shards(tools):
    with contextlib.ExitStack() as exit_stack:
        stacks = [exit_stack.enter_context(contextlib.contextmanager(started_stack)(tools, f"shard{i}", ["--threads", "2"]))
                  for i in range(3)]
        yield stacks


@pytest.fixture()
def front(shards):
    front = FrontNginx()
    front.start([s.port for s in shards[:2]])
    yield front
    front.stop()


def address(stack) -> str:
    return f"127.0.0.1:{stack.port}"


def test_every_url_form_of_one_user_lands_on_its_shard(shards, front):
    by_address = {address(s): s for s in shards[:2]}
    user, owner = place_user(front, by_address, "sharded")
    other = next(s for a, s in by_address.items() if a != owner)
    now = time.time_ns()
    forms = [
        (f"{PREFIX}/users/{user}/v1/metrics", {}),
        (f"{PREFIX}/metrics?user={user}", {}),
        (f"{PREFIX}?user={user}/v1/metrics", {}),
        (f"{PREFIX}/v1/metrics", {"X-User-Id": user}),
        (f"{PREFIX}/v1/metrics", {"Authorization": f"Bearer {user}"}),
    ]
    for index, (target, headers) in enumerate(forms):
        status, answer_headers, body = front.request(
            "POST", target, sessions_body(1, now + index * 1_000_000_000),
            {"Content-Type": "application/json", **headers})
        assert status == 200, (target, headers, status, body[:300])
        assert answer_headers["x-claude-telemetry-shard"] == owner, (target, headers)
    aggregate = by_address[owner].aggregate(user)
    assert aggregate["totals"]["totalSessions"] == len(forms)
    assert not other.aggregate_path(user).exists()
    assert not (other.data / "users" / user).exists()
    # The per-user read side follows the same routing; team-wide routes are refused at the front.
    status, headers, body = front.request("GET", f"{PREFIX}/users/{user}/summary")
    assert status == 200 and headers["x-claude-telemetry-shard"] == owner, (status, body[:300])
    assert json.loads(body)["totals"]["totalSessions"] == len(forms)
    status, _, body = front.request("GET", f"{PREFIX}/prometheus")
    assert status == 421 and b"per shard" in body


def test_requests_naming_no_user_all_reach_one_shard(shards, front):
    """Claude Code configured with `?user=` drops the query: such requests carry no user, and
    the front must send every one of them to the same shard, whose parked area and bindings
    then see them all (round robin would scatter one installation over every shard)."""
    by_address = {address(s): s for s in shards[:2]}
    installation = "7c" * 32
    reached = set()
    for index in range(8):
        body = json.dumps({"resourceMetrics": [{"scopeMetrics": [{"metrics": [{
            "name": "claude_code.session.count",
            "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [{
                "asDouble": 1, "timeUnixNano": str(time.time_ns() + index),
                "attributes": [{"key": "user.id", "value": {"stringValue": installation}}]}]}}]}]}]}).encode()
        status, headers, answer = front.request("POST", PREFIX, body, {"Content-Type": "application/json"})
        assert status == 200, (status, answer[:300])
        reached.add(headers["x-claude-telemetry-shard"])
        status, headers, _ = front.request("GET", f"{PREFIX}/metrics")
        assert status == 200
        reached.add(headers["x-claude-telemetry-shard"])
    assert len(reached) == 1, reached
    keeper = by_address[reached.pop()]
    entries = json.loads(keeper.admin("unclaimed", "--json").stdout)
    assert [(entry["installation"], entry["requests"]) for entry in entries] == [(installation, 8)]


def test_moving_a_user_keeps_its_totals(shards, front):
    """user export on one shard, user import on another: same totals, and the export refuses
    to land twice."""
    a, b = shards[0], shards[1]
    user = a.add_user("mover")
    status, _, body = front.request("POST", f"{PREFIX}/users/{user}/v1/metrics", sessions_body(7, time.time_ns()),
                                    {"Content-Type": "application/json"})
    # The front may route it to b, where it is unknown (parked there, 200), or to a: send directly to a too.
    if status != 200 or not a.aggregate_path(user).exists():
        direct = __import__("conftest").curl(f"{a.base}/users/{user}/v1/metrics", method="POST",
                                              headers={"Content-Type": "application/json"},
                                              data=sessions_body(7, time.time_ns()))
        assert direct.status == 200
    before = a.current_bytes(user)
    exported = a.admin("user", "export", user, "--output", str(a.root / "move.json"))
    assert exported.returncode == 0, exported.stderr
    imported = b.admin("user", "import", str(a.root / "move.json"))
    assert imported.returncode == 0, imported.stderr
    assert b.current_bytes(user) == before
    assert json.loads((b.data / "users" / user / "user.json").read_text())["name"] == "mover"
    again = b.admin("user", "import", str(a.root / "move.json"))
    assert again.returncode == 64 and b"already exists" in again.stderr
    broken = a.root / "broken.json"
    broken.write_text('{"format":"claude-telemetry-user/1","record":{"id":"nope","name":"x","createdAt":"y"}}')
    refused = b.admin("user", "import", str(broken))
    assert refused.returncode == 64 and b"UUID" in refused.stderr
    assert b.admin("user", "remove", "--yes", user).returncode == 0
    assert a.admin("user", "remove", "--yes", user).returncode == 0


def test_a_third_shard_moves_about_a_third_of_users_and_no_more(shards, front, record_property):
    users = [str(uuid.uuid4()) for _ in range(600)]
    two = {user: front.shard_of(user) for user in users}
    assert set(two.values()) == {address(shards[0]), address(shards[1])}
    front.reload([s.port for s in shards])
    three = {user: front.shard_of(user) for user in users}
    moved = [user for user in users if two[user] != three[user]]
    share = len(moved) / len(users)
    record_property("moved_share", round(share, 3))
    print(f"third shard: {len(moved)} of {len(users)} users moved ({share:.1%})")
    # Consistent hashing: users only ever move TO the new shard, never between old ones.
    assert all(three[user] == address(shards[2]) for user in moved)
    assert 0.2 <= share <= 0.45, share


def test_one_prometheus_over_both_shards_gives_the_team_sums(tools, shards, front):
    """Prometheus is the cross-shard view: it scrapes every shard (each with its own token), and
    its team sums equal the sum of every shard's documents."""
    from prometheus_server import PrometheusServer, add_token
    from test_prometheus import assert_prometheus_equals_documents
    from test_sdk_clients import run_client

    by_address = {address(s): s for s in shards[:2]}
    placed = [place_user(front, by_address, f"team-{i}") for i in range(6)]
    for index, (user, _) in enumerate(placed[:4]):
        front_base = f"http://127.0.0.1:{front.port}{PREFIX}"
        run_client(tools, "proto" if index % 2 == 0 else "json", {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{front_base}/users/{user}"})
    # Every document on both shards (earlier tests left users there too).
    documents = {path.parent.name: shard.aggregate(path.parent.name)
                 for shard in shards[:2] for path in shard.data.glob("users/*/aggregate.json")}
    assert {user for user, _ in placed[:4]} <= set(documents)
    jobs = [(f"shard{i}", [address(s)], add_token(s, f"prometheus-{i}")) for i, s in enumerate(shards[:2])]
    server = PrometheusServer(jobs)
    server.start()
    try:
        server.targets_up(2)
        server.wait_for("count(claude_code_session_count_total)", lambda r: r and r[0]["value"][1] == str(len(documents)))
        assert_prometheus_equals_documents(server, documents)
        team_tokens = server.values("sum(claude_code_token_usage_tokens_total)")[()]
        assert team_tokens == sum(sum(m[k] for m in d["models"].values() for k in
                                      ("inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens"))
                                  for d in documents.values())
        assert server.values("sum(claude_telemetry_users)")[()] >= 6
    finally:
        server.stop()


def test_an_unreachable_shard_is_answered_with_what_claude_code_retries():
    """The front's answer when a user's shard is down (its host restarting): 503 with
    Retry-After: 1, which Claude Code retries and honours, never the 502 it would drop."""
    from conftest import free_port
    front = FrontNginx()
    try:
        front.start([free_port()])  # nothing listens there
        user = str(uuid.uuid4())
        status, headers, body = front.request(
            "POST", f"{PREFIX}/users/{user}/v1/metrics", sessions_body(1, time.time_ns()),
            {"Content-Type": "application/json"})
        assert status == 503, (status, body[:300])
        assert headers.get("retry-after") == "1", headers
        assert json.loads(body) == {"code": 14, "message": "the shard of this user is unreachable; retry in a second"}
        status, headers, _ = front.request("GET", f"{PREFIX}/metrics")
        assert status == 503 and headers.get("retry-after") == "1"
    finally:
        front.stop()
