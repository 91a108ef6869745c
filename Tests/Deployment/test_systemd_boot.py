"""The shipped units under a real systemd: systemd (this machine's own /lib/systemd/systemd)
runs as PID 1 of throwaway namespaces and starts claude-telemetry.socket and .service,
unchanged, with every hardening setting in force.

The namespaces (unshare: pid, mount, cgroup, network, uts, ipc) keep it away from the host:
in their private mount namespace, /run, /var/lib, /var/log/journal and /etc/systemd/system
are empty tmpfs, /lib/systemd/system holds only the two units, journald and the few targets
they need, /etc/passwd and /etc/group are copies with a `claude-telemetry` system user added
(as docs/deployment.md tells people to create it), and /usr/local/bin holds the binaries under
test, so ExecStart= is used as shipped. systemd gets a cgroup of its own (cgroup namespace)
that is removed afterwards.

Skipped, with the reason, where that cannot be set up: not root, no systemd binary, no
cgroup2, or namespaces refused."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, PREFIX, REPO, SYSTEMD_DIR, require_root, tail, wait_until, which

SYSTEMD = Path("/lib/systemd/systemd")
LIB_UNITS = Path("/lib/systemd/system")
HELPER_UNITS = ["systemd-journald.service", "systemd-journald.socket", "systemd-journald-dev-log.socket",
                "systemd-journald-audit.socket", "sysinit.target", "basic.target", "sockets.target",
                "shutdown.target", "paths.target", "timers.target", "slices.target", "local-fs.target",
                "swap.target"]
SERVICE = "claude-telemetry.service"
SOCKET = "claude-telemetry.socket"
SOCKET_PATH = "/run/claude-telemetry/fcgi.sock"
ENV_DIR = "/etc/claude-telemetry"
ENV_FILE = ENV_DIR + "/claude-telemetry.env"
DATA = "/var/lib/claude-telemetry"
SYSTEM_PYTHON = "/usr/bin/python3"  # readable by every user, unlike a venv under /root


def cgroup2_mount() -> Path | None:
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        if right.split()[:1] == ["cgroup2"]:
            return Path(left.split()[4])
    return None


def free_id(*files: str) -> int:
    taken = set()
    for name in files:
        for line in Path(name).read_text().splitlines():
            fields = line.split(":")
            if len(fields) > 2 and fields[2].isdigit():
                taken.add(int(fields[2]))
    return next(n for n in range(999, 100, -1) if n not in taken)


@dataclass
class Booted:
    root: Path
    pid1: int
    log: Path

    def run(self, *command: str, user: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
        """A command inside the namespaces (as `user`, without supplementary groups)."""
        prefix = ["nsenter", "-t", str(self.pid1), "-m", "-p", "-n", "--"]
        if user:
            group = "nogroup" if user == "nobody" else user  # each user's primary group
            prefix += ["setpriv", f"--reuid={user}", f"--regid={group}", "--clear-groups", "--"]
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"})

    def systemctl(self, *args: str) -> str:
        return self.run("systemctl", "--no-pager", *args).stdout.strip()

    def show(self, unit: str, prop: str) -> str:
        return self.systemctl("show", unit, "-p", prop, "--value")

    def request(self, user: str, method: str, uri: str, body: Path | None = None) -> tuple[str, str]:
        args = [SYSTEM_PYTHON, str(self.root / "fcgi_client.py"), SOCKET_PATH, method, uri]
        if body is not None:
            args.append(str(body))
        result = self.run(*args, user=user)
        status, _, payload = result.stdout.partition("\n")
        return status or result.stderr, payload

    def journal(self) -> str:
        return self.run("journalctl", "--no-pager", "-o", "cat", "-u", SERVICE).stdout


@pytest.fixture
def booted(tools, workdir):
    require_root()
    for needed in (SYSTEMD, Path("/lib/systemd/systemd-journald"), Path(SYSTEM_PYTHON)):
        if not needed.exists():
            pytest.skip(f"{needed} is not installed")
    for command in ("unshare", "nsenter", "setpriv", "systemctl", "journalctl"):
        if not which(command):
            pytest.skip(f"{command} is not installed")
    hierarchy = cgroup2_mount()
    if hierarchy is None:
        pytest.skip("no cgroup2 hierarchy is mounted: systemd cannot be given a cgroup of its own")

    # The unit's environment file lives on a tmpfs of the namespace; its mount point is made
    # here if the host has none, and removed again.
    made_env_dir = not Path(ENV_DIR).exists()
    Path(ENV_DIR).mkdir(exist_ok=True)
    boot = workdir / "boot"
    units = boot / "units"
    units.mkdir(parents=True)
    for name in HELPER_UNITS:
        if (LIB_UNITS / name).exists():
            shutil.copy(LIB_UNITS / name, units / name)
    shutil.copy(SYSTEMD_DIR / SOCKET, units / SOCKET)  # unchanged
    shutil.copy(SYSTEMD_DIR / SERVICE, units / SERVICE)  # unchanged
    (units / "deploytest.target").write_text(
        "[Unit]\nDescription=claude-telemetry deployment test\nRequires=systemd-journald.socket "
        f"{SOCKET}\nAfter=systemd-journald.socket {SOCKET}\n")
    bin_dir = boot / "usr-local-bin"
    bin_dir.mkdir()
    for binary in (tools.responder, tools.admin):
        shutil.copy(binary, bin_dir / binary.name)
    number = free_id("/etc/passwd", "/etc/group")
    (boot / "passwd").write_text(Path("/etc/passwd").read_text()
                                 + f"claude-telemetry:x:{number}:{number}::{DATA}:/usr/sbin/nologin\n")
    (boot / "group").write_text(Path("/etc/group").read_text() + f"claude-telemetry:x:{number}:\n")
    shutil.copy(REPO / "Tests" / "telemetry_testing" / "fastcgi.py", boot / "fcgi_client.py")
    inside = boot / "inside.sh"
    inside.write_text(f"""#!/bin/bash
