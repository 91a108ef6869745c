"""Storage trouble: a full disk, a read-only file system, a corrupt or truncated aggregate.json.

Each is answered 503 + Retry-After (the exporter keeps the batch and retries), nothing stored
changes (byte-identical, never reset), no temporary file is left behind, and once the trouble
is gone the retried batch is applied exactly once. A corrupt file is never overwritten: the
responder says so in its log and `claude-telemetry verify` names it (exit 2).

The disk tests mount a 512 KiB tmpfs on the data directory, so they need root (CI runs as
root); without the permission they are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CLIENTS, JSON, PROTOBUF, Response, Stack, make_root, rpc_status, started_stack

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402

RPC_UNAVAILABLE = 14


def as_response(answer: batches.Answer) -> Response:
    return Response(status=answer.status, headers=answer.headers, body=answer.body)


def assert_storage_503(answer: batches.Answer, content_type: str, retry_after: int, *words: str) -> str:
    assert answer.status == 503, answer
    assert answer.headers.get("retry-after") == str(retry_after), answer.headers
    status = rpc_status(as_response(answer), content_type)
    assert status["code"] == RPC_UNAVAILABLE, status
    for word in words:
        assert word in status["message"], f"{word!r} not in the message {status['message']!r}"
    return status["message"]


def tmp_files(stack) -> list[str]:
    return [str(path) for path in stack.data.rglob("*.tmp")]


# --- a full disk and a read-only file system ---------------------------------------------------


def run_root(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, timeout=30, stdin=subprocess.DEVNULL)


@pytest.fixture
def tmpfs_stack(tools):
    """A stack whose data directory is a fresh 512 KiB tmpfs; always unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs on the data directory needs root (CI runs as root)")
    root = make_root("tmpfs")
    stack = Stack(tools=tools, root=root, responder_args=["--threads", "2"])
    stack.data.mkdir()
    mounted = run_root("mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", str(stack.data))
    if mounted.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if run_root("umount", str(stack.data)).returncode != 0:
            run_root("umount", "-l", str(stack.data))
        if os.environ.get("E2E_KEEP_TEMP") != "1":
            shutil.rmtree(root, ignore_errors=True)


def fill(directory) -> os.PathLike:
    """dd zeros into DIRECTORY/filler until the file system is full (ENOSPC)."""
    filler = directory / "filler"
    result = run_root("dd", "if=/dev/zero", f"of={filler}", "bs=4096")
    assert result.returncode != 0 and b"No space left" in result.stderr, result.stderr
    assert os.statvfs(directory).f_bavail == 0, "the file system still has free blocks"
    return filler


def test_disk_full_then_space_freed(tmpfs_stack):
    stack = tmpfs_stack
    user = stack.add_user("full")
    path = f"/users/{user}/v1/metrics"
    expected = batches.Expected()
    answer = batches.post(stack.port, path, batches.metrics_batch("full", 0))
    assert answer.status == 200, answer
    expected.add_metrics("full", 0)
    stored = stack.aggregate_path(user).read_bytes()

    filler = fill(stack.data)
    # A request whose journal record still fits in the blocks the journal already has is stored
    # durably and acknowledged; the first that needs a new block is refused and changes nothing.
    refused = []
    for seq in range(1, 80):
        signal_name = "logs" if seq % 3 == 0 else "metrics"
        content_type = JSON if signal_name == "metrics" and seq % 2 else PROTOBUF
        body = (batches.logs_batch("full", seq) if signal_name == "logs"
                else batches.metrics_batch("full", seq, content_type))
        before = {name: data for name, data in stack.snapshot().items() if name != "filler"}
        answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body, content_type)
        if answer.status == 200:
            (expected.add_logs if signal_name == "logs" else expected.add_metrics)("full", seq)
            continue
        message = assert_storage_503(answer, content_type, 5, "storage")
        assert "space" in message.lower(), message
        assert {name: data for name, data in stack.snapshot().items() if name != "filler"} == before, \
            "a refused request changed the data directory"
        refused.append((signal_name, seq, body, content_type))
        if len(refused) == 3:
            break
    assert len(refused) == 3, "the journal never ran out of room on a full file system"
    assert stack.aggregate_path(user).read_bytes() == stored or json.loads(stack.aggregate_path(user).read_bytes())
    assert not tmp_files(stack), tmp_files(stack)
    # Everything acknowledged so far is there, on the full disk.
    problems = expected.check(stack.aggregate(user))
    assert not problems, problems

    filler.unlink()
    # The exporter's retries, now that there is room again: applied, and applied once.
    for _ in range(2):
        for signal_name, seq, body, content_type in refused:
            answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body, content_type)
            assert answer.status == 200, answer
    for signal_name, seq, _, _ in refused:
        (expected.add_logs if signal_name == "logs" else expected.add_metrics)("full", seq)
    problems = expected.check(stack.aggregate(user))
    assert not problems, problems
    assert not tmp_files(stack)
    stack.assert_alive()


