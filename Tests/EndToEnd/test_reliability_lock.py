"""A stuck lock holder: another process takes a user's `flock` and hangs. The responder must
not hang with it: it answers 503 + Retry-After within --lock-timeout-ms, changes nothing, keeps
serving every other user, and applies the retried batch once the holder is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import CLIENTS, JSON, PROTOBUF, Response, rpc_status, started_stack, wait_until

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402

LOCK_TIMEOUT_MS = 300


@pytest.fixture(scope="module")
def lock_stack(tools):
    yield from started_stack(tools, "lock", ["--threads", "4", "--lock-timeout-ms", str(LOCK_TIMEOUT_MS)])


@pytest.fixture(autouse=True)
def responders_survive(lock_stack):
    yield
    lock_stack.assert_alive()


def lock_is_free(lock) -> bool:
    return subprocess.run(["flock", "-n", str(lock), "true"], timeout=10).returncode == 0


def test_stuck_lock_holder_gets_503_others_unaffected(lock_stack):
    stack = lock_stack
    stuck, other = stack.add_user("stuck"), stack.add_user("other")
    expected = {stuck: batches.Expected(), other: batches.Expected()}
    for user in (stuck, other):
        answer = batches.post(stack.port, f"/users/{user}/v1/metrics", batches.metrics_batch(user, 0))
        assert answer.status == 200, answer
        expected[user].add_metrics(user, 0)
    lock = stack.data / "users" / stuck / ".lock"
    # `flock .lock sleep 30`, in its own process group: flock's child (sleep) inherits the
    # locked descriptor, so the whole group is what holds the lock.
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"], stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_until(lambda: not lock_is_free(lock), timeout=10), "flock did not take the lock"
        before = stack.snapshot()
        for signal_name, build, content_type in (("metrics", batches.metrics_batch, PROTOBUF),
                                                 ("logs", batches.logs_batch, PROTOBUF),
                                                 ("metrics", batches.metrics_batch, JSON)):
            started = time.monotonic()
            answer = batches.post(stack.port, f"/users/{stuck}/v1/{signal_name}", build(stuck, 1, content_type),
                                  content_type)
            elapsed = time.monotonic() - started
            assert answer.status == 503, answer
            assert elapsed < LOCK_TIMEOUT_MS / 1000 + 1.5, f"answered after {elapsed:.2f} s, lock timeout is {LOCK_TIMEOUT_MS} ms"
            assert elapsed >= LOCK_TIMEOUT_MS / 1000 * 0.9, f"answered after {elapsed:.2f} s: did it wait for the lock at all?"
            retry_after = answer.headers.get("retry-after", "")
            assert retry_after.isdigit() and int(retry_after) >= 1, answer.headers
            status = rpc_status(_as_response(answer), content_type)
            assert status["code"] == 14, status  # UNAVAILABLE
            assert "storage busy" in status["message"] and ".lock" in status["message"], status
        assert stack.snapshot() == before, "a request refused for a held lock changed the data directory"

        # Every other user is served normally, also while requests for the stuck one wait.
        for seq in range(1, 6):
            answer = batches.post(stack.port, f"/users/{other}/v1/metrics", batches.metrics_batch(other, seq))
            assert answer.status == 200, answer
            expected[other].add_metrics(other, seq)
        problems = expected[other].check(stack.aggregate(other))
        assert not problems, problems
        assert holder.poll() is None, "the lock holder ended before the checks were done"
    finally:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)  # the group this test started: flock and its sleep
        holder.wait(timeout=10)
    assert wait_until(lambda: lock_is_free(lock), timeout=10), "the lock is still held after the holder was killed"

    # The exporter's retry of the refused batches now succeeds, and they count once.
    for signal_name, build in (("metrics", batches.metrics_batch), ("logs", batches.logs_batch)):
        answer = batches.post(stack.port, f"/users/{stuck}/v1/{signal_name}", build(stuck, 1))
        assert answer.status == 200, answer
    answer = batches.post(stack.port, f"/users/{stuck}/v1/metrics", batches.metrics_batch(stuck, 1, JSON), JSON)
    assert answer.status == 200, answer  # the same data in JSON: a replay
    expected[stuck].add_metrics(stuck, 1)
    expected[stuck].add_logs(stuck, 1)
    problems = expected[stuck].check(stack.aggregate(stuck))
    assert not problems, problems
    assert lock_is_free(lock)


def test_many_waiters_on_a_stuck_lock_all_time_out(lock_stack):
    """More waiting requests than worker threads: each times out on its own (no thread stays
    stuck), and the responder serves other users as soon as the waits end."""
    stack = lock_stack
    stuck, other = stack.add_user("stuck-many"), stack.add_user("other-many")
    answer = batches.post(stack.port, f"/users/{stuck}/v1/metrics", batches.metrics_batch(stuck, 0))
    assert answer.status == 200, answer
    lock = stack.data / "users" / stuck / ".lock"
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"], stdin=subprocess.DEVNULL, start_new_session=True)
    clients = []
    try:
        assert wait_until(lambda: not lock_is_free(lock), timeout=10)
        before = stack.snapshot()
        # 10 curl processes at once against 4 threads.
        for seq in range(1, 11):
            body = stack.root / f"stuck-{seq}.pb"
            body.write_bytes(batches.metrics_batch(stuck, seq))
            clients.append(subprocess.Popen(
                ["curl", "-sS", "--noproxy", "*", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}",
                 "-H", f"Content-Type: {PROTOBUF}", "--data-binary", f"@{body}",
                 f"{stack.base}/users/{stuck}/v1/metrics"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL))
        codes = [client.communicate(timeout=30)[0].decode() for client in clients]
        assert codes == ["503"] * 10, codes
        assert stack.snapshot() == before
        answer = batches.post(stack.port, f"/users/{other}/v1/metrics", batches.metrics_batch(other, 0), timeout=5)
        assert answer.status == 200, answer
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait(timeout=10)
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    assert wait_until(lambda: lock_is_free(lock), timeout=10)


def _as_response(answer: batches.Answer) -> Response:
    return Response(status=answer.status, headers=answer.headers, body=answer.body)
