"""Restarting, upgrading or reconfiguring the service loses nothing a client sends meanwhile
(issue #20, item 1), with the service run exactly as the README's first command runs it
(`scripts/run-service.sh`: a master responder holding the FastCGI socket, nginx on a port).

A client with Claude Code's own transport rules (clients/claude_code_transport.py: no retry of
a refused connection, 502/503 retried for only a few seconds, Retry-After >= 10 s dropped)
exports one metrics batch every second while the service is restarted every way an operator
restarts it:

- the whole service: `scripts/run-service.sh restart` (nginx reloads, the responders are
  replaced; now also with a changed setting, i.e. reconfigured);
- the responders alone, nginx up: SIGHUP to the master (new responders first, the old finish);
- the responders stopped and started again, nginx up: no responder for a moment, during which
  nginx answers 503 + Retry-After: 1, which the client retries.

Every batch must be delivered, and the stored totals must equal what was sent, exactly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CLIENTS, FIXTURES, PREFIX, PROTOBUF, REPO, clean_env, free_port, make_root, wait_until

sys.path.insert(0, str(CLIENTS))
import claude_code_transport as transport  # noqa: E402
import otlp_batches as batches  # noqa: E402


class Service:
    def __init__(self, tools, root: Path):
        self.tools = tools
        self.root = root
        self.run_dir = root / "run"
        self.port = free_port()
        self.links = root / "bin"
        self.data = self.run_dir / "data"

    def script(self, *args: str, threads: int = 4, processes: int = 1) -> subprocess.CompletedProcess:
        env = clean_env({"RUN_DIR": str(self.run_dir), "PORT": str(self.port), "BIN_DIR": str(self.tools.admin.parent),
                         "LINK_DIR": str(self.links), "THREADS": str(threads), "PROCESSES": str(processes)})
        result = subprocess.run(["bash", str(REPO / "scripts" / "run-service.sh"), *args], capture_output=True, text=True,
                                timeout=120, env=env, stdin=subprocess.DEVNULL, cwd=self.root)
        assert result.returncode == 0, f"run-service.sh {' '.join(args)}: {result.stdout}\n{result.stderr}\n{self.log()}"
        return result

    def master(self) -> int:
        return int((self.run_dir / "master.pid").read_text())

    def log(self) -> str:
        path = self.run_dir / "responder.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def admin(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.tools.admin), "--data-dir", str(self.data), *args], capture_output=True, text=True,
                              timeout=30, env=clean_env(), stdin=subprocess.DEVNULL)


@pytest.fixture
def service(tools):
    root = make_root("restart")
    service = Service(tools, root)
    try:
        yield service
    finally:
        subprocess.run(["bash", str(REPO / "scripts" / "run-service.sh"), "stop"], capture_output=True, timeout=120,
                       env=clean_env({"RUN_DIR": str(service.run_dir)}), stdin=subprocess.DEVNULL)


class Exporter(threading.Thread):
    """One metrics batch a second, each with Claude Code's retry rules."""

    def __init__(self, port: int, user: str):
        super().__init__(daemon=True)
        self.port, self.user = port, user
        self.stop = threading.Event()
        self.outcomes: dict[int, transport.Outcome] = {}
        self.lock = threading.Lock()
        self.workers: list[threading.Thread] = []

    def send(self, seq: int) -> None:
        outcome = transport.export(self.port, f"{PREFIX}/users/{self.user}/v1/metrics",
                                   batches.metrics_batch("restart", seq), {"Content-Type": PROTOBUF})
        with self.lock:
            self.outcomes[seq] = outcome

    def run(self) -> None:
        seq = 0
        next_at = time.monotonic()
        while not self.stop.is_set():
            seq += 1
            # Claude Code exports on its interval whether or not the previous batch is still retrying.
            worker = threading.Thread(target=self.send, args=(seq,), daemon=True)
            worker.start()
            self.workers.append(worker)
            next_at += 1.0
            time.sleep(max(0.0, next_at - time.monotonic()))

    def finish(self) -> dict[int, transport.Outcome]:
        self.stop.set()
        self.join()
        for worker in self.workers:
            worker.join(timeout=20)
        return self.outcomes


