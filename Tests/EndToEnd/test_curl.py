"""curl against the real stack with the committed OTLP fixtures: uploads, health, every error
status with its google.rpc.Status body, and nothing changed on disk by a refused request."""

from __future__ import annotations

import json
import subprocess
import time
import uuid

import pytest

from conftest import FIXTURES, JSON, PREFIX, PROTOBUF, curl, gzip_bytes, rpc_status, wait_until
from telemetry_testing.fixtures import assert_delta_totals

DELTA_POINTS = 18

RPC_INVALID_ARGUMENT = 3
RPC_NOT_FOUND = 5
RPC_RESOURCE_EXHAUSTED = 8
RPC_UNIMPLEMENTED = 12
RPC_UNAVAILABLE = 14
RPC_UNAUTHENTICATED = 16


def post(stack, path: str, content_type: str | None, *, data: bytes | None = None, data_file=None,
         headers: dict[str, str] | None = None, **kwargs):
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return curl(stack.base + path, method="POST", headers=all_headers, data=data, data_file=data_file, **kwargs)


@pytest.fixture
def seeded_user(stack):
    """A user whose aggregate.json already exists (from metrics-delta.pb)."""
    user = stack.add_user("seeded")
    response = post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-delta.pb")
    assert response.status == 200, response
    assert_delta_totals(stack.aggregate(user))
    return user


# --- uploads --------------------------------------------------------------------------------


def test_chunked_protobuf_upload(stack):
    user = stack.add_user("chunked")
    response = post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-delta.pb",
                    headers={"Transfer-Encoding": "chunked"})
    assert response.status == 200, response
    assert response.headers["content-type"] == PROTOBUF
    assert response.body == b""  # an empty ExportMetricsServiceResponse
    document = stack.aggregate(user)
    assert_delta_totals(document)
    assert document["received"]["dataPointsApplied"] == DELTA_POINTS
    assert document["received"]["dataPointsRejected"] == 0


def test_chunked_gzip_json_upload_documented_form(stack):
    user = stack.add_user("chunked-json")
    response = post(stack, f"/metrics?user={user}", JSON + "; charset=utf-8",
                    data_file=FIXTURES / "metrics-delta.json.gz",
                    headers={"Transfer-Encoding": "chunked", "Content-Encoding": "gzip"})
    assert response.status == 200, response
    assert response.headers["content-type"] == JSON
    assert response.json() == {}
    assert_delta_totals(stack.aggregate(user))


def test_logs_fixture_events_only_user(stack):
    """No metrics at all: tokens and cost come from the api_request events; prompts are not stored."""
    user = stack.add_user("logs")
    response = post(stack, f"/users/{user}/v1/logs", PROTOBUF, data_file=FIXTURES / "logs.pb.gz",
                    headers={"Content-Encoding": "gzip"})
    assert response.status == 200, response
    raw = stack.current_bytes(user)
    document = json.loads(raw)
    assert document["events"] == {"api_request": 3, "api_error": 2, "tool_result": 3, "tool_decision": 2,
                                  "user_prompt": 2, "compaction": 1}
    totals = document["totals"]
    assert totals["totalInputTokens"] == 1500 + 200 + 10
    assert totals["totalOutputTokens"] == 300 + 50 + 5
    assert totals["totalCacheReadTokens"] == 12000
    assert abs(totals["totalTokenCostUsd"] - (0.0123 + 0.0004 + 0.001)) < 1e-9
    assert (totals["apiRequests"], totals["apiErrors"], totals["totalToolCalls"]) == (3, 2, 3)
    assert (totals["editsAccepted"], totals["editsRejected"]) == (1, 1)
    assert document["received"]["logRecordsApplied"] == 13
    assert b"secret text here!" not in raw


