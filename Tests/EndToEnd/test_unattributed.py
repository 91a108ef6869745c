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
import signal
import subprocess
import time

import pytest

from conftest import JSON, PREFIX, PROTOBUF, clean_env, curl, gzip_bytes, rpc_status, started_stack
from test_sdk_clients import LOG_ROUNDS, METRIC_ROUNDS, SPEC, assert_scenario_totals, run_client

SEED_INSTALLATION = "5e" * 32
EMAIL_INSTALLATION = "e3" * 32
NEXT_SESSION_INSTALLATION = SEED_INSTALLATION


@pytest.fixture(scope="module")
def park_stack(tools):
    yield from started_stack(tools, "unattributed", ["--threads", "2"])


@pytest.fixture(scope="module")
def trust_refuse_stack(tools):
    """--trust-client-email yes, but under refuse: an email must still bind nothing."""
    yield from started_stack(
        tools, "trust-refuse", ["--threads", "2", "--unattributed", "refuse", "--trust-client-email", "yes"])


@pytest.fixture
def fresh_stack(tools, request):
    """A stack of its own, for tests that fill shares or time claims."""
    yield from started_stack(tools, request.node.name[:40], ["--threads", "2"])


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
        "installation": SEED_INSTALLATION, "kind": "installation", "firstSeen": parked[0]["firstSeen"],
        "lastSeen": parked[0]["lastSeen"], "requests": 5, "bytes": parked[0]["bytes"], "serviceVersion": "2.0.50",
        "osType": "linux", "hostArch": "amd64", "terminalType": "vscode", "email": None,
        "sessions": parked[0]["sessions"], "inputTokens": 2400, "outputTokens": parked[0]["outputTokens"],
        "cacheReadTokens": parked[0]["cacheReadTokens"], "cacheCreationTokens": parked[0]["cacheCreationTokens"],
        "costUsd": parked[0]["costUsd"], "suggestedOwner": None,
        "claimCommand": f"claude-telemetry user claim UUID {SEED_INSTALLATION}",
    }]
    # One log file for the installation; what it takes on disk is what is accounted.
    log = park_stack.data / "attribution" / "parked" / f"{SEED_INSTALLATION}.log"
    assert parked[0]["bytes"] == max(log.stat().st_blocks * 512, log.stat().st_size) > 0
    text = park_stack.admin("unclaimed").stdout.decode()
    assert f"claude-telemetry user claim UUID {SEED_INSTALLATION}" in text
    assert '"userID"' in text and "~/.claude.json" in text
    # user list, verify and show say that something waits, and where to look.
    waiting = "5 parked requests from 1 unclaimed source wait to be claimed (see `claude-telemetry unclaimed`)"
    assert waiting in park_stack.admin("user", "list").stdout.decode()
    assert waiting in park_stack.admin("verify").stdout.decode()
    assert waiting in park_stack.admin("show", user).stdout.decode()
    assert admin_json(park_stack, "verify", "--json")["parkedRequests"] == 5

    before = park_stack.snapshot()
    dry = park_stack.admin("user", "claim", "--dry-run", user, SEED_INSTALLATION)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.decode().startswith(f"Would fold 5 parked requests of installation {SEED_INSTALLATION} into user {user}: ")
    assert " 2400 input and " in dry.stdout.decode() and "Nothing was changed." in dry.stdout.decode()
    assert park_stack.snapshot() == before
    stats = admin_json(park_stack, "stats", "--json")["unattributed"]
    assert (stats["parkedRequests"], stats["parkedInstallations"], stats["unattributedRequestsParked"]) == (5, 1, 5)
    assert park_stack.admin("verify").returncode == 0

    claimed = park_stack.admin("user", "claim", user, SEED_INSTALLATION)
    assert claimed.returncode == 0, claimed.stderr
    assert "5 parked requests folded" in claimed.stdout.decode()
    assert_scenario_totals(park_stack, user)
    assert admin_json(park_stack, "unclaimed", "--json") == []
    assert not log.exists()

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


