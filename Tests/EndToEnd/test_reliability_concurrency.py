"""Concurrency through nginx: two responder processes (SPAWN_PROCESSES=2) with four threads each,
fed by parallel client processes. Every batch is distinct and acknowledged, so each user's
totals must be exactly the sum of what was sent to that user: no update lost between threads
or processes, none applied twice. Afterwards no temporary file is left and no lock is held."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from conftest import CLIENTS, started_stack

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402


@pytest.fixture(scope="module")
def parallel_stack(tools):
    yield from started_stack(tools, "parallel", ["--threads", "4"], env={"SPAWN_PROCESSES": "2"})


@pytest.fixture(autouse=True)
def responders_survive(parallel_stack):
    yield
    parallel_stack.assert_alive()


def run_clients(stack, tools, users: list[str], clients: int, per_client: int, signals: str = "metrics",
                timeout: float = 240) -> list[dict]:
    """Starts `clients` retrying_exporter.py processes at once (instance c0, c1, ...), each
    sending `per_client` batches round-robin over `users`; returns their JSON summaries."""
    processes = []
    for index in range(clients):
        processes.append(subprocess.Popen(
            [tools.proto_python, str(CLIENTS / "retrying_exporter.py"), "--port", str(stack.port),
             "--users", ",".join(users), "--instance", f"c{index}", "--batches", str(per_client),
             "--signals", signals, "--max-tries", "5"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    summaries = []
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            out, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
            assert out.strip(), f"client printed nothing (exit {process.returncode}): {err.decode(errors='replace')}"
            summaries.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return summaries


def expected_per_user(users: list[str], clients: int, per_client: int, signals: str) -> dict[str, batches.Expected]:
    expected = {user: batches.Expected() for user in users}
    for index in range(clients):
        for seq in range(per_client):
            user = users[seq % len(users)]
            if "metrics" in signals:
                expected[user].add_metrics(f"c{index}", seq)
            if "logs" in signals:
                expected[user].add_logs(f"c{index}", seq)
    return expected


class DashboardReader(threading.Thread):
    """Reads one aggregate.json in a loop, as a dashboard does (no lock), while the load runs."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.done = threading.Event()
        self.reads = 0
        self.problems: list[str] = []

    def run(self) -> None:
        last = -1
        while not self.done.is_set():
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                self.done.wait(0.005)
                continue
            self.reads += 1
            try:
                tokens = json.loads(data)["totals"]["totalInputTokens"]
            except (ValueError, KeyError) as error:
                self.problems.append(f"{type(error).__name__}: {error} ({len(data)} bytes)")
                continue
            if tokens < last:
                self.problems.append(f"totalInputTokens went back from {last} to {tokens}")
            last = tokens
            self.done.wait(0.002)

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)


def assert_clean_data_dir(stack, users: list[str]) -> None:
    leftovers = [str(path) for path in stack.data.rglob("*.tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    for user in users:
        lock = stack.data / "users" / user / ".lock"
        assert lock.exists(), lock
        probe = subprocess.run(["flock", "-n", str(lock), "true"], timeout=10)
        assert probe.returncode == 0, f"{lock} is still locked after the load"


def load(stack, tools, user_count: int, clients: int, per_client: int, signals: str) -> None:
    users = [stack.add_user(f"load-{index}") for index in range(user_count)]
    reader = DashboardReader(stack.aggregate_path(users[0]))
    reader.start()
    started = time.monotonic()
    try:
        summaries = run_clients(stack, tools, users, clients, per_client, signals)
    finally:
        reader.stop()
    elapsed = time.monotonic() - started
    # A dashboard reads without any lock: every read is a whole, valid document, and totals never go back.
    assert reader.reads > 0, "the reader never saw the file"
    assert not reader.problems, f"{len(reader.problems)} bad reads of {reader.reads}: {reader.problems[:3]}"
    requests_per_batch = len(signals.split(","))
    not_ok = [summary for summary in summaries if summary["dropped"] or summary["gave_up"]]
    assert not not_ok, f"batches refused or never acknowledged: {not_ok}"
    assert sum(summary["acked"] for summary in summaries) == clients * per_client * requests_per_batch
    # No fault is injected here: every request must be a 200 at the first try (no 503 from a
    # lock wait, no 502 from a busy responder).
    retried = [summary for summary in summaries if summary["retries"] or set(summary["statuses"]) != {"200"}]
    assert not retried, f"requests needed retries under plain load: {retried}"
    for user, want in expected_per_user(users, clients, per_client, signals).items():
        problems = want.check(stack.aggregate(user))
        assert not problems, f"user {user}: " + "; ".join(problems)
    assert_clean_data_dir(stack, users)
    print(f"{clients} clients x {per_client} batches ({signals}) over {user_count} user(s): "
          f"{clients * per_client * requests_per_batch} requests in {elapsed:.1f} s, {reader.reads} lock-free reads")


def test_parallel_clients_one_user_exact(parallel_stack, tools):
    """8 client processes x 250 distinct metrics batches to ONE user."""
    load(parallel_stack, tools, user_count=1, clients=8, per_client=250, signals="metrics")


def test_parallel_clients_fifty_users_exact(parallel_stack, tools):
    """8 client processes x 250 distinct batches spread round-robin over 50 users."""
    load(parallel_stack, tools, user_count=50, clients=8, per_client=250, signals="metrics")


def test_parallel_clients_metrics_and_logs_one_user(parallel_stack, tools):
    """Metrics and logs interleaved from 8 processes into one user's single document."""
    load(parallel_stack, tools, user_count=1, clients=8, per_client=40, signals="metrics,logs")


@pytest.mark.long
def test_parallel_clients_long(parallel_stack, tools):
    """The bigger variant: 16 client processes x 1000 batches (metrics and logs) over 5 users."""
    load(parallel_stack, tools, user_count=5, clients=16, per_client=1000, signals="metrics,logs")
