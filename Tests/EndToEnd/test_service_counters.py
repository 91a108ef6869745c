"""The service's own health as an operator reads it (issue #20, "Grafana and Prometheus" and
item 5), through nginx and two responder processes (spawn-fcgi -F 2):

- the scrape counts every request by route and status, data refused by reason, points rejected
  in partial successes, parked and claimed requests and a duration histogram, summed over both
  processes, and the counts survive a restart of the responders (their files are adopted);
- the parked area (requests waiting to be claimed, and the command that lists them) is in the
  health documents, the team summary API and the scrape;
- both formats pass promtool, and the OpenMetrics body carries `_created` for counters.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid

import pytest

from conftest import CLIENTS, PREFIX, PROTOBUF, curl, started_stack, wait_until
from prometheus_server import add_token, ensure_prometheus
from test_hostile_input import bad_values_request
from test_prometheus import OPENMETRICS_ACCEPT, assert_promtool_accepts

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402

JSON = "application/json"
# How often a responder writes its counters (and when it stops).
FLUSH_SECONDS = 5


@pytest.fixture(scope="module")
def health_stack(tools):
    yield from started_stack(tools, "service-counters", ["--threads", "2", "--max-body-bytes", "65536"],
                             env={"SPAWN_PROCESSES": "2"})


def scrape(stack, token: str, accept: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    if accept:
        headers["Accept"] = accept
    answer = curl(f"{stack.base}/prometheus", headers=headers)
    assert answer.status == 200, answer.body[:300]
    return answer.body.decode()


def samples(text: str) -> dict[str, float]:
    """`name{labels}` → value, for every sample line."""
    result = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            result[name] = float(value)
    return result


def wait_for_sample(stack, token: str, name: str, expected: float) -> dict[str, float]:
    """The scrape once `name` has `expected` (the responders write their counters every 5 s)."""
    found: dict[str, float] = {}

    def check() -> bool:
        nonlocal found
        found = samples(scrape(stack, token))
        return found.get(name) == expected

    assert wait_until(check, timeout=FLUSH_SECONDS * 3, interval=0.5), (name, found.get(name), expected)
    return found


def wait_for_samples(stack, token: str, expected: dict[str, float]) -> dict[str, float]:
    """The scrape once every sample of `expected` has its value: each responder writes its own
    counters every 5 s, so one sample can be current while another process's are not yet."""
    found: dict[str, float] = {}

    def check() -> bool:
        nonlocal found
        found = samples(scrape(stack, token))
        return all(found.get(name) == value for name, value in expected.items())

    assert wait_until(check, timeout=FLUSH_SECONDS * 3, interval=0.5), {
        name: (found.get(name), value) for name, value in expected.items() if found.get(name) != value
    }
    return found


def test_the_scrape_counts_what_the_receiver_answered_across_processes_and_restarts(health_stack):
    stack = health_stack
    token = add_token(stack, "service-counters")
    user = stack.add_user("counted")
    path = f"/users/{user}/v1/metrics"
    for seq in range(6):
        assert batches.post(stack.port, path, batches.metrics_batch("counted", seq)).status == 200
    # A partial success: four points rejected (NaN, +inf, -inf, negative), one applied.
    assert batches.post(stack.port, path, bad_values_request(PROTOBUF)).status == 200
    # Data refused: wrong content type (415), over the responder's 64 KiB limit (413).
    assert batches.post(stack.port, path, b"x", "text/plain").status == 415
    assert batches.post(stack.port, path, b"\0" * 70_000).status == 413
    # A user id nobody has: parked under it, not dropped.
    unknown = str(uuid.uuid4())
    assert batches.post(stack.port, f"/users/{unknown}/v1/metrics", batches.metrics_batch("typo", 0)).status == 200
    assert batches.post(stack.port, f"/users/{unknown}/v1/metrics", batches.metrics_batch("typo", 1)).status == 200

    route = 'claude_telemetry_requests_total{route="metrics/user-path",status="200"}'
    # 7 for the user, 2 for the unknown id: answered 200 on the same route. The requests may have
    # gone to either responder, so every count is awaited, not only the last one written.
    found = wait_for_samples(
        stack,
        token,
        {
            route: 9,
            'claude_telemetry_requests_total{route="metrics/user-path",status="415"}': 1,
            'claude_telemetry_requests_total{route="metrics/user-path",status="413"}': 1,
            'claude_telemetry_refused_requests_total{reason="unsupported_media_type"}': 1,
            'claude_telemetry_refused_requests_total{reason="too_large"}': 1,
            'claude_telemetry_refused_requests_total{reason="storage_busy"}': 0,
            "claude_telemetry_rejected_points_total": 4,
            "claude_telemetry_rejected_records_total": 0,
            'claude_telemetry_requests_parked_total{source="unknown_user"}': 2,
            'claude_telemetry_requests_parked_total{source="installation"}': 0,
            "claude_telemetry_parked_requests": 2,
            "claude_telemetry_parked_installations": 1,
            "claude_telemetry_unknown_user_requests_total": 2,
            "claude_telemetry_unreadable_slot_files": 0,
        },
    )
    # The histogram: cumulative buckets, +Inf equal to the count, which equals every request counted.
    buckets = [(key, value) for key, value in found.items() if key.startswith("claude_telemetry_request_duration_seconds_bucket")]
    assert [value for _, value in buckets] == sorted(value for _, value in buckets)
    count = found["claude_telemetry_request_duration_seconds_count"]
    assert found['claude_telemetry_request_duration_seconds_bucket{le="+Inf"}'] == count
    assert count == sum(value for key, value in found.items() if key.startswith("claude_telemetry_requests_total{"))
    assert 0 < found["claude_telemetry_request_duration_seconds_sum"] < count * 10
    # Both processes wrote their own file.
    files = sorted(p.name for p in (stack.data / "service-counters").glob("*.counters"))
    assert len(files) == 2, files

    # The claim folds the parked requests: claimed counted, nothing waits, the unknown-id total stays.
    assert stack.admin("user", "add", "--id", unknown, "--name", "typo-fixed").returncode == 0
    found = wait_for_sample(stack, token, "claude_telemetry_parked_requests", 0)
    assert found["claude_telemetry_unknown_user_requests_total"] == 2

    # The responders restarted (SIGTERM, new processes): the counts carry on from their files.
    before = samples(scrape(stack, token))[route]
    stack.restart()
    after = samples(scrape(stack, token))
    assert after[route] == before, "the counts must survive a restart of the responders"
    assert after["claude_telemetry_rejected_points_total"] == 4
    assert batches.post(stack.port, path, batches.metrics_batch("counted", 99)).status == 200
    wait_for_sample(stack, token, route, before + 1)
    assert len(list((stack.data / "service-counters").glob("*.counters"))) == 2, "slots are adopted, not added"


