"""spawn-fcgi with the flags docs/deployment.md explains: the socket for nginx's workers
(-U/-G/-M), the responder dropping to an unprivileged user (-u/-g) that owns the data
directory, several processes on one socket (-F), and -n for supervisors."""

from __future__ import annotations

import grp
import os
import pwd
import signal
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import (
    NGINX_DIR, NGINX_WORKER_USER, PREFIX, add_user, aggregate, assert_delta_totals, cgi_params, fastcgi_request,
    fastcgi_status, owned_directory, pids_of, post_fixture, process_owner, production_socket_path,
    require_root, stop_pids, wait_until, which,
)

RESPONDER_USER, RESPONDER_GROUP = "nobody", "nogroup"


def spawn_fcgi() -> str:
    found = which("spawn-fcgi")
    if not found:
        pytest.skip("spawn-fcgi is not installed")
    return found


def supplementary_groups(pid: int) -> list[str]:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Groups:"):
            return line.split()[1:]
    return []


def test_spawn_fcgi_behind_nginx(tools, workdir, nginx):
    require_root()
    spawner = spawn_fcgi()
    data = owned_directory(workdir / "data", RESPONDER_USER)
    user = add_user(tools, data, RESPONDER_USER, "spawn-fcgi")
    with production_socket_path() as socket_path:
        socket_path.parent.mkdir(mode=0o755, exist_ok=True)
        command = [spawner, "-s", str(socket_path), "-F", "2", "-M", "0660",
                   "-U", NGINX_WORKER_USER, "-G", NGINX_WORKER_USER, "-u", RESPONDER_USER, "-g", RESPONDER_GROUP,
                   "--", str(tools.responder), "--data-dir", str(data)]
        started = subprocess.run(command, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        try:
            assert started.returncode == 0, started.stderr.decode(errors="replace")
            assert wait_until(lambda: len(pids_of(tools.responder, str(data))) == 2, 10)
            pids = pids_of(tools.responder, str(data))

            # The socket: nginx's workers may connect, nobody else (0660 www-data:www-data).
            info = socket_path.stat()
            assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o660
            assert pwd.getpwuid(info.st_uid).pw_name == NGINX_WORKER_USER
            assert grp.getgrgid(info.st_gid).gr_name == NGINX_WORKER_USER
            # The responders: -u/-g applied, supplementary groups dropped, socket on fd 0.
            for pid in pids:
                assert process_owner(pid) == (RESPONDER_USER, RESPONDER_GROUP)
                assert supplementary_groups(pid) in ([], [str(grp.getgrnam(RESPONDER_GROUP).gr_gid)])
                assert os.readlink(f"/proc/{pid}/fd/0").startswith("socket:")

            nginx.add_claude_telemetry(NGINX_DIR / "claude-telemetry-upstream.conf",
                                       NGINX_DIR / "claude-telemetry-location.conf")
            checked = nginx.test_config()
            assert checked.returncode == 0, checked.stderr.decode(errors="replace")
            nginx.start()
            assert nginx.get(f"{PREFIX}/metrics").status == 200, nginx.logs()
            response = post_fixture(nginx.port, f"{PREFIX}/users/{user}/v1/metrics")
            assert response.status == 200, (response, nginx.logs())
            document = aggregate(data, user)
            assert document["totals"]["totalInputTokens"] == 1700
            assert_delta_totals(document)
            written = data / "users" / user / "aggregate.json"
            assert pwd.getpwuid(written.stat().st_uid).pw_name == RESPONDER_USER
        finally:
            stop_pids(pids_of(tools.responder, str(data)))
        assert not pids_of(tools.responder, str(data))


def connect_as(user: str, path: Path) -> str:
    """Whether `user` (no supplementary groups) may connect to the socket at `path`."""
    entry = pwd.getpwnam(user)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        code = 2
        try:
            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
            code = 0
        except PermissionError:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    return {0: "connected", 1: "denied"}.get(os.waitstatus_to_exitcode(status), "error")


def test_spawn_fcgi_no_fork_for_supervisors(tools, workdir):
    """-n: spawn-fcgi binds the socket and execs the responder in the foreground (runit, s6,
    a container), so the supervisor sees its exit status; SIGTERM stops it cleanly."""
    require_root()
    spawner = spawn_fcgi()
    data = owned_directory(workdir / "data", RESPONDER_USER)
    run = workdir / "run"
    run.mkdir(mode=0o755)
    socket_path = run / "fcgi.sock"
    process = subprocess.Popen([spawner, "-n", "-s", str(socket_path), "-M", "0660", "-U", NGINX_WORKER_USER,
                                "-G", NGINX_WORKER_USER, "-u", RESPONDER_USER, "-g", RESPONDER_GROUP, "--",
                                str(tools.responder), "--data-dir", str(data)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: socket_path.exists(), 10)
        # spawn-fcgi replaced itself with the responder: same pid, now the responder's user.
        assert wait_until(lambda: os.readlink(f"/proc/{process.pid}/exe") == str(tools.responder), 10)
        assert process_owner(process.pid) == (RESPONDER_USER, RESPONDER_GROUP)
        assert fastcgi_status(fastcgi_request(socket_path, cgi_params("GET", f"{PREFIX}/metrics"))) == 200
        assert connect_as(NGINX_WORKER_USER, socket_path) == "connected"
        assert connect_as(RESPONDER_USER, socket_path) == "denied"  # not in the socket's group
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        stderr = process.stderr.read().decode(errors="replace")
        process.stdout.close()
        process.stderr.close()
    assert status == 0, stderr
    assert "stopped" in stderr  # with -n the responder's stderr is the supervisor's
