"""End-to-end harness: the real stack (nginx + spawn-fcgi + claude-telemetry-fcgi) on 127.0.0.1.

Stacks are started and stopped only through scripts/lib.sh (start_stack / stop_stack), users
are created only through the admin tool, and nothing talks to any address but 127.0.0.1.

Options (or environment variables, as Tests/EndToEnd/run.sh sets them):
  --bin-dir       / E2E_BIN_DIR       directory with claude-telemetry-fcgi and claude-telemetry
  --proto-python  / E2E_PROTO_PYTHON  python of the venv with opentelemetry-exporter-otlp-proto-http
  --json-python   / E2E_JSON_PYTHON   python of the venv with opentelemetry-exporter-otlp-json-http
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests"))
from telemetry_testing.binaries import release_binaries  # noqa: E402
# Re-exported for the tests, which import them from here.
from telemetry_testing.fixtures import FIXTURES  # noqa: E402,F401
from telemetry_testing.loopback import LOOPBACK, free_port  # noqa: E402,F401
from telemetry_testing.waiting import wait_until  # noqa: E402,F401

CLIENTS = Path(__file__).resolve().parent / "clients"
PREFIX = "/api/v1/integrations/claude"

PROTOBUF = "application/x-protobuf"
JSON = "application/json"


# --- options -------------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "long: slow reliability variants, left out by run.sh unless asked for (run.sh BIN_DIR -m long)")


def pytest_addoption(parser):
    group = parser.getgroup("end-to-end")
    group.addoption("--bin-dir", default=os.environ.get("E2E_BIN_DIR"), help="directory of the release binaries")
    group.addoption("--proto-python", default=os.environ.get("E2E_PROTO_PYTHON"), help="python of the proto venv")
    group.addoption("--json-python", default=os.environ.get("E2E_JSON_PYTHON"), help="python of the json venv")


@dataclass(frozen=True)
class Tools:
    responder: Path
    admin: Path
    proto_python: str
    json_python: str


@pytest.fixture(scope="session")
def tools(pytestconfig) -> Tools:
    responder, admin = release_binaries(pytestconfig.getoption("bin_dir"), "E2E_BIN_DIR")
    proto = pytestconfig.getoption("proto_python") or str(REPO / ".build-e2e-venv" / "proto" / "bin" / "python")
    json_ = pytestconfig.getoption("json_python") or str(REPO / ".build-e2e-venv" / "json" / "bin" / "python")
    return Tools(responder=responder, admin=admin, proto_python=proto, json_python=json_)


# --- environment for child processes ---------------------------------------------------------


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The current environment without proxies or OTEL_* settings, so every request goes
    straight to 127.0.0.1 and only the variables a test sets configure the SDK."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().endswith("_PROXY") and not key.startswith("OTEL_") and key != "GATEWAY_INTERFACE"
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra or {})
    return env


def make_root(prefix: str) -> Path:
    """A fresh directory that nginx's unprivileged workers can traverse (pytest's own
    temporary directories are 0700, which would hide the FastCGI socket from them)."""
    root = Path(tempfile.mkdtemp(prefix=f"claude-telemetry-e2e-{prefix}-"))
    root.chmod(0o755)
    return root


class SocketOpener:
    """Works around scripts/lib.sh run as root: spawn-fcgi creates the socket root:root 0660
    (-M 0660) while nginx's workers run as `nobody`, so every request would be a 502
    ("connect() ... failed (13: Permission denied)"). While start_stack runs, this opens the
    new socket to every local user (a throwaway test socket on this machine). Does nothing when
    not root, or when the socket is already reachable."""

    def __init__(self, socket_path: Path):
        self.path = socket_path
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        deadline = time.monotonic() + 60
        while not self.done.is_set() and time.monotonic() < deadline:
            try:
                mode = self.path.stat().st_mode
                if mode & 0o006 != 0o006:
                    self.path.chmod(0o666)
            except FileNotFoundError:
                pass
            self.done.wait(0.01)

    def __enter__(self):
        if os.geteuid() == 0:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


# --- the stack -------------------------------------------------------------------------------


@dataclass
class Stack:
    tools: Tools
    root: Path
    responder_args: list[str]
    port: int = 0
    # Extra environment for scripts/lib.sh, e.g. {"SPAWN_PROCESSES": "2"} (spawn-fcgi -F).
    env: dict[str, str] = field(default_factory=dict)
    run: Path = field(init=False)
    data: Path = field(init=False)

    def __post_init__(self):
        self.run = self.root / "run"
        self.data = self.root / "data"

    # lib.sh, called exactly as a shell user would.
    def _lib(self, function: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        log = self.root / "lib-sh.log"
        with open(log, "ab") as out:
            return subprocess.run(
                ["bash", "-c", f'source "$0/scripts/lib.sh" && {function} "$@"', str(REPO), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                timeout=timeout,
                env=clean_env(self.env),
                cwd=REPO,
            )

    def start(self) -> None:
        last = None
        for _ in range(3):  # a free port can be taken between picking and binding: try another
            self.port = free_port()
            with SocketOpener(self.run / "fcgi.sock"):
                last = self._lib(
                    "start_stack", str(REPO), str(self.run), str(self.port), str(self.tools.responder),
                    str(self.data), *self.responder_args,
                )
            if last.returncode == 0:
                return
            self.stop()
        raise RuntimeError(f"start_stack failed (exit {last.returncode}):\n{self.logs()}")

    def stop(self) -> None:
        if self.run.exists():
            self._lib("stop_stack", str(self.run))

    def restart(self) -> None:
        """start_stack again on the SAME port (it stops what runs first), so clients that keep
        sending to this port reach the new responders once nginx is back."""
        assert self.port, "start() first"
        with SocketOpener(self.run / "fcgi.sock"):
            result = self._lib(
                "start_stack", str(REPO), str(self.run), str(self.port), str(self.tools.responder),
                str(self.data), *self.responder_args,
            )
        if result.returncode != 0:
            raise RuntimeError(f"start_stack (restart) failed (exit {result.returncode}):\n{self.logs()}")

    def responder_pids(self) -> list[int]:
        """The responder processes start_stack recorded in RUN/responder.pids."""
        path = self.run / "responder.pids"
        if not path.exists():
            return []
        return [int(line) for line in path.read_text().split() if line.strip().isdigit()]

    def responder_log(self) -> str:
        path = self.run / "responder.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def assert_alive(self) -> None:
        """No responder crashed: every recorded responder process still runs (not a zombie) and a
        GET health check through nginx answers 200."""
        pids = self.responder_pids()
        assert pids, f"no responder pids recorded in {self.run / 'responder.pids'}"
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                state = "gone"
            assert state not in ("gone", "Z", "X"), (
                f"responder {pid} is {state}: it crashed\n{self.responder_log()[-3000:]}")
        response = curl(f"{self.base}/metrics")
        assert response.status == 200, f"health check answered {response.status}: {response.body[:300]!r}"

    def logs(self) -> str:
        parts = []
        for name in ("lib-sh.log", "run/nginx-error.log", "run/responder.log"):
            path = self.root / name
            if path.exists():
                parts.append(f"--- {name} ---\n" + path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    @property
    def base(self) -> str:
        return f"http://{LOOPBACK}:{self.port}{PREFIX}"

    def access_log(self) -> str:
        path = self.run / "nginx-access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # Users, through the admin tool only.
    def admin(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Runs the admin tool on this data directory (given as CLAUDE_TELEMETRY_DATA_DIR, which
        every subcommand reads wherever its --data-dir flag would go), with `env` added."""
        return subprocess.run(
            [str(self.tools.admin), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            env=clean_env({"CLAUDE_TELEMETRY_DATA_DIR": str(self.data), **(env or {})}),
        )

    def add_user_record(self, name: str = "e2e") -> dict:
        """`claude-telemetry user add --name NAME --json`: the whole JSON answer. Tests add many
        users named alike, so duplicate names are allowed here."""
        args = ["user", "add", "--name", name, "--json", "--allow-duplicate-name"]
        if self.port:
            args += ["--url", f"http://{LOOPBACK}:{self.port}"]
        result = self.admin(*args)
        assert result.returncode == 0, (
            f"user add failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
            f"{result.stdout.decode(errors='replace')}")
        record = json.loads(result.stdout)
        assert (self.data / "users" / record["id"] / "user.json").is_file()
        return record

    def add_user(self, name: str = "e2e") -> str:
        return self.add_user_record(name)["id"]

    def aggregate_path(self, user: str) -> Path:
        return self.data / "users" / user / "aggregate.json"

    def journal_path(self, user: str) -> Path:
        return self.data / "users" / user / "journal"

    def current_bytes(self, user: str) -> bytes:
        """The user's current document (aggregate.json with the journal folded in) as every reader
        of the product sees it: `claude-telemetry show --json`."""
        result = self.admin("show", user, "--json")
        assert result.returncode == 0, f"show --json failed: {result.stderr.decode(errors='replace')}"
        return result.stdout

    def aggregate(self, user: str) -> dict:
        return json.loads(self.current_bytes(user))

    def snapshot(self) -> dict[str, bytes]:
        """Every file under the data directory with its bytes: what 'nothing changed on disk' means.
        The service's own counters (service-counters/) are left out: they count every request,
        refusals included (claude_telemetry_refused_requests_total), which is their point."""
        files = {}
        for path in sorted(self.data.rglob("*")):
            if path.is_file() and path.relative_to(self.data).parts[0] != "service-counters":
                files[str(path.relative_to(self.data))] = path.read_bytes()
        return files


def started_stack(tools: Tools, name: str, responder_args: list[str], env: dict[str, str] | None = None):
    stack = Stack(tools=tools, root=make_root(name), responder_args=responder_args, env=dict(env or {}))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()  # always, also when starting or a test failed
        if os.environ.get("E2E_KEEP_TEMP") != "1":
            shutil.rmtree(stack.root, ignore_errors=True)


@pytest.fixture(scope="session")
def stack(tools):
    """The standard stack: default limits (20 MiB bodies, 5 s lock timeout), 4 threads."""
    yield from started_stack(tools, "main", ["--threads", "4"])


@pytest.fixture(scope="session")
def strict_stack(tools):
    """A stack with a small body limit and a short lock timeout (nginx's own limit stays 20m)."""
    yield from started_stack(tools, "strict", ["--threads", "4", "--max-body-bytes", "65536", "--lock-timeout-ms", "300"])


# --- HTTP through curl (127.0.0.1 only) --------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lowercased names; the last block (after any 100 Continue)
    body: bytes

    def json(self):
        return json.loads(self.body)


def curl(url: str, *, method: str | None = None, headers: dict[str, str] | None = None,
         data: bytes | None = None, data_file: Path | None = None, extra: list[str] | None = None) -> Response:
    assert url.startswith(f"http://{LOOPBACK}:"), f"refusing to send a request anywhere but {LOOPBACK}: {url}"
    with tempfile.TemporaryDirectory(prefix="e2e-curl-") as tmp:
        body_path = Path(tmp) / "body"
        header_path = Path(tmp) / "headers"
        args = ["curl", "-sS", "--noproxy", "*", "--path-as-is", "--max-time", "30",
                "-o", str(body_path), "-D", str(header_path), "-w", "%{http_code}"]
        if method:
            args += ["-X", method]
        for name, value in (headers or {}).items():
            args += ["-H", f"{name}: {value}"]
        if data is not None:
            data_file = Path(tmp) / "request"
            data_file.write_bytes(data)
        if data_file is not None:
            args += ["--data-binary", f"@{data_file}"]
        args += extra or []
        args.append(url)
        result = subprocess.run(args, capture_output=True, timeout=60, env=clean_env(), stdin=subprocess.DEVNULL)
        assert result.returncode == 0, f"curl failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
        status = int(result.stdout.decode().strip())
        blocks = header_path.read_text(errors="replace").replace("\r\n", "\n").strip().split("\n\n")
        parsed = {}
        for line in blocks[-1].split("\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                parsed[name.strip().lower()] = value.strip()
        return Response(status=status, headers=parsed, body=body_path.read_bytes() if body_path.exists() else b"")


# --- google.rpc.Status in protobuf, decoded by hand --------------------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def decode_rpc_status(data: bytes) -> dict:
    """google.rpc.Status: code = 1 (int32), message = 2 (string), details = 3 (Any, repeated)."""
    out = {"code": 0, "message": "", "details": 0}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            if number == 1:
                out["code"] = value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated length-delimited field")
            chunk = data[pos:pos + length]
            pos += length
            if number == 2:
                out["message"] = chunk.decode("utf-8")
            elif number == 3:
                out["details"] += 1
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return out


def rpc_status(response: Response, content_type: str) -> dict:
    """Checks that an error answer is a google.rpc.Status in `content_type` and returns it."""
    got = response.headers.get("content-type", "")
    assert got.split(";")[0].strip() == content_type, f"error answered as {got!r}, expected {content_type}: {response.body!r}"
    if content_type == JSON:
        status = json.loads(response.body)
        assert isinstance(status, dict), response.body
        assert isinstance(status.get("message"), str) and status["message"], f"no message: {response.body!r}"
        return {"code": int(status.get("code", 0)), "message": status["message"]}
    status = decode_rpc_status(response.body)
    assert status["message"], f"no message in protobuf Status: {response.body!r}"
    return status


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)