def test_claims_are_counted(health_stack):
    stack = health_stack
    token = add_token(stack, "claims")
    user = stack.add_user("claimer")
    unknown = str(uuid.uuid4())
    for seq in range(3):
        assert batches.post(stack.port, f"/users/{unknown}/v1/metrics", batches.metrics_batch("claimed", seq)).status == 200
    before = samples(scrape(stack, token)).get("claude_telemetry_requests_claimed_total", 0)
    claimed = stack.admin("user", "claim", user, unknown)
    assert claimed.returncode == 0, claimed.stderr
    assert samples(scrape(stack, token))["claude_telemetry_requests_claimed_total"] == before + 3


def test_the_parked_area_is_in_the_health_documents_and_the_team_summary(health_stack):
    stack = health_stack
    token = add_token(stack, "parked")
    waiting = {e["installation"] for e in json.loads(stack.admin("unclaimed", "--json").stdout)}
    unknown = str(uuid.uuid4())
    assert batches.post(stack.port, f"/users/{unknown}/v1/logs", batches.logs_batch("parked-logs", 0)).status == 200
    entries = json.loads(stack.admin("unclaimed", "--json").stdout)
    requests = sum(e["requests"] for e in entries)
    assert {e["installation"] for e in entries} == waiting | {unknown}
    for signal in ("metrics", "logs", "traces"):
        document = curl(f"{stack.base}/{signal}").json()
        assert document["parked"] == {
            "installations": len(entries), "requests": requests,
            "unknownUserIds": len(entries), "unknownUserRequests": requests,
            "command": "claude-telemetry unclaimed"}, document["parked"]
    summary = curl(f"{stack.base}/team/summary", headers={"Authorization": f"Bearer {token}"}).json()
    assert summary["parked"] == {"command": "claude-telemetry unclaimed", "installations": len(entries),
                                 "requests": requests, "unknownUserIds": len(entries), "unknownUserRequests": requests}
    # The ETag follows the parked area: a request parked since makes the old tag stale.
    tagged = curl(f"{stack.base}/team/summary", headers={"Authorization": f"Bearer {token}"})
    etag = tagged.headers["etag"]
    assert curl(f"{stack.base}/team/summary",
                headers={"Authorization": f"Bearer {token}", "If-None-Match": etag}).status == 304
    assert batches.post(stack.port, f"/users/{unknown}/v1/logs", batches.logs_batch("parked-logs", 1)).status == 200
    fresh = curl(f"{stack.base}/team/summary", headers={"Authorization": f"Bearer {token}", "If-None-Match": etag})
    assert fresh.status == 200 and fresh.json()["parked"]["requests"] == requests + 1


@pytest.mark.parametrize("fmt", ["prometheus", "openmetrics"])
def test_the_exposition_with_the_service_families_passes_promtool(health_stack, fmt):
    ensure_prometheus()
    stack = health_stack
    token = add_token(stack, f"promtool-{fmt}")
    user = stack.add_user(f"promtool-{fmt}")
    assert batches.post(stack.port, f"/users/{user}/v1/metrics", batches.metrics_batch("promtool", 0)).status == 200
    time.sleep(FLUSH_SECONDS + 1)
    text = scrape(stack, token, OPENMETRICS_ACCEPT if fmt == "openmetrics" else None)
    assert "# TYPE claude_telemetry_request_duration_seconds histogram" in text
    assert_promtool_accepts(text.encode(), fmt)
    created = re.findall(r"^claude_telemetry_requests_created\{[^}]*\} (\S+)$", text, re.M)
    if fmt == "openmetrics":
        # Every counter sample is followed by its start: the user's creation, or the first count.
        assert created and all(float(value) > 1.7e9 for value in created)
        assert f'claude_code_session_count_created{{user_id="{user}"}}' in text
        lines = text.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("claude_telemetry_requests_created{"):
                assert lines[index - 1].startswith("claude_telemetry_requests_total{" + line[line.index("{") + 1:line.index("}")])
    else:
        assert "_created" not in text
