"""Nothing lost, nothing doubled, round two (issue 11): the storage and aggregation promises an
adversarial probe broke, each replayed through nginx against the real responder.

- A retried batch larger than any replay window (4 097 log records, 5 000 delta series, 20
  points of one delta series) is stored once.
- Deleting a user's `.lock` again and again while 8 writers run loses no acknowledged update.
- Symbolic links planted in a user's directory are refused (503), never followed.
- A missing data directory (or `users/`) is storage trouble: 503 + Retry-After, never 401.
- Points and readings stamped far in the future cannot wipe the daily view or freeze a series.
- Byte-identical records inside one request count once (documented as intended).
"""

from __future__ import annotations

import json
import gzip
import os
import sys
import threading
import time

import pytest

from conftest import CLIENTS, started_stack

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402

DAY_NS = 86_400 * 10**9
YEAR_2500_NS = 16_725_225_600 * 10**9
MAX_NS = 2**64 - 1


@pytest.fixture(scope="module")
def storage_stack(tools):
    yield from started_stack(tools, "round-two-storage", ["--threads", "4"], env={"SPAWN_PROCESSES": "2"})


@pytest.fixture(autouse=True)
def responders_survive(storage_stack):
    yield
    storage_stack.assert_alive()


def post_ok(stack, path: str, body: bytes, **kwargs) -> batches.Answer:
    answer = batches.post(stack.port, path, body, timeout=120, **kwargs)
    assert answer.status == 200, answer
    return answer


def distinct_records_request(instance: str, count: int):
    """`count` tool_result events that differ in time and event.sequence."""
    request = batches.logs_batch_request(instance, 0)
    records = request.resource_logs[0].scope_logs[0].log_records
    template = records[0]
    del records[:]
    for index in range(count):
        record = records.add()
        record.CopyFrom(template)
        record.time_unix_nano = batches.T0_NS + index
        for attribute in record.attributes:
            if attribute.key == "event.sequence":
                attribute.value.int_value = index
    return request


def now_ns() -> int:
    return time.time_ns()


# --- defect 1: a retry larger than a replay window -------------------------------------------------


def test_log_batch_of_4097_records_retried_counts_once(storage_stack):
    stack = storage_stack
    user = stack.add_user("records-4097")
    body = batches.encode(distinct_records_request("big-logs", 4097))
    post_ok(stack, f"/users/{user}/v1/logs", body)
    post_ok(stack, f"/users/{user}/v1/logs", body)
    document = stack.aggregate(user)
    assert document["events"]["tool_result"] == 4097, document["events"]
    assert document["totals"]["totalToolCalls"] == 4097
    assert document["received"]["logRecordsApplied"] == 4097
    assert document["received"]["logRequests"] == 1


def test_metrics_batch_of_5000_series_retried_counts_once(storage_stack):
    stack = storage_stack
    user = stack.add_user("series-5000")
    points = [("claude_code.token.usage", {"type": "input", "model": batches.MODEL, "prompt.id": f"p{index}"},
               batches.T0_NS + index, batches.T0_NS + index + 1, 2) for index in range(5000)]
    body = batches.encode(batches.metrics_request("big-metrics", points))
    post_ok(stack, f"/users/{user}/v1/metrics", body)
    post_ok(stack, f"/users/{user}/v1/metrics", body)
    document = stack.aggregate(user)
    assert document["totals"]["totalInputTokens"] == 10_000, document["totals"]
    assert document["received"]["dataPointsApplied"] == 5000


def test_20_points_of_one_delta_series_retried_count_once(storage_stack):
    stack = storage_stack
    user = stack.add_user("points-20")
    points = [("claude_code.token.usage", {"type": "input", "model": batches.MODEL},
               batches.T0_NS + index * 10**9, batches.T0_NS + index * 10**9 + 1, 3) for index in range(20)]
    body = batches.encode(batches.metrics_request("one-series", points))
    post_ok(stack, f"/users/{user}/v1/metrics", body)
    post_ok(stack, f"/users/{user}/v1/metrics", body)
    assert stack.aggregate(user)["totals"]["totalInputTokens"] == 60