def test_a_known_email_is_only_a_suggestion_and_the_printed_claim_line_works(park_stack, tools):
    """(c) …/claude/metrics and …/claude/logs with no query (gzip JSON), from an installation whose
    user.email equals a user's email: parked (the email proves nothing), shown with that user as the
    suggested owner and the exact claim line, which run as printed folds the data once."""
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
    assert not park_stack.aggregate_path(user).exists()
    assert not (park_stack.data / "attribution" / "bindings" / EMAIL_INSTALLATION).exists()
    entry = next(e for e in admin_json(park_stack, "unclaimed", "--json") if e["installation"] == EMAIL_INSTALLATION)
    assert entry["suggestedOwner"] == user
    assert entry["claimCommand"] == f"claude-telemetry user claim {user} {EMAIL_INSTALLATION}"
    text = park_stack.admin("unclaimed").stdout.decode()
    line = next(line for line in text.splitlines() if EMAIL_INSTALLATION in line and "user claim" in line)
    assert "# suggested: user " + user + " has email Dev.E2E@example.com" in line, line
    claimed = park_stack.admin(*line.split("#")[0].split()[1:])
    assert claimed.returncode == 0, claimed.stderr
    assert_scenario_totals(park_stack, user)

    # A second user may not take the same email, in any case; nor the same name without the flag.
    duplicate = park_stack.admin("user", "add", "--name", "other", "--email", "DEV.e2e@example.com")
    assert duplicate.returncode == 64
    assert f"user {user} already has the email DEV.e2e@example.com" in duplicate.stderr.decode()
    same_name = park_stack.admin("user", "add", "--name", "by-email")
    assert same_name.returncode == 64 and "--allow-duplicate-name" in same_name.stderr.decode()
    assert park_stack.admin("user", "add", "--name", "by-email", "--allow-duplicate-name").returncode == 0

    # Removing asks first; without a terminal and without --yes nothing is deleted.
    before = park_stack.snapshot()
    refused = park_stack.admin("user", "remove", user)
    assert refused.returncode == 64
    assert "This deletes user " + user + " (by-email): its record, its aggregate (" in refused.stdout.decode()
    assert "confirm with --yes" in refused.stderr.decode()
    assert park_stack.snapshot() == before
    # Removing the user drops its binding: the installation's next request is parked again.
    removed = park_stack.admin("user", "remove", "--yes", user)
    assert removed.returncode == 0 and "1 installation binding" in removed.stdout.decode(), removed.stdout
    assert not (park_stack.data / "attribution" / "bindings" / EMAIL_INSTALLATION).exists()


def test_trusted_email_never_binds_under_refuse(trust_refuse_stack):
    stack = trust_refuse_stack
    admin_json(stack, "user", "add", "--name", "trusted", "--email", "trusted@example.com", "--json")
    answer = curl(stack.base, headers={"Content-Type": JSON}, data=metrics_body("7c" * 32, 5, email="trusted@example.com"))
    assert answer.status == 401
    assert not (stack.data / "attribution" / "bindings" / ("7c" * 32)).exists()


def metrics_body(installation: str, value: float, *, email: str | None = None, time_ns: int = 1795514460000000000) -> bytes:
    attributes = [{"key": "user.id", "value": {"stringValue": installation}},
                  {"key": "type", "value": {"stringValue": "input"}},
                  {"key": "model", "value": {"stringValue": "claude-sonnet-4-6"}}]
    if email:
        attributes.append({"key": "user.email", "value": {"stringValue": email}})
    return json.dumps({"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "claude_code.token.usage", "sum": {
        "aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [
            {"asDouble": value, "startTimeUnixNano": str(time_ns - 1000), "timeUnixNano": str(time_ns),
             "attributes": attributes}]}}]}]}]}).encode()


def test_unknown_user_id_is_kept_and_recovered_by_user_add_id(park_stack, tools):
    """#20.2: a well-formed id no user has is parked (200), listed under that id, counted in
    stats, and `user add --id` creates the user and folds it exactly."""
    typo = "0badc0de-1234-4321-8000-00000000e2e0"
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{park_stack.base}/users/{typo}"}
    seen = len(park_stack.access_log())
    run_claude_like(tools, "proto", spec_for(SEED_INSTALLATION), env)
    assert posts_answered(park_stack.access_log()[seen:], f"{PREFIX}/users/{typo}/v1/metrics") == len(METRIC_ROUNDS)
    entry = next(e for e in admin_json(park_stack, "unclaimed", "--json") if e["installation"] == typo)
    assert entry["kind"] == "unknown user id" and entry["requests"] == len(METRIC_ROUNDS) + len(LOG_ROUNDS)
    stats = admin_json(park_stack, "stats", "--json")["unattributed"]
    assert stats["unknownUserIds"] == 1 and stats["unknownUserRequests"] == entry["requests"]
    created = park_stack.admin("user", "add", "--id", typo, "--name", "typo-fixed")
    assert created.returncode == 0, created.stderr
    assert f"Folded {entry['requests']} parked requests this id sent before the user existed" in created.stdout.decode()
    assert_scenario_totals(park_stack, typo)
    assert all(e["installation"] != typo for e in admin_json(park_stack, "unclaimed", "--json"))