def test_restarts_lose_nothing_a_client_sends(service):
    started = service.script()
    assert "reloading" not in started.stderr
    record = json.loads(service.admin("user", "add", "--name", "restart", "--json").stdout)
    user = record["id"]
    exporter = Exporter(service.port, user)
    exporter.start()
    try:
        time.sleep(3)
        # 1. The whole service, reconfigured on the way (2 threads instead of 4).
        first_master = service.master()
        restarted = service.script("restart", threads=2)
        assert "reloading" in restarted.stderr, restarted.stderr
        assert service.master() == first_master, "the master (and its socket) must survive a restart"
        assert "CLAUDE_TELEMETRY_THREADS=2" in (service.run_dir / "responder.env").read_text()
        time.sleep(3)
        # 2. The responders alone, nginx up: new ones first, the old finish.
        os.kill(service.master(), signal.SIGHUP)
        time.sleep(3)
        # 3. No responder at all for a moment, nginx up (the master stopped, then started again).
        master = service.master()
        os.kill(master, signal.SIGTERM)
        assert wait_until(lambda: not Path(f"/proc/{master}").exists(), timeout=20), "the master did not stop"
        service.script()
        assert service.master() != master
        time.sleep(3)
    finally:
        outcomes = exporter.finish()

    dropped = {seq: outcome.attempts for seq, outcome in outcomes.items() if not outcome.delivered}
    retried = {seq: outcome.attempts for seq, outcome in outcomes.items() if len(outcome.attempts) > 1}
    print(f"{len(outcomes)} batches sent, {len(retried)} retried: {retried}")
    assert not dropped, f"batches lost across restarts: {dropped}\n{service.log()}"
    assert len(outcomes) >= 12
    # The current document (aggregate.json with its journal folded in), as every reader sees it.
    document = json.loads(service.admin("show", user, "--json").stdout)
    expected = sum(batches.input_value("restart", seq) for seq in outcomes)
    assert document["totals"]["totalInputTokens"] == expected


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone: it serves nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_master_takes_its_responders_along(service):
    """SIGKILL to the master (nothing can catch it): its responders end too, within a second or
    two, instead of serving a socket nobody manages; a new master then binds the same socket."""
    service.script(processes=2)
    master = service.master()
    children = Path(f"/proc/{master}/task/{master}/children")
    assert wait_until(lambda: len(children.read_text().split()) == 2, timeout=10), children.read_text()
    responders = [int(pid) for pid in children.read_text().split()]
    os.kill(master, signal.SIGKILL)
    started = time.monotonic()
    assert wait_until(lambda: not any(alive(pid) for pid in responders), timeout=5), \
        f"responders {[pid for pid in responders if alive(pid)]} outlived their master\n{service.log()}"
    print(f"responders gone {time.monotonic() - started:.2f} s after the master's SIGKILL")
    assert time.monotonic() - started < 2.5
    # A new master binds the same socket path and serves.
    restarted = service.script()
    assert service.master() != master
    health = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                             f"http://127.0.0.1:{service.port}{PREFIX}/metrics"], capture_output=True, text=True, timeout=30)
    assert health.stdout == "200", (health.stdout, restarted.stdout, service.log())


def test_the_restart_output_says_what_waits_to_be_claimed(service):
    """`scripts/run-service.sh` (start and restart) says how many requests wait in the parked
    area and the command that lists them (issue #20, item 5)."""
    started = service.script()
    assert "  parked     nothing waits to be claimed\n" in started.stdout, started.stdout
    # Two requests naming a well-formed user id nobody has: kept, not dropped.
    unknown = "0b7f9a3e-6c1d-4e2f-9a8b-7c6d5e4f3a2b"
    for fixture in ("metrics-delta.pb", "metrics-cumulative-1.pb"):
        result = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Content-Type: {PROTOBUF}",
             "--data-binary", f"@{FIXTURES / fixture}",
             f"http://127.0.0.1:{service.port}{PREFIX}/users/{unknown}/v1/metrics"],
            capture_output=True, text=True, timeout=30)
        assert result.stdout == "200", result.stdout
    restarted = service.script("restart")
    assert ("  parked     2 requests from 1 unclaimed installation wait to be claimed: "
            "see claude-telemetry unclaimed\n") in restarted.stdout, restarted.stdout
