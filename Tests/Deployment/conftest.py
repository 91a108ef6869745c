"""Deployment harness: the shipped nginx snippets, systemd units and Apache examples, run for
real on 127.0.0.1 and on a Unix socket, with exact checks of aggregate.json.

Standard library only (plus pytest). Everything started here is stopped and every temporary
directory removed, also after a failure; set DEPLOY_KEEP_TEMP=1 to keep the directories.

Options (or environment variables, as Tests/Deployment/run.sh sets them):
  --bin-dir / DEPLOY_BIN_DIR   directory with claude-telemetry-fcgi and claude-telemetry
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import grp
import http.client as httpclient
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests"))
from telemetry_testing.binaries import release_binaries  # noqa: E402
# Re-exported for the tests, which import them from here.
from telemetry_testing.fastcgi import cgi_params, fastcgi_request, fastcgi_status  # noqa: E402,F401
from telemetry_testing.fixtures import FIXTURES, assert_delta_totals  # noqa: E402,F401
from telemetry_testing.loopback import LOOPBACK, free_port  # noqa: E402,F401
from telemetry_testing.waiting import wait_until  # noqa: E402,F401

NGINX_DIR = REPO / "nginx"
SYSTEMD_DIR = REPO / "deploy" / "systemd"
APACHE_DIR = REPO / "deploy" / "apache"
PREFIX = "/api/v1/integrations/claude"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"

# The socket path that nginx/claude-telemetry-upstream.conf and the socket unit name.
PRODUCTION_SOCKET = Path("/run/claude-telemetry/fcgi.sock")

# --- options and tools -------------------------------------------------------------------------


def pytest_addoption(parser):
    parser.getgroup("deployment").addoption(
        "--bin-dir", default=os.environ.get("DEPLOY_BIN_DIR"), help="directory of the release binaries")


@dataclass(frozen=True)
class Tools:
    responder: Path
    admin: Path


@pytest.fixture(scope="session")
def tools(pytestconfig) -> Tools:
    responder, admin = release_binaries(pytestconfig.getoption("bin_dir"), "DEPLOY_BIN_DIR")
    found = Tools(responder=responder, admin=admin)
    global _ADMIN
    _ADMIN = found.admin
    return found


# The admin tool of the session, for `aggregate` (set by the `tools` fixture).
_ADMIN: Path | None = None


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: starts nginx/Apache as root with unprivileged workers and switches users")


def which(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)), None)


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.upper().endswith("_PROXY") and not k.startswith(("CLAUDE_TELEMETRY_", "OTEL_"))
           and k != "GATEWAY_INTERFACE"}
    env.update(extra or {})
    return env


@pytest.fixture
def workdir():
    """A fresh directory that unprivileged workers (www-data, nobody) can traverse."""
    root = Path(tempfile.mkdtemp(prefix="claude-telemetry-deploy-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        if os.environ.get("DEPLOY_KEEP_TEMP") != "1":
            shutil.rmtree(root, ignore_errors=True)


def owned_directory(path: Path, user: str, mode: int = 0o750) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(mode)
    return path


def tail(path: Path, limit: int = 3000) -> str:
    try:
        return f"--- {path} ---\n" + path.read_text(errors="replace")[-limit:]
    except FileNotFoundError:
        return f"--- {path}: missing ---"


# --- the admin tool, run as the data directory's owner ---------------------------------------


def admin(tools: Tools, data: Path, *args: str, user: str | None = None) -> subprocess.CompletedProcess:
    """`claude-telemetry ARGS` with CLAUDE_TELEMETRY_DATA_DIR=data, as `user` (the way
    docs/deployment.md says: as the data directory's owner)."""
    kwargs = {}
    if user is not None and os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        kwargs = dict(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    return subprocess.run([str(tools.admin), *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                          env=clean_env({"CLAUDE_TELEMETRY_DATA_DIR": str(data)}), **kwargs)


def add_user(tools: Tools, data: Path, owner: str | None, name: str = "deploy") -> str:
    result = admin(tools, data, "user", "add", "--name", name, "--json", "--allow-duplicate-name", user=owner)
    assert result.returncode == 0, f"user add failed: {result.stderr.decode(errors='replace')}"
    assert not result.stderr, f"user add warned: {result.stderr.decode(errors='replace')}"
    record = json.loads(result.stdout)
    return record["id"]


def aggregate(data: Path, user: str) -> dict:
    """The user's current document (aggregate.json with the journal folded in), as every reader of
    the product sees it: `claude-telemetry show --json`."""
    assert _ADMIN is not None, "the tools fixture sets the admin tool"
    result = subprocess.run([str(_ADMIN), "show", user, "--json"], stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=30, env=clean_env({"CLAUDE_TELEMETRY_DATA_DIR": str(data)}))
    assert result.returncode == 0, f"show --json failed: {result.stderr.decode(errors='replace')}"
    return json.loads(result.stdout)


# --- HTTP to 127.0.0.1 only ---------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def http(port: int, method: str, path: str, *, body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
    connection = httpclient.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        connection.close()


def post_fixture(port: int, path: str, fixture: str = "metrics-delta.pb", content_type: str = PROTOBUF,
                 headers: dict[str, str] | None = None) -> Response:
    return http(port, "POST", path, body=(FIXTURES / fixture).read_bytes(),
                headers={"Content-Type": content_type, **(headers or {})})


# --- /run/claude-telemetry, shared with any other run of this suite -----------------------------


@contextlib.contextmanager
def production_socket_path():
    """Exclusive use of /run/claude-telemetry/fcgi.sock, the path the shipped snippet and socket
    unit name. Serialised with other runs by a lock file; skipped when a live responder (a real
    installation) is listening there. A directory this creates is removed afterwards."""
    lock = open("/run/claude-telemetry-deploy-tests.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        directory = PRODUCTION_SOCKET.parent
        created = not directory.exists()
        if PRODUCTION_SOCKET.exists():
            if not stat.S_ISSOCK(PRODUCTION_SOCKET.stat().st_mode):
                pytest.skip(f"{PRODUCTION_SOCKET} exists and is not a socket")
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(str(PRODUCTION_SOCKET))
                    pytest.skip(f"{PRODUCTION_SOCKET} is in use by a running responder (a real installation?)")
                except OSError:
                    PRODUCTION_SOCKET.unlink()  # stale, from an earlier run that was killed
        try:
            yield PRODUCTION_SOCKET
        finally:
            with contextlib.suppress(FileNotFoundError):
                PRODUCTION_SOCKET.unlink()
            if created:
                shutil.rmtree(directory, ignore_errors=True)
    finally:
        lock.close()


# --- processes ---------------------------------------------------------------------------------


def pids_of(binary: Path, needle: str) -> list[int]:
    """Processes running `binary` whose command line contains `needle` (our data directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0] == str(binary).encode() and needle.encode() in b"\0".join(argv):
            found.append(int(entry.name))
    return found


def stop_pids(pids: list[int], timeout: float = 10) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in pids:
        if not wait_until(lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid), timeout):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]) == "Z"
    except (OSError, IndexError):
        return True


def process_owner(pid: int) -> tuple[str, str]:
    info = os.stat(f"/proc/{pid}")
    return pwd.getpwuid(info.st_uid).pw_name, grp.getgrgid(info.st_gid).gr_name


# --- nginx ---------------------------------------------------------------------------------------


NGINX_WORKER_USER = "www-data"  # as in Debian's /etc/nginx/nginx.conf


class Nginx:
    """A private nginx with its own configuration in `root`, shaped like an existing site:
    one server {} with an unrelated location. `add_claude_telemetry()` adds the two shipped
    snippets through include lines, unchanged."""

    def __init__(self, root: Path, port: int):
        self.root = root
        self.port = port
        self.conf = root / "nginx.conf"
        self.binary = which("nginx") or "/usr/sbin/nginx"
        self.http_includes: list[str] = []
        self.server_includes: list[str] = []
        (root / "temp").mkdir(exist_ok=True)
        # An existing installation has fastcgi_params next to nginx.conf (the location snippet
        # includes it by that relative name).
        shutil.copy("/etc/nginx/fastcgi_params", root / "fastcgi_params")
        self.write()

    def write(self) -> None:
        r = self.root
        http_includes = "".join(f"    include {p};\n" for p in self.http_includes)
        server_includes = "".join(f"        include {p};\n" for p in self.server_includes)
        user = f"user {NGINX_WORKER_USER};\n" if os.geteuid() == 0 else ""
        self.conf.write_text(f"""{user}worker_processes 1;
pid {r}/nginx.pid;
error_log {r}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {r}/nginx-access.log;
    client_body_temp_path {r}/temp/body;
    fastcgi_temp_path {r}/temp/fastcgi;
    proxy_temp_path {r}/temp/proxy;
    uwsgi_temp_path {r}/temp/uwsgi;
    scgi_temp_path {r}/temp/scgi;
{http_includes}
    server {{
        listen {LOOPBACK}:{self.port};
        server_name localhost;
        location / {{
            default_type text/plain;
            return 200 "hello\\n";
        }}
{server_includes}    }}
}}
""")

    def add_claude_telemetry(self, upstream: Path, location: Path) -> None:
        self.http_includes.append(str(upstream))
        self.server_includes.append(str(location))
        self.write()

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.binary, "-c", str(self.conf), *args], capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def start(self) -> None:
        result = self.run()
        assert result.returncode == 0, f"nginx did not start: {result.stderr.decode(errors='replace')}"
        assert wait_until(lambda: self.get("/").status == 200 if self.reachable() else False, 10), self.logs()

    def reachable(self) -> bool:
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=1):
                return True
        except OSError:
            return False

    def get(self, path: str) -> Response:
        return http(self.port, "GET", path)

    def test_config(self) -> subprocess.CompletedProcess:
        return self.run("-t")

    def reload(self) -> None:
        """nginx -s reload, then waits until every worker of the old configuration is gone (they
        finish gracefully and may answer a request or two with the old configuration)."""
        old = set(self.worker_pids())
        result = self.run("-s", "reload")
        assert result.returncode == 0, f"nginx -s reload failed: {result.stderr.decode(errors='replace')}"
        assert wait_until(lambda: not old & set(self.worker_pids()) and self.worker_pids(), 15), self.logs()

    def stop(self) -> None:
        pid_file = self.root / "nginx.pid"
        if not pid_file.exists():
            return
        self.run("-s", "quit")
        if not wait_until(lambda: not pid_file.exists(), 10):
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            wait_until(lambda: not pid_file.exists(), 5)

    def logs(self) -> str:
        return tail(self.root / "nginx-error.log")

    def worker_pids(self) -> list[int]:
        master = int((self.root / "nginx.pid").read_text().strip())
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    fields = (entry / "stat").read_text().split(") ", 1)[1].split()
                    if int(fields[1]) == master:
                        children.append(int(entry.name))
        return children


@pytest.fixture
def nginx(workdir):
    (workdir / "nginx").mkdir()
    server = Nginx(workdir / "nginx", free_port())
    try:
        yield server
    finally:
        server.stop()


# --- systemd units, read and (for the parts that matter to the responder) carried out ----------


def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as {section: [(key, value), ...]}, continuation lines joined."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    pending = ""
    for raw in path.read_text().splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        key, _, value = line.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def unit_value(unit: dict, section: str, key: str, default: str | None = None) -> str | None:
    values = [v for k, v in unit.get(section, []) if k == key]
    return values[-1] if values else default


def unit_values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


@dataclass
class Activated:
    process: subprocess.Popen
    socket_path: Path
    log: Path
    argv: list[str]


def activate_like_systemd(socket_unit: Path, service_unit: Path, *, responder: Path, data_dir: Path,
                          run_as: str, log: Path, wrap: list[str] | None = None) -> Activated:
    """What systemd does with claude-telemetry.socket + .service, minus the sandbox:
    creates the socket's directory (DirectoryMode=), binds ListenStream= with SocketUser=,
    SocketGroup=, SocketMode= and Backlog=, then starts ExecStart= (Environment= expanded,
    the binary and --data-dir replaced by the test's) as `run_as` (standing in for User=,
    which does not exist on a test machine) with the listening socket as fd 0
    (StandardInput=socket), stdout and stderr to `log` (StandardOutput=/StandardError=),
    UMask=, no supplementary groups and no_new_privs. `wrap` prefixes the command (strace)."""
    sock_unit = read_unit(socket_unit)
    service = read_unit(service_unit)
    path = Path(unit_value(sock_unit, "Socket", "ListenStream"))
    assert path.is_absolute(), "ListenStream= is expected to be a Unix socket path"
    assert unit_value(sock_unit, "Socket", "Accept", "no") == "no"
    assert unit_value(service, "Service", "StandardInput") == "socket"

    directory_mode = int(unit_value(sock_unit, "Socket", "DirectoryMode", "0755"), 8)
    path.parent.mkdir(mode=directory_mode, parents=True, exist_ok=True)
    path.parent.chmod(directory_mode)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    owner = pwd.getpwnam(unit_value(sock_unit, "Socket", "SocketUser", "root")).pw_uid
    group = grp.getgrnam(unit_value(sock_unit, "Socket", "SocketGroup", "root")).gr_gid
    os.chown(path, owner, group)
    path.chmod(int(unit_value(sock_unit, "Socket", "SocketMode", "0666"), 8))
    listener.listen(int(unit_value(sock_unit, "Socket", "Backlog", "4096")))

    environment = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    for assignment in unit_values(service, "Service", "Environment"):
        name, _, value = assignment.partition("=")
        environment[name] = value
    argv = []
    for word in unit_value(service, "Service", "ExecStart").split():
        for name, value in environment.items():
            word = word.replace("${%s}" % name, value)
        argv.append(word)
    assert argv[0] == "/usr/local/bin/claude-telemetry-fcgi", argv
    argv[0] = str(responder)
    assert "--data-dir" in argv, argv
    argv[argv.index("--data-dir") + 1] = str(data_dir)

    entry = pwd.getpwnam(run_as)
    umask = int(unit_value(service, "Service", "UMask", "0022"), 8)

    libc = ctypes.CDLL(None, use_errno=True)

    def no_new_privileges():  # NoNewPrivileges=yes
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")

    if wrap:
        # strace -u USER runs the command as USER (and keeps tracing through the switch).
        command = [*wrap, "-u", run_as, *argv]
        identity = {}
    else:
        command = argv
        identity = dict(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdin=listener.fileno(), stdout=out, stderr=out, env=environment,
                                   umask=umask, preexec_fn=no_new_privileges, **identity)
    listener.close()  # systemd keeps its copy; here the responder holds the only one
    return Activated(process=process, socket_path=path, log=log, argv=argv)


def stop_activated(activated: Activated, timeout: float) -> tuple[int, float]:
    """SIGTERM (KillSignal=), then the exit status and how long it took; SIGKILL after
    `timeout` (TimeoutStopSec=)."""
    started = time.monotonic()
    if activated.process.poll() is None:
        target = activated.process.pid
        if activated.argv and Path(f"/proc/{target}/exe").resolve() != Path(activated.argv[0]).resolve():
            # Wrapped (strace): signal the responder, which strace passes the signal on to.
            children = Path(f"/proc/{target}/task/{target}/children").read_text().split()
            target = int(children[0]) if children else target
        os.kill(target, signal.SIGTERM)
    try:
        status = activated.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        activated.process.kill()
        status = activated.process.wait()
    return status, time.monotonic() - started