def test_a_flood_from_one_address_does_not_lock_out_another(fresh_stack):
    """#19.4: 100 fresh installations from one client address: 10 are parked, the rest answered
    503 with Retry-After 5 (which Claude Code honours); a new installation from another address
    is still parked; the operator discards the flood."""
    stack = fresh_stack
    statuses = []
    retry_after = set()
    for index in range(100):
        answer = curl(stack.base, headers={"Content-Type": JSON}, data=metrics_body(f"{index:064x}", 1))
        statuses.append(answer.status)
        if answer.status == 503:
            retry_after.add(answer.headers.get("retry-after"))
    assert statuses == [200] * 10 + [503] * 90
    assert retry_after == {"5"}
    other = curl(stack.base, headers={"Content-Type": JSON}, data=metrics_body("ab" * 32, 1), extra=["--interface", "127.0.0.2"])
    assert other.status == 200
    dry = admin_json(stack, "unclaimed", "discard", "--all", "--dry-run", "--json")
    assert sum(entry["requests"] for entry in dry) == 11
    assert len(admin_json(stack, "unclaimed", "--json")) == 11
    one = stack.admin("unclaimed", "discard", "ab" * 32)
    assert one.returncode == 0 and "Discarded 1 parked request in all" in one.stdout.decode()
    old = stack.admin("unclaimed", "discard", "--older-than", "1")
    assert old.returncode == 0 and "Discarded 0 parked requests in all" in old.stdout.decode()
    assert stack.admin("unclaimed", "discard", "--all").returncode == 0
    assert admin_json(stack, "unclaimed", "--json") == []
    assert stack.admin("verify").returncode == 0


def test_claim_killed_at_many_points_never_counts_twice(fresh_stack):
    """#19.8: `user claim` killed with SIGKILL at many points, run again each time, until it
    finishes: every parked request is counted exactly once; meanwhile the user's own requests
    (more than the replay window) go through."""
    stack = fresh_stack
    user = stack.add_user("killed-claim")
    installation = "c1" * 32
    count = 240
    for index in range(count):
        answer = curl(stack.base, headers={"Content-Type": JSON},
                      data=metrics_body(installation, 1, time_ns=1795514460000000000 + index * 1_000_000_000))
        assert answer.status == 200
    command = [str(stack.tools.admin), "user", "claim", user, installation]
    env = clean_env({"CLAUDE_TELEMETRY_DATA_DIR": str(stack.data)})
    kills = 0
    delay = 0.01
    while True:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            # The user's own data, between two attempts, more than the request window remembers.
            for index in range(10):
                direct = curl(f"{stack.base}/users/{user}/v1/metrics", headers={"Content-Type": JSON},
                              data=metrics_body("d2" * 32, 1000, time_ns=1795600000000000000 + (kills * 10 + index) * 10**9))
                assert direct.status == 200
            delay *= 1.3
            continue
        out, err = process.communicate()
        assert process.returncode == 0, err
        break
    assert kills >= 5, kills
    document = stack.aggregate(user)
    assert document["totals"]["totalInputTokens"] == count + 1000 * 10 * kills
    assert admin_json(stack, "unclaimed", "--json") == []
    assert stack.admin("verify").returncode == 0


def test_move_and_unbind_are_operator_commands(park_stack):
    first = park_stack.add_user("owner-one")
    second = park_stack.add_user("owner-two")
    installation = "9d" * 32
    assert curl(park_stack.base, headers={"Content-Type": JSON}, data=metrics_body(installation, 3)).status == 200
    assert park_stack.admin("user", "claim", first, installation).returncode == 0
    refused = park_stack.admin("user", "claim", second, installation)
    assert refused.returncode == 64 and "--move" in refused.stderr.decode()
    moved = park_stack.admin("user", "claim", "--move", second, installation)
    assert moved.returncode == 0 and f"from user {first} to user {second}" in moved.stdout.decode()
    later = metrics_body(installation, 4, time_ns=1795514470000000000)
    assert curl(park_stack.base, headers={"Content-Type": JSON}, data=later).status == 200
    assert park_stack.aggregate(second)["totals"]["totalInputTokens"] == 4
    assert park_stack.aggregate(first)["totals"]["totalInputTokens"] == 3
    assert park_stack.admin("user", "unbind", first, installation).returncode == 64
    unbound = park_stack.admin("user", "unbind", second, installation)
    assert unbound.returncode == 0, unbound.stderr
    again = metrics_body(installation, 5, time_ns=1795514480000000000)
    assert curl(park_stack.base, headers={"Content-Type": JSON}, data=again).status == 200
    assert park_stack.aggregate(second)["totals"]["totalInputTokens"] == 4
    assert any(e["installation"] == installation for e in admin_json(park_stack, "unclaimed", "--json"))


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
