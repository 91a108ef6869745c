"""deploy/systemd: the units pass `systemd-analyze verify` and the offline security review, say
what they must (socket on fd 0, logs not on the socket, state directory, stop signal), and the
responder, handed its listening socket the way the units hand it over, serves requests and
stops on SIGTERM using only what the sandbox allows.

This machine's PID 1 is not systemd, so the units are not started by systemd itself here.
`activate_like_systemd` (conftest.py) carries out the socket unit and the parts of the service
that the responder can notice without a sandbox (fd 0, stdout/stderr, user, UMask=,
NoNewPrivileges=). For the sandbox, the responder runs under strace and every system call it
makes is checked against the filter the unit installs (SystemCallFilter=, computed by
`systemd-analyze syscall-filter`), MemoryDenyWriteExecute=, RestrictAddressFamilies=,
ProcSubset=pid and ProtectSystem=strict."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import (
    FIXTURES, NGINX_DIR, PREFIX, PROTOBUF, SYSTEMD_DIR, activate_like_systemd, add_user, aggregate,
    assert_delta_totals, cgi_params, fastcgi_request, fastcgi_status, owned_directory, read_unit, require_root,
    stop_activated, tail, unit_value, unit_values, wait_until, which,
)

SOCKET_UNIT = SYSTEMD_DIR / "claude-telemetry.socket"
SERVICE_UNIT = SYSTEMD_DIR / "claude-telemetry.service"
INSTALLED_RESPONDER = "/usr/local/bin/claude-telemetry-fcgi"


def systemd_analyze() -> str:
    found = which("systemd-analyze")
    if not found:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    return found


@pytest.fixture
def unit_copies(tools, workdir) -> Path:
    """The two units in a temporary directory, ExecStart= pointing at the binary under test
    (systemd-analyze verify checks that it exists); nothing else changed."""
    directory = workdir / "units"
    directory.mkdir()
    shutil.copy(SOCKET_UNIT, directory / SOCKET_UNIT.name)
    text = SERVICE_UNIT.read_text()
    assert text.count(f"\nExecStart={INSTALLED_RESPONDER} ") == 1, "ExecStart= is expected to run " + INSTALLED_RESPONDER
    (directory / SERVICE_UNIT.name).write_text(
        text.replace(f"\nExecStart={INSTALLED_RESPONDER} ", f"\nExecStart={tools.responder} "))
    return directory


def test_units_verify(unit_copies):
    analyze = systemd_analyze()
    # --man=no: the Documentation=man:... pages need not be installed for the units to be valid.
    result = subprocess.run([analyze, "verify", "--man=no", str(unit_copies / SOCKET_UNIT.name),
                             str(unit_copies / SERVICE_UNIT.name)], capture_output=True, timeout=60)
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output
    # verify exits 0 on unknown keys and unparsable values, and only prints them: none allowed.
    assert output.strip() == "", output


def test_units_verify_catches_mistakes(tools, unit_copies):
    """The check above can fail: a misspelt value and a missing binary are reported."""
    analyze = systemd_analyze()
    broken = unit_copies / "broken.service"
    broken.write_text((unit_copies / SERVICE_UNIT.name).read_text()
                      .replace("StandardInput=socket", "StandardInput=sockets")
                      .replace(str(tools.responder), "/nonexistent/claude-telemetry-fcgi"))
    result = subprocess.run([analyze, "verify", "--man=no", str(broken)], capture_output=True, timeout=60)
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode != 0 and "sockets" in output and "not executable" in output, output


def test_security_exposure(unit_copies):
    analyze = systemd_analyze()
    result = subprocess.run([analyze, "security", "--offline=true", "--no-pager",
                             str(unit_copies / SERVICE_UNIT.name)], capture_output=True, timeout=60)
    output = (result.stdout + result.stderr).decode(errors="replace")
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", output)
    assert match, output
    # 0 is fully locked down, 10 unprotected; systemd calls below 2 "OK" and below 1 "SAFE".
    assert float(match.group(1)) <= 1.0, output


def test_unit_invariants():
    sock = read_unit(SOCKET_UNIT)
    service = read_unit(SERVICE_UNIT)
    # The socket is the one the nginx upstream snippet names, and the web server's group gets it.
    upstream = (NGINX_DIR / "claude-telemetry-upstream.conf").read_text()
    listen = unit_value(sock, "Socket", "ListenStream")
    assert f"server unix:{listen};" in upstream
    assert unit_value(sock, "Socket", "Accept") == "no"
    assert unit_value(sock, "Socket", "SocketGroup") == "www-data"
    assert unit_value(sock, "Socket", "SocketMode") == "0660"
    assert unit_value(sock, "Install", "WantedBy") == "sockets.target"

    # fd 0 is the listening socket; with StandardInput=socket, stdout and stderr would default
    # to the socket too and the log would be lost: both must be set.
    assert unit_value(service, "Service", "StandardInput") == "socket"
    for key in ("StandardOutput", "StandardError"):
        assert unit_value(service, "Service", key) not in (None, "inherit", "socket"), key
    # No RuntimeDirectory=: it would be removed, socket and all, whenever the service stops.
    assert not unit_values(service, "Service", "RuntimeDirectory")
    assert "claude-telemetry.socket" in unit_value(service, "Unit", "Requires")
    assert unit_value(service, "Service", "StateDirectory") == "claude-telemetry"
    exec_start = unit_value(service, "Service", "ExecStart").split()
    assert exec_start[0] == INSTALLED_RESPONDER
    assert exec_start[exec_start.index("--data-dir") + 1] == "/var/lib/claude-telemetry"
    # The master reads the environment file (at start and on every reload), not systemd, which
    # would read it at start only; a missing file is allowed (`-`).
    assert "--env-file=-/etc/claude-telemetry/claude-telemetry.env" in exec_start
    assert not unit_values(service, "Service", "EnvironmentFile")
    assert unit_value(service, "Service", "Environment") == "CLAUDE_TELEMETRY_THREADS=4"
    assert unit_value(service, "Service", "KillSignal") == "SIGTERM"
    stop_seconds = float(unit_value(service, "Service", "TimeoutStopSec").rstrip("s"))
    assert 5 < stop_seconds < 30  # above the 5 s lock wait, below nginx's fastcgi_read_timeout


# --- the socket handover and the sandbox, checked on a system-call trace ----------------------


def syscall_group(analyze: str, name: str) -> set[str]:
    output = subprocess.run([analyze, "syscall-filter", name], capture_output=True, text=True, timeout=30).stdout
    calls: set[str] = set()
    for line in output.splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        calls |= syscall_group(analyze, line) if line.startswith("@") else {line}
    return calls


def allowed_syscalls(analyze: str) -> set[str]:
    """SystemCallFilter= of the service: allow-lists are united, then deny-lists (~) removed."""
    service = read_unit(SERVICE_UNIT)
    allowed: set[str] = set()
    denied: set[str] = set()
    for value in unit_values(service, "Service", "SystemCallFilter"):
        target = denied if value.startswith("~") else allowed
        for name in value.lstrip("~").split():
            target |= syscall_group(analyze, name) if name.startswith("@") else {name}
    assert allowed, "SystemCallFilter= allow-list expected"
    return (allowed | {"execve"}) - denied


def test_socket_handover_and_sandbox(tools, workdir):
    require_root()
    analyze = systemd_analyze()
    strace = which("strace")
    if not strace:
        pytest.skip("strace is not installed")
    data = owned_directory(workdir / "data", "nobody")
    user = add_user(tools, data, "nobody", "systemd")
    trace = workdir / "trace"
    socket_unit = workdir / SOCKET_UNIT.name
    # The socket in the work directory instead of /run/claude-telemetry: only the path differs.
    socket_unit.write_text(SOCKET_UNIT.read_text().replace(
        "ListenStream=/run/claude-telemetry/fcgi.sock", f"ListenStream={workdir}/run/fcgi.sock"))
    responder = activate_like_systemd(socket_unit, SERVICE_UNIT, responder=tools.responder, data_dir=data,
                                      run_as="nobody", log=workdir / "journal.log",
                                      wrap=[strace, "-f", "-qq", "-o", str(trace)])
    stop_seconds = float(unit_value(read_unit(SERVICE_UNIT), "Service", "TimeoutStopSec").rstrip("s"))
    try:
        def request(method: str, uri: str, body: bytes = b"", content_type: str = PROTOBUF, **extra: str) -> int:
            params = {**cgi_params(method, uri, body, content_type), **extra}
            return fastcgi_status(fastcgi_request(responder.socket_path, params, body))

        wait_until(responder.socket_path.exists, 10)
        assert request("GET", f"{PREFIX}/metrics", content_type="") == 200, tail(responder.log)
        base = f"{PREFIX}/users/{user}/v1"
        assert request("POST", f"{base}/metrics", (FIXTURES / "metrics-delta.pb").read_bytes()) == 200
        assert request("POST", f"{base}/logs", (FIXTURES / "logs.pb.gz").read_bytes(),
                       HTTP_CONTENT_ENCODING="gzip") == 200
        # A well-formed id no user has is kept (parked), not refused.
        assert request("POST", f"{PREFIX}/users/{uuid.uuid4()}/v1/metrics",
                       (FIXTURES / "metrics-delta.pb").read_bytes()) == 200
        assert_delta_totals(aggregate(data, user))
    finally:
        status, seconds = stop_activated(responder, timeout=stop_seconds)
    log = responder.log.read_text(errors="replace")
    assert status == 0, log
    assert seconds < 5, f"SIGTERM took {seconds:.1f} s"
    assert "listening on fd 0" in log and "stopped" in log, log
    # The request log went to StandardError=, and four requests were logged.
    assert log.count("status=") == 4, log

    calls = trace.read_text(errors="replace")
    lines = calls.splitlines()
    assert lines and "execve(" in lines[0], lines[:3]
    used = set(re.findall(r"^\d+\s+([a-z_0-9]+)\(", calls, re.M))
    # The trace was parsed (a format surprise must not make the checks below pass vacuously).
    assert {"execve", "mmap", "flock", "rename", "poll"} <= used, sorted(used)
    assert {"accept", "accept4"} & used, sorted(used)
    outside = used - allowed_syscalls(analyze)
    assert not outside, f"system calls outside SystemCallFilter=: {sorted(outside)}"
    # MemoryDenyWriteExecute=: no writable+executable mapping, no mprotect to executable.
    for line in lines:
        if re.match(r"^\d+\s+(mmap|mmap2)\(", line):
            assert not ("PROT_WRITE" in line and "PROT_EXEC" in line), line
        if re.match(r"^\d+\s+(mprotect|pkey_mprotect)\(", line):
            assert "PROT_EXEC" not in line, line
    # RestrictAddressFamilies=AF_UNIX: any socket() it makes is AF_UNIX.
    for line in lines:
        if re.match(r"^\d+\s+socket(pair)?\(", line):
            assert "AF_UNIX" in line or "AF_LOCAL" in line, line
    # ProcSubset=pid / ProtectProc=invisible: only its own /proc entries.
    for path in re.findall(r'"(/proc/[^"]*)"', calls):
        assert re.match(r"/proc/(self|thread-self|\d+)(/|$)", path), path
    # ProtectSystem=strict: everything it creates, renames or writes is in the data directory.
    writes = re.findall(r'^\d+\s+(?:openat\(AT_FDCWD, "([^"]+)", [^)]*O_(?:WRONLY|RDWR|CREAT)'
                        r'|(?:mkdir|unlink|rename|renameat2?)\((?:AT_FDCWD, )?"([^"]+)")', calls, re.M)
    written = {a or b for a, b in writes}
    assert written, "expected writes in the data directory"
    for path in written:
        assert path == str(data) or path.startswith(str(data) + "/"), path