def test_large_retry_compressed_again_counts_once(storage_stack):
    """Exporters that compress each attempt anew send other gzip bytes (the header carries a
    time): the retry is recognised after decompression."""
    stack = storage_stack
    user = stack.add_user("regzipped")
    plain = batches.encode(distinct_records_request("regzip", 4500))
    first = gzip.compress(plain, compresslevel=1, mtime=1)
    second = gzip.compress(plain, compresslevel=9, mtime=2)
    assert first != second
    for body in (first, second):
        post_ok(stack, f"/users/{user}/v1/logs", body, headers={"Content-Encoding": "gzip"})
    assert stack.aggregate(user)["events"]["tool_result"] == 4500


# --- defect 3: the lock file deleted during parallel writes -----------------------------------------


def test_lock_file_deleted_during_parallel_writes_loses_nothing(storage_stack):
    stack = storage_stack
    user = stack.add_user("lock-deleted")
    lock = stack.data / "users" / user / ".lock"
    writers, per_writer = 8, 40
    stop = threading.Event()
    deletions = 0
    problems: list[str] = []

    def delete_lock_again_and_again():
        nonlocal deletions
        while not stop.is_set():
            try:
                os.unlink(lock)
                deletions += 1
            except FileNotFoundError:
                pass
            time.sleep(0.001)

    def writer(index: int):
        for seq in range(per_writer):
            body = batches.metrics_batch(f"w{index}", seq)
            for _ in range(20):  # a 503 is retried, as an exporter does
                answer = batches.post(stack.port, f"/users/{user}/v1/metrics", body, timeout=60)
                if answer.status == 200:
                    break
                if answer.status != 503:
                    problems.append(f"w{index}/{seq}: {answer.status} {answer.body[:200]!r}")
                    return
                time.sleep(0.05)
            else:
                problems.append(f"w{index}/{seq}: never acknowledged")

    deleter = threading.Thread(target=delete_lock_again_and_again)
    deleter.start()
    threads = [threading.Thread(target=writer, args=(index,)) for index in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    stop.set()
    deleter.join(timeout=10)
    assert not problems, problems[:5]
    assert deletions > 0
    expected = batches.Expected()
    for index in range(writers):
        for seq in range(per_writer):
            expected.add_metrics(f"w{index}", seq)
    problems = expected.check(stack.aggregate(user))
    assert not problems, f"{deletions} deletions of .lock: " + "; ".join(problems)
    assert not list((stack.data / "users" / user).glob("*.tmp"))


# --- defect 4: symbolic links in a user's directory ----------------------------------------------------


def test_symlink_at_temporary_name_is_refused_not_followed(storage_stack, tmp_path):
    """A request is durable in the user's journal before aggregate.json is rewritten, so a symbolic
    link planted at the temporary name costs no data: the write is kept (200), the link is never
    followed, and folding the journal is refused until an operator removes it."""
    stack = storage_stack
    user = stack.add_user("symlink-tmp")
    path = f"/users/{user}/v1/metrics"
    post_ok(stack, path, batches.metrics_batch("symlink", 0))
    before = stack.aggregate_path(user).read_bytes()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious\n")
    link = stack.data / "users" / user / "aggregate.json.tmp"
    link.symlink_to(outside)
    post_ok(stack, path, batches.metrics_batch("symlink", 1))
    compacted = stack.admin("compact", user)
    assert compacted.returncode != 0, compacted.stdout
    assert b"symbolic link" in compacted.stderr, compacted.stderr
    assert outside.read_bytes() == b"precious\n"
    assert stack.aggregate_path(user).read_bytes() == before
    verified = stack.admin("verify")
    assert verified.returncode == 2 and str(link).encode() in verified.stdout, verified.stdout
    expected = batches.Expected()
    expected.add_metrics("symlink", 0)
    expected.add_metrics("symlink", 1)
    assert not expected.check(stack.aggregate(user))
    # Once an operator removes it, the journal folds; the retry of a request counts once.
    link.unlink()
    assert stack.admin("compact", user).returncode == 0
    post_ok(stack, path, batches.metrics_batch("symlink", 1))
    assert not expected.check(stack.aggregate(user))
    assert not expected.check(json.loads(stack.aggregate_path(user).read_bytes()))


def test_dangling_lock_symlink_is_refused_and_creates_nothing(storage_stack, tmp_path):
    stack = storage_stack
    user = stack.add_user("symlink-lock")
    lock = stack.data / "users" / user / ".lock"
    target = tmp_path / "created-by-the-responder"
    lock.unlink()
    lock.symlink_to(target)
    answer = batches.post(stack.port, f"/users/{user}/v1/logs", batches.logs_batch("dangling", 0))
    assert answer.status == 503, answer
    assert "retry-after" in answer.headers
    assert not target.exists()
    assert not stack.aggregate_path(user).exists()


# --- defect 5: a missing data directory --------------------------------------------------------------


def test_missing_users_directory_is_503_not_401(storage_stack):
    stack = storage_stack
    user = stack.add_user("unmounted")
    users = stack.data / "users"
    moved = stack.data.parent / "users-unmounted"
    body = batches.metrics_batch("unmounted", 0)
    log_start = len(stack.responder_log())
    users.rename(moved)
    try:
        answer = batches.post(stack.port, f"/users/{user}/v1/metrics", body)
    finally:
        moved.rename(users)
    assert answer.status == 503, answer
    assert answer.headers.get("retry-after") == "5", answer.headers
    assert b"users" in answer.body, answer.body
    log = stack.responder_log()[log_start:]
    assert "status=503" in log and "find users directory" in log, log[-2000:]
    # The exporter retries; with the directory back, the batch counts once.
    post_ok(stack, f"/users/{user}/v1/metrics", body)
    expected = batches.Expected()
    expected.add_metrics("unmounted", 0)
    assert not expected.check(stack.aggregate(user))


# --- defect 6 and the cumulative risk: timestamps from the future -------------------------------------


def test_far_future_points_do_not_wipe_the_daily_view(storage_stack):
    stack = storage_stack
    user = stack.add_user("year-2500")
    path = f"/users/{user}/v1/metrics"
    future = [("claude_code.token.usage", {"type": "input", "model": batches.MODEL},
               YEAR_2500_NS + day * DAY_NS, YEAR_2500_NS + day * DAY_NS + 1, 1) for day in range(400)]
    post_ok(stack, path, batches.encode(batches.metrics_request("future", future)))
    today_ns = now_ns()
    today = time.strftime("%Y-%m-%d", time.gmtime(today_ns / 1e9))
    post_ok(stack, path, batches.encode(batches.metrics_request(
        "today", [("claude_code.token.usage", {"type": "input", "model": batches.MODEL}, today_ns - 10**9, today_ns, 5)])))
    document = stack.aggregate(user)
    assert all(day <= today for day in document["days"]), sorted(document["days"])[-3:]
    assert document["days"][today]["totalInputTokens"] >= 5, document["days"].get(today)
    assert document["totals"]["totalInputTokens"] == 405


def test_cumulative_reading_at_the_largest_time_does_not_freeze_its_series(storage_stack):
    stack = storage_stack
    user = stack.add_user("frozen")
    path = f"/users/{user}/v1/metrics"
    start = now_ns() - 3600 * 10**9

    def reading(value: int, at: int) -> bytes:
        return batches.encode(batches.metrics_request(
            "cumulative", [("claude_code.token.usage", {"type": "input", "model": batches.MODEL}, start, at, value)],
            temporality=batches.CUMULATIVE))

    post_ok(stack, path, reading(100, now_ns() - 60 * 10**9))
    refused = post_ok(stack, path, reading(150, MAX_NS))
    assert b"more than a day after" in refused.body, refused.body  # a partial success says why
    post_ok(stack, path, reading(170, now_ns()))
    assert stack.aggregate(user)["totals"]["totalInputTokens"] == 170


# --- risk: identical records inside one request ------------------------------------------------------


def test_three_identical_records_in_one_request_count_once(storage_stack):
    stack = storage_stack
    user = stack.add_user("identical")
    request = batches.logs_batch_request("identical", 0)
    records = request.resource_logs[0].scope_logs[0].log_records
    del records[1:]
    records.add().CopyFrom(records[0])
    records.add().CopyFrom(records[0])
    post_ok(stack, f"/users/{user}/v1/logs", batches.encode(request))
    document = stack.aggregate(user)
    assert document["events"]["tool_result"] == 1, document["events"]
    assert document["received"]["logRecordsApplied"] == 1
    assert document["received"]["logRecordsDuplicate"] == 2