set -e
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount --bind {units} {LIB_UNITS}
mount -t tmpfs tmpfs /etc/systemd/system
mount -t tmpfs tmpfs /var/lib
mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal
mount --bind {boot}/passwd /etc/passwd
mount --bind {boot}/group /etc/group
mount --bind {bin_dir} /usr/local/bin
mount -t tmpfs -o mode=0755 tmpfs {ENV_DIR}
ip link set lo up 2>/dev/null || true
exec env -i container=claude-telemetry-deploytest PATH=/usr/sbin:/usr/bin:/sbin:/bin \\
    {SYSTEMD} --unit=deploytest.target --log-target=console --show-status=no
""")
    inside.chmod(0o755)
    cgroup = hierarchy / f"claude-telemetry-deploytest-{os.getpid()}-{time.monotonic_ns()}"
    cgroup.mkdir()
    log = workdir / "systemd.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", 'echo $$ > "$0/cgroup.procs" && exec unshare --fork --pid --mount --uts --ipc --net '
             '--cgroup --mount-proc "$1"', str(cgroup), str(inside)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    pid1 = None
    try:
        def find_pid1() -> int | None:
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            with contextlib.suppress(OSError):
                found = children.read_text().split()
                if found and os.readlink(f"/proc/{found[0]}/exe") == str(SYSTEMD.resolve()):
                    return int(found[0])
            return None

        if not wait_until(lambda: find_pid1() is not None or process.poll() is not None, 15) or process.poll():
            pytest.skip(f"systemd could not be started in namespaces here:\n{tail(log)}")
        pid1 = find_pid1()
        system = Booted(root=boot, pid1=pid1, log=log)
        if not wait_until(lambda: system.systemctl("is-active", SOCKET) == "active", 30):
            raise AssertionError(f"{SOCKET} did not become active: {system.systemctl('status', SOCKET)}\n"
                                 f"{system.systemctl('list-units', '--failed')}\n{tail(log)}")
        yield system
    finally:
        if pid1:
            # Stop the units first (PrivateTmp= directories live in the host's /tmp), then
            # SIGKILL to PID 1 ends every process of the namespace at once.
            with contextlib.suppress(Exception):
                Booted(boot, pid1, log).run("systemctl", "stop", SERVICE, SOCKET, timeout=30)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid1, signal.SIGKILL)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for directory in sorted((p for p in cgroup.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                directory.rmdir()
        with contextlib.suppress(OSError):
            cgroup.rmdir()
        if made_env_dir:
            with contextlib.suppress(OSError):
                Path(ENV_DIR).rmdir()


def test_units_under_real_systemd(booted):
    system = booted
    # The socket unit: root:www-data 0660 in a 0755 directory, and no service yet.
    listing = system.run("stat", "-c", "%U:%G %a %F", SOCKET_PATH, "/run/claude-telemetry").stdout.splitlines()
    assert listing == ["root:www-data 660 socket", "root:root 755 directory"], listing
    assert system.show(SERVICE, "ActiveState") == "inactive"

    # nginx's user connects (and so starts the service); another user is refused.
    assert system.request("www-data", "GET", f"{PREFIX}/metrics")[0] == "200", system.journal() + tail(system.log)
    assert system.request("nobody", "GET", f"{PREFIX}/metrics")[0] == "denied"
    assert system.show(SERVICE, "ActiveState") == "active"
    main_pid = system.show(SERVICE, "MainPID")
    status = system.run("cat", f"/proc/{main_pid}/status").stdout
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    assert fields["Uid"].split()[0] == fields["Gid"].split()[0] == system.run("id", "-u", "claude-telemetry").stdout.strip()
    assert fields["Seccomp"].strip() == "2"  # SystemCallFilter=, MemoryDenyWriteExecute=, ...
    assert fields["NoNewPrivs"].strip() == "1"
    assert fields["CapEff"].strip() == "0000000000000000"
    # StandardInput=socket: fd 0 is the listening socket; the log goes to the journal.
    assert system.run("readlink", f"/proc/{main_pid}/fd/0").stdout.startswith("socket:")
    journal = system.journal()
    assert "listening on fd 0" in journal and f"data in {DATA}" in journal, journal

    # StateDirectory=: /var/lib/claude-telemetry belongs to the service user, 0750.
    assert system.run("stat", "-c", "%U:%G %a", DATA).stdout.strip() == "claude-telemetry:claude-telemetry 750"
    # A user made with the admin tool as the service user, as docs/deployment.md says.
    added = system.run("/usr/local/bin/claude-telemetry", "--data-dir", DATA, "user", "add", "--name", "systemd",
                       "--json", user="claude-telemetry")
    assert added.returncode == 0 and not added.stderr, added.stderr
    user = re.search(r'"id"\s*:\s*"([0-9a-f-]{36})"', added.stdout).group(1)
    fixture = system.root / "metrics-delta.pb"
    shutil.copy(FIXTURES / "metrics-delta.pb", fixture)
    fixture.chmod(0o644)
    assert system.request("www-data", "POST", f"{PREFIX}/users/{user}/v1/metrics", fixture)[0] == "200", \
        system.journal()
    document = system.run("cat", f"{DATA}/users/{user}/aggregate.json").stdout
    assert '"totalInputTokens":1700' in document.replace(" ", ""), document[:500]
    assert "status=200 applied=18" in system.journal()

    # systemctl reload: the master keeps the socket and its PID and replaces its responder (new
    # one first); requests are answered throughout.
    responders_before = system.run("pgrep", "-P", main_pid).stdout.split()
    assert len(responders_before) == 1, responders_before
    reloaded = system.run("systemctl", "reload", SERVICE)
    assert reloaded.returncode == 0, reloaded.stderr
    assert wait_until(lambda: "reload: responders" in system.journal(), 10), system.journal()
    assert system.show(SERVICE, "MainPID") == main_pid
    assert wait_until(lambda: set(system.run("pgrep", "-P", main_pid).stdout.split()).isdisjoint(responders_before)
                      and system.run("pgrep", "-P", main_pid).stdout.split() != [], 10), "the old responder stayed"
    assert system.request("www-data", "GET", f"{PREFIX}/metrics")[0] == "200"

    # A setting changed in the environment file: `systemctl reload` applies it (the master reads
    # the file again), no restart. Started with the unit's 4 threads, the new responder has 3.
    assert ", 4 threads," in system.journal()
    system.run("sh", "-c", f"echo CLAUDE_TELEMETRY_THREADS=3 > {ENV_FILE}")
    responders_before = system.run("pgrep", "-P", main_pid).stdout.split()
    assert system.run("systemctl", "reload", SERVICE).returncode == 0
    assert wait_until(lambda: ", 3 threads," in system.journal(), 10), system.journal()
    assert system.show(SERVICE, "MainPID") == main_pid
    assert wait_until(lambda: set(system.run("pgrep", "-P", main_pid).stdout.split()).isdisjoint(responders_before), 10)
    assert system.request("www-data", "GET", f"{PREFIX}/metrics")[0] == "200", system.journal()
    # A bad value there is refused at reload; the running responder stays and serves.
    system.run("sh", "-c", f"echo CLAUDE_TELEMETRY_THREADS=lots > {ENV_FILE}")
    responders_before = system.run("pgrep", "-P", main_pid).stdout.split()
    assert system.run("systemctl", "reload", SERVICE).returncode == 0
    assert wait_until(lambda: "reload refused, the responders keep running" in system.journal(), 10), system.journal()
    assert system.run("pgrep", "-P", main_pid).stdout.split() == responders_before
    # systemd cleared O_NONBLOCK on the socket running ExecReload=; the master set it again.
    flags = system.run("sh", "-c", f"sed -n 's/^flags:\\t//p' /proc/{main_pid}/fdinfo/0").stdout.strip()
    assert int(flags, 8) & 0o4000, flags
    assert system.request("www-data", "GET", f"{PREFIX}/metrics")[0] == "200", system.journal()
    system.run("rm", "-f", ENV_FILE)

    # systemctl stop: SIGTERM, a clean exit well within TimeoutStopSec=; the socket stays.
    started = time.monotonic()
    stopped = system.run("systemctl", "stop", SERVICE)
    assert stopped.returncode == 0, stopped.stderr
    assert time.monotonic() - started < 5
    assert system.show(SERVICE, "Result") == "success"
    assert system.show(SERVICE, "ExecMainStatus") == "0"
    assert "stopped" in system.journal().splitlines()[-1]
    assert system.systemctl("is-active", SOCKET) == "active"
    # The next connection starts it again.
    assert system.request("www-data", "GET", f"{PREFIX}/logs")[0] == "200"
    assert system.show(SERVICE, "ActiveState") == "active"

    # A crash: Restart=on-failure brings it back after RestartSec=, the socket keeps waiting.
    crashed_pid = system.show(SERVICE, "MainPID")
    system.run("systemctl", "kill", "--signal=SIGKILL", SERVICE)
    assert wait_until(lambda: system.show(SERVICE, "NRestarts") == "1"
                      and system.show(SERVICE, "MainPID") not in ("0", crashed_pid), 15), \
        system.systemctl("status", SERVICE)
    assert system.request("www-data", "POST", f"{PREFIX}/users/{user}/v1/metrics", fixture)[0] == "200"
    assert '"totalInputTokens":1700' in system.run("cat", f"{DATA}/users/{user}/aggregate.json").stdout, \
        "the replayed batch must count once"