def test_read_only_file_system_then_writable(tmpfs_stack):
    stack = tmpfs_stack
    user = stack.add_user("ro")
    path = f"/users/{user}/v1/metrics"
    expected = batches.Expected()
    answer = batches.post(stack.port, path, batches.metrics_batch("ro", 0))
    assert answer.status == 200, answer
    expected.add_metrics("ro", 0)

    remount = run_root("mount", "-o", "remount,ro", str(stack.data))
    assert remount.returncode == 0, remount.stderr
    try:
        before = stack.snapshot()
        for signal_name, body in (("metrics", batches.metrics_batch("ro", 1)), ("logs", batches.logs_batch("ro", 1))):
            answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body)
            message = assert_storage_503(answer, PROTOBUF, 5, "storage")
            assert "read-only" in message.lower(), message
        assert stack.snapshot() == before
        stack.assert_alive()
    finally:
        assert run_root("mount", "-o", "remount,rw", str(stack.data)).returncode == 0

    for _ in range(2):
        for signal_name, body in (("metrics", batches.metrics_batch("ro", 1)), ("logs", batches.logs_batch("ro", 1))):
            answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body)
            assert answer.status == 200, answer
    expected.add_metrics("ro", 1)
    expected.add_logs("ro", 1)
    problems = expected.check(stack.aggregate(user))
    assert not problems, problems
    assert not tmp_files(stack)
    stack.assert_alive()


# --- a corrupt aggregate.json ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrupt_stack(tools):
    yield from started_stack(tools, "corrupt", ["--threads", "4"])


def corruptions(stored: bytes, other_users_document: bytes) -> dict[str, bytes]:
    return {
        "truncated": stored[: len(stored) // 2],
        "truncated-closing-brace": stored.rstrip()[:-1],  # the file ends "}\n": cut the "}"
        "truncated-at-90-percent": stored[: len(stored) * 9 // 10],
        "empty": b"",
        "garbage": b"\x00\x01not json at all\xff\xfe",
        "not-an-object": b"[]",
        "wrong-schema": json.dumps({"schemaVersion": 99, "totals": {"totalInputTokens": "lots"}}).encode(),
        "another-users-document": other_users_document,
    }


CORRUPTIONS = ["truncated", "truncated-closing-brace", "truncated-at-90-percent", "empty", "garbage", "not-an-object", "wrong-schema",
               "another-users-document"]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_aggregate_is_refused_and_left_untouched(corrupt_stack, kind):
    stack = corrupt_stack
    user, other = stack.add_user(f"corrupt-{kind}"), stack.add_user(f"neighbour-{kind}")
    expected = batches.Expected()
    for who in (user, other):
        answer = batches.post(stack.port, f"/users/{who}/v1/metrics", batches.metrics_batch(who, 0))
        assert answer.status == 200, answer
    expected.add_metrics(user, 0)
    aggregate = stack.aggregate_path(user)
    stored = aggregate.read_bytes()
    bad = corruptions(stored, stack.aggregate_path(other).read_bytes())[kind]
    aggregate.write_bytes(bad)  # by hand, as a disk fault or a careless operator would
    log_before = len(stack.responder_log())
    before = stack.snapshot()

    for signal_name, body, content_type in (("metrics", batches.metrics_batch(user, 1), PROTOBUF),
                                            ("logs", batches.logs_batch(user, 1), JSON)):
        if content_type == JSON:
            body = batches.logs_batch(user, 1, JSON)
        answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body, content_type)
        assert_storage_503(answer, content_type, 5, "claude-telemetry verify", "corrupt", str(aggregate))
    assert aggregate.read_bytes() == bad, "the corrupt file was changed (reset or overwritten)"
    assert stack.snapshot() == before
    assert not tmp_files(stack)

    log = stack.responder_log()[log_before:]
    lines = [line for line in log.splitlines() if "corrupt" in line and str(aggregate) in line]
    assert lines, f"no responder log line says {aggregate} is corrupt:\n{log[-2000:]}"

    verify = stack.admin("verify")
    output = (verify.stdout + verify.stderr).decode(errors="replace")
    assert verify.returncode == 2, f"verify exit {verify.returncode}:\n{output}"
    assert str(aggregate) in output, output
    assert str(stack.aggregate_path(other)) not in output, f"verify blamed the healthy neighbour:\n{output}"
    assert aggregate.read_bytes() == bad, "verify changed the corrupt file"

    # The neighbour is served all along.
    answer = batches.post(stack.port, f"/users/{other}/v1/metrics", batches.metrics_batch(other, 1))
    assert answer.status == 200, answer

    # An operator puts the good file back: the retried batches apply, once.
    aggregate.write_bytes(stored)
    for _ in range(2):
        for signal_name, body in (("metrics", batches.metrics_batch(user, 1)), ("logs", batches.logs_batch(user, 1))):
            answer = batches.post(stack.port, f"/users/{user}/v1/{signal_name}", body)
            assert answer.status == 200, answer
    expected.add_metrics(user, 1)
    expected.add_logs(user, 1)
    problems = expected.check(stack.aggregate(user))
    assert not problems, problems
    stack.assert_alive()