def test_replay_counted_once(stack):
    user = stack.add_user("replay")
    path = f"/users/{user}/v1/metrics"
    first = post(stack, path, PROTOBUF, data_file=FIXTURES / "metrics-delta.pb")
    assert first.status == 200, first
    after_first = stack.aggregate_path(user).read_bytes()
    second = post(stack, path, PROTOBUF, data_file=FIXTURES / "metrics-delta.pb")
    assert second.status == 200, second  # a retried batch is a success, not an error
    assert second.body == b""
    document = stack.aggregate(user)
    assert_delta_totals(document, times=1)
    assert document["received"]["dataPointsApplied"] == DELTA_POINTS
    # Nothing was new, so nothing had to be written.
    assert stack.aggregate_path(user).read_bytes() == after_first
    # The same data in the other encoding is the same data: still counted once.
    third = post(stack, path, JSON, data_file=FIXTURES / "metrics-delta.json")
    assert third.status == 200, third
    assert_delta_totals(stack.aggregate(user), times=1)


def test_empty_request_is_success(stack):
    user = stack.add_user("empty")
    response = post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "empty-metrics.pb")
    assert response.status == 200, response
    assert response.body == b""
    response = post(stack, f"/users/{user}/v1/metrics", JSON, data_file=FIXTURES / "empty-metrics.json")
    assert response.status == 200, response
    assert response.json() == {}


# --- health ---------------------------------------------------------------------------------


@pytest.mark.parametrize("signal", ["metrics", "logs"])
def test_health(stack, signal):
    response = curl(f"{stack.base}/{signal}")
    assert response.status == 200, response
    assert response.headers["content-type"].startswith(JSON)
    health = response.json()
    assert health["status"] == "ok"
    assert health["signal"] == signal
    if signal == "metrics":
        names = {entry["name"] for entry in health["metrics"]}
        assert {
            "claude_code.session.count", "claude_code.token.usage", "claude_code.cost.usage",
            "claude_code.lines_of_code.count", "claude_code.commit.count", "claude_code.pull_request.count",
            "claude_code.code_edit_tool.decision", "claude_code.active_time.total",
        } <= names, names
    else:
        names = {entry["name"] for entry in health["events"]}
        assert {"api_request", "api_error", "tool_result", "tool_decision"} <= names, names


# --- errors: status, google.rpc.Status body in the request's content type, nothing on disk ----


def refused(stack, expected_status: int, expected_code: int, content_type: str, send):
    """Runs `send()` and checks the refusal; the whole data directory must be unchanged."""
    before = stack.snapshot()
    assert any(name.endswith("/aggregate.json") for name in before), "seed a user first: nothing to compare"
    response = send()
    assert response.status == expected_status, f"status {response.status}, expected {expected_status}: {response.body!r}"
    status = rpc_status(response, content_type)
    assert status["code"] == expected_code, status
    assert stack.snapshot() == before, "a refused request changed the data directory"
    return response, status


