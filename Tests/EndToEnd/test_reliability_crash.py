"""Crash under load: every responder process is killed with SIGKILL in the middle of sustained
traffic, while client processes that behave like OTLP exporters keep sending (and retrying on
connection errors and 429/502/503/504 with the same bytes). The responders are then started
again with start_stack on the same port, and the clients finish their retries.

What must hold:
  * at the instant of the kill, every batch already acknowledged with 200 is in aggregate.json
    (an acknowledgement means "stored");
  * afterwards every aggregate.json parses, and each user's totals are EXACTLY the sum of all
    batches sent to that user: a batch applied just before the kill and retried after it counts
    once (replay detection), and none is lost;
  * no temporary file is left, no lock is held, and `claude-telemetry verify` finds nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import CLIENTS, started_stack, wait_until

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402


@pytest.fixture(scope="module")
def crash_stack(tools):
    yield from started_stack(tools, "crash", ["--threads", "4"], env={"SPAWN_PROCESSES": "2"})


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def acknowledged(ack_files: dict[str, Path], users: list[str]) -> dict[str, batches.Expected]:
    """What the clients had acknowledged (200) so far, per user, from their ack files."""
    expected = {user: batches.Expected() for user in users}
    for instance, path in ack_files.items():
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue  # a line being written right now
            signal_name, seq, user = parts
            if signal_name == "metrics":
                expected[user].add_metrics(instance, int(seq))
            else:
                expected[user].add_logs(instance, int(seq))
    return expected


def at_least(document: dict, floor: batches.Expected) -> list[str]:
    totals, events = document.get("totals", {}), document.get("events", {})
    problems = []
    for name, got, want in (("totalInputTokens", totals.get("totalInputTokens", 0), floor.input_tokens),
                            ("totalLinesAdded", totals.get("totalLinesAdded", 0), floor.lines_added),
                            ("events.tool_result", events.get("tool_result", 0), floor.tool_results)):
        if got < want:
            problems.append(f"{name} = {got} < {want} acknowledged before the kill")
    return problems


def kill_responders(stack, sig: signal.Signals = signal.SIGKILL) -> list[int]:
    """Sends `sig` to every responder start_stack recorded and waits until all are gone (after
    SIGTERM they first finish the requests in flight)."""
    pids = stack.responder_pids()
    assert pids, "no responder pids recorded"
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    assert wait_until(lambda: all(process_gone(pid) for pid in pids), timeout=20), f"responders {pids} survived {sig.name}"
    return pids


def crash_under_load(stack, tools, *, users_count: int, clients: int, kills: int, acks_before_first: int,
                     between_kills: float, down_for: float, sig: signal.Signals = signal.SIGKILL) -> None:
    """Clients send until told to stop (a stop file), so the load is on at every kill whatever the
    machine's speed; the expected totals follow from how many batches each client sent."""
    users = [stack.add_user(f"crash-{index}") for index in range(users_count)]
    log_start = len(stack.responder_log())
    work = Path(tempfile.mkdtemp(prefix=f"load-{sig.name}-", dir=stack.root))
    stop_file = work / "stop"
    ack_files = {f"k{index}": work / f"k{index}.acks" for index in range(clients)}
    processes = [
        subprocess.Popen(
            [tools.proto_python, str(CLIENTS / "retrying_exporter.py"), "--port", str(stack.port),
             "--users", ",".join(users), "--instance", instance, "--batches", "1000000",
             "--signals", "metrics,logs", "--max-tries", "80", "--timeout", "10",
             "--ack-file", str(path), "--stop-file", str(stop_file)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for instance, path in ack_files.items()
    ]

    def acked_count() -> int:
        return sum(want.metric_batches + want.log_batches for want in acknowledged(ack_files, users).values())

    killed = []
    summaries = []
    try:
        # The load is on once every client has had batches acknowledged (starting a dozen Python
        # processes takes a moment on a small machine).
        assert wait_until(lambda: all(path.exists() and path.stat().st_size for path in ack_files.values())
                          and acked_count() >= acks_before_first, timeout=60), "the clients did not get going"
        for round_ in range(kills):
            assert all(process.poll() is None for process in processes), "a client ended before the kill"
            killed += kill_responders(stack, sig)
            # Nothing can write now. Everything acknowledged so far must already be stored.
            floor = acknowledged(ack_files, users)
            acked_now = sum(want.metric_batches + want.log_batches for want in floor.values())
            for user in users:
                if floor[user].metric_batches or floor[user].log_batches:
                    json.loads(stack.aggregate_path(user).read_bytes())  # parses, even right after SIGKILL
                    document = stack.aggregate(user)  # with the journal folded in: every acknowledged request
                    problems = at_least(document, floor[user])
                    assert not problems, f"{sig.name} {round_ + 1}, user {user}: acknowledged data missing: {problems}"
            print(f"{sig.name} {round_ + 1}: responders {killed[-2:]} stopped with {acked_now} requests acknowledged")
            time.sleep(down_for)  # clients meet connection errors and 502s, and retry
            stack.restart()
            time.sleep(between_kills)  # load on the new responders (also after the last restart)
        stop_file.touch()
        for process in processes:
            out, err = process.communicate(timeout=180)
            assert out.strip(), f"client printed nothing (exit {process.returncode}): {err.decode(errors='replace')}"
            summaries.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        stop_file.touch()
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    failed = [summary for summary in summaries if summary["dropped"] or summary["gave_up"]]
    assert not failed, f"batches refused or never acknowledged: {failed}"
    sent = {f"k{index}": summary["batches"] for index, summary in enumerate(summaries)}
    assert sum(summary["acked"] for summary in summaries) == 2 * sum(sent.values())
    retries = sum(summary["retries"] for summary in summaries)
    assert retries > 0, "no request was retried: the kills did not hit the load"
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    for summary in summaries:
        for key, count in summary["statuses"].items():
            statuses[key] = statuses.get(key, 0) + count
        for key, count in summary["errors"].items():
            errors[key] = errors.get(key, 0) + count
    # Retries the responders recognised as already applied (the batch was stored, the answer
    # was lost in the kill): the path that makes retries safe. Informational, as it depends on timing.
    replays = len(re.findall(r"status=200 applied=0 rejected=0 duplicates=[1-9]", stack.responder_log()[log_start:]))
    print(f"{sum(sent.values())} batches x 2 requests; retries: {retries}, statuses: {statuses}, "
          f"connection errors: {errors}, retries found already applied: {replays}")

    want = {user: batches.Expected() for user in users}
    for instance, count in sent.items():
        for seq in range(count):
            want[users[seq % len(users)]].add_metrics(instance, seq)
            want[users[seq % len(users)]].add_logs(instance, seq)
    for user in users:
        document = stack.aggregate(user)
        problems = want[user].check(document)
        assert not problems, f"user {user}: " + "; ".join(problems)

    leftovers = [str(path) for path in stack.data.rglob("*.tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    for user in users:
        lock = stack.data / "users" / user / ".lock"
        assert subprocess.run(["flock", "-n", str(lock), "true"], timeout=10).returncode == 0, f"{lock} still held"
    verify = stack.admin("verify")
    assert verify.returncode == 0, (verify.stdout + verify.stderr).decode(errors="replace")
    stack.assert_alive()


def test_kill_responders_under_load_exact_totals(crash_stack, tools):
    """6 exporter-like clients (metrics + logs) over 3 users, all responders SIGKILLed twice."""
    crash_under_load(crash_stack, tools, users_count=3, clients=6, kills=2, acks_before_first=200,
                     between_kills=1.5, down_for=0.3)


def test_sigterm_responders_under_load_exact_totals(crash_stack, tools):
    """The same with SIGTERM (a service restart): requests in flight finish, the rest are retried."""
    crash_under_load(crash_stack, tools, users_count=3, clients=6, kills=2, acks_before_first=200,
                     between_kills=1.5, down_for=0.3, sig=signal.SIGTERM)


@pytest.mark.long
def test_kill_responders_repeatedly_long(crash_stack, tools):
    """The bigger variant: 12 clients over 4 users, 6 kills, about 20 s of load."""
    crash_under_load(crash_stack, tools, users_count=4, clients=12, kills=6, acks_before_first=500,
                     between_kills=2.5, down_for=0.5)