def test_400_malformed_protobuf(stack, seeded_user):
    refused(stack, 400, RPC_INVALID_ARGUMENT, PROTOBUF,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", PROTOBUF, data=b"\x0a\xff\xff\xff\xff\x0fgarbage"))


def test_400_malformed_json(stack, seeded_user):
    refused(stack, 400, RPC_INVALID_ARGUMENT, JSON,
            lambda: post(stack, f"/users/{seeded_user}/v1/logs", JSON, data=b'{"resourceLogs": [{"scopeLogs": '))


def test_400_damaged_gzip(stack, seeded_user):
    damaged = bytearray(gzip_bytes((FIXTURES / "metrics-delta.pb").read_bytes()))
    damaged[len(damaged) // 2] ^= 0xFF
    refused(stack, 400, RPC_INVALID_ARGUMENT, PROTOBUF,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", PROTOBUF, data=bytes(damaged),
                         headers={"Content-Encoding": "gzip"}))


@pytest.mark.parametrize("path", [
    "/metrics?user=../../etc/passwd",
    "?user=../../etc/passwd/v1/metrics",
    "/users/123e4567-e89b-42d3-a456-42661417400%61/v1/metrics",
    "/users/not-a-uuid/v1/metrics",
], ids=["documented", "appended", "user-path-percent", "not-a-uuid"])
def test_400_malformed_user_id(stack, seeded_user, path):
    refused(stack, 400, RPC_INVALID_ARGUMENT, PROTOBUF,
            lambda: post(stack, path, PROTOBUF, data_file=FIXTURES / "metrics-delta.pb"))


def test_path_traversal_never_reaches_a_file(stack, seeded_user):
    """nginx normalises an encoded ../ before routing: the request leaves the prefix and nginx
    itself answers 404; nothing anywhere under the data directory changes."""
    before = stack.snapshot()
    response = post(stack, "/users/..%2F..%2F..%2F..%2Fetc%2Fpasswd/v1/metrics", PROTOBUF,
                    data_file=FIXTURES / "metrics-delta.pb")
    assert response.status == 404, response
    assert stack.snapshot() == before


def test_400_upper_case_user_id(stack, seeded_user):
    response, status = refused(stack, 400, RPC_INVALID_ARGUMENT, PROTOBUF,
                               lambda: post(stack, f"/users/{seeded_user.upper()}/v1/metrics", PROTOBUF,
                                            data_file=FIXTURES / "metrics-delta.pb"))
    assert "lowercase" in status["message"], status


def test_400_conflicting_user_ids(stack, seeded_user):
    other = str(uuid.uuid4())
    refused(stack, 400, RPC_INVALID_ARGUMENT, JSON,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", JSON, data_file=FIXTURES / "metrics-delta.json",
                         headers={"X-User-Id": other}))


@pytest.mark.parametrize("content_type", [PROTOBUF, JSON])
def test_401_missing_user(stack, seeded_user, content_type):
    fixture = "metrics-delta.pb" if content_type == PROTOBUF else "metrics-delta.json"
    refused(stack, 401, RPC_UNAUTHENTICATED, content_type,
            lambda: post(stack, "/v1/metrics", content_type, data_file=FIXTURES / fixture))


def test_unknown_user_is_kept_not_dropped(stack, seeded_user):
    """A well-formed id no user has (a typo a user can write) is kept like a request naming no
    user: 200, parked under that id, listed by `unclaimed`; no user is created."""
    unknown = str(uuid.uuid4())
    assert post(stack, f"/users/{unknown}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-delta.pb").status == 200
    assert post(stack, f"?user={unknown}/v1/logs", JSON, data_file=FIXTURES / "logs.json").status == 200
    assert not (stack.data / "users" / unknown).exists()
    listed = json.loads(stack.admin("unclaimed", "--json").stdout)
    assert [(e["installation"], e["kind"], e["requests"]) for e in listed if e["installation"] == unknown] == [
        (unknown, "unknown user id", 2)]


def test_413_body_over_limit(strict_stack):
    stack = strict_stack
    user = stack.add_user("big")
    post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-delta.pb")
    assert_delta_totals(stack.aggregate(user))
    big = b"\x00" * (65536 + 1)
    refused(stack, 413, RPC_RESOURCE_EXHAUSTED, PROTOBUF,
            lambda: post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data=big))
    refused(stack, 413, RPC_RESOURCE_EXHAUSTED, PROTOBUF,
            lambda: post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data=big,
                         headers={"Transfer-Encoding": "chunked"}))


def test_413_gzip_inflates_over_limit(strict_stack):
    stack = strict_stack
    user = stack.add_user("bomb")
    post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-delta.pb")
    bomb = gzip_bytes(b"\x00" * (4 * 1024 * 1024))
    assert len(bomb) < 65536
    response, status = refused(stack, 413, RPC_RESOURCE_EXHAUSTED, JSON,
                               lambda: post(stack, f"/users/{user}/v1/logs", JSON, data=bomb,
                                            headers={"Content-Encoding": "gzip"}))
    assert "decompress" in status["message"], status


def test_413_over_nginx_limit(stack, seeded_user):
    """Over nginx's own client_max_body_size (20m): nginx answers, in JSON."""
    huge = b"\x00" * (20 * 1024 * 1024 + 1024)
    refused(stack, 413, RPC_RESOURCE_EXHAUSTED, JSON,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", JSON, data=huge))


def test_415_wrong_content_type(stack, seeded_user):
    # The request's encoding is unknown, so the answer is JSON.
    refused(stack, 415, RPC_INVALID_ARGUMENT, JSON,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", "text/plain",
                         data_file=FIXTURES / "metrics-delta.pb"))


def test_415_unsupported_content_encoding(stack, seeded_user):
    refused(stack, 415, RPC_INVALID_ARGUMENT, PROTOBUF,
            lambda: post(stack, f"/users/{seeded_user}/v1/metrics", PROTOBUF,
                         data_file=FIXTURES / "metrics-delta.pb.gz", headers={"Content-Encoding": "br"}))


@pytest.mark.parametrize("content_type", [JSON, PROTOBUF])
def test_404_unknown_path(stack, seeded_user, content_type):
    # POST to the prefix itself is an endpoint (Claude Code with `…/claude?user=` posts there): test_unattributed.py.
    for path in (f"/users/{seeded_user}/v1/profiles", "/v1/profiles", "/nothing/here"):
        refused(stack, 404, RPC_NOT_FOUND, content_type,
                lambda: post(stack, path, content_type, data_file=FIXTURES / "metrics-delta.pb"))


@pytest.mark.parametrize("content_type", [JSON, PROTOBUF])
def test_405_put(stack, seeded_user, content_type):
    response, _ = refused(stack, 405, RPC_UNIMPLEMENTED, content_type,
                          lambda: curl(f"{stack.base}/users/{seeded_user}/v1/metrics", method="PUT",
                                       headers={"Content-Type": content_type},
                                       data_file=FIXTURES / "metrics-delta.pb"))
    allow = {method.strip() for method in response.headers.get("allow", "").split(",")}
    assert allow == {"GET", "HEAD", "POST"}, response.headers


def test_503_when_user_lock_is_held(strict_stack):
    stack = strict_stack
    user = stack.add_user("locked")
    # metrics-cumulative-1 then -2: one cumulative series, 1000 then 1500 (so +500).
    response = post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-cumulative-1.pb")
    assert response.status == 200, response
    assert stack.aggregate(user)["totals"]["totalInputTokens"] == 1000
    lock = stack.data / "users" / user / ".lock"
    holder = subprocess.Popen(["flock", str(lock), "sleep", "3"], stdin=subprocess.DEVNULL)
    try:
        def held() -> bool:
            probe = subprocess.run(["flock", "-n", str(lock), "true"], timeout=5)
            return probe.returncode != 0
        assert wait_until(held, timeout=5), "flock did not take the lock"
        started = time.monotonic()
        response, status = refused(stack, 503, RPC_UNAVAILABLE, PROTOBUF,
                                   lambda: post(stack, f"/users/{user}/v1/metrics", PROTOBUF,
                                                data_file=FIXTURES / "metrics-cumulative-2.pb"))
        assert time.monotonic() - started < 2.5, "the responder waited longer than --lock-timeout-ms 300"
        retry_after = response.headers.get("retry-after", "")
        assert retry_after.isdigit() and int(retry_after) >= 1, response.headers
        assert holder.poll() is None, "the lock holder ended before the check"
    finally:
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait(timeout=5)
    # Once the lock is free, the batch the client retries is applied.
    response = post(stack, f"/users/{user}/v1/metrics", PROTOBUF, data_file=FIXTURES / "metrics-cumulative-2.pb")
    assert response.status == 200, response
    assert stack.aggregate(user)["totals"]["totalInputTokens"] == 1500
