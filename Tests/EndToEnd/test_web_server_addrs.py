"""FCGI_WEB_SERVER_ADDRS, libfcgi's convention, as ConnectionAcceptor.accept keeps it: when the
variable holds a comma-separated list of IPv4 addresses (spaces dropped, compared as dotted
text), a TCP connection from a peer not in it is closed before any record is read or written
and the responder goes on; unset or empty, every peer is served; a unix socket ignores it.

A FastCGI client talks to the responder's own socket (`--socket 127.0.0.1:PORT`), since nginx
would always connect from 127.0.0.1. Sources 127.0.0.1 and 127.0.0.2 are both loopback."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import LOOPBACK, PREFIX, clean_env, free_port, make_root, wait_until
from telemetry_testing.fastcgi import begin, cgi_params, params_records, read_answer, stdin_records

HEALTH = f"{PREFIX}/metrics"
UNSET = None


class Responder:
    def __init__(self, tools, root: Path, addrs: str | None, listen: str):
        self.address = listen
        env = clean_env()
        env.pop("FCGI_WEB_SERVER_ADDRS", None)
        if addrs is not UNSET:
            env["FCGI_WEB_SERVER_ADDRS"] = addrs
        (root / "data").mkdir()
        self.log_path = root / "responder.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(tools.responder), "--socket", listen, "--data-dir", str(root / "data"), "--threads", "2"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=root)

    def started(self) -> bool:
        wait_until(lambda: "listening on" in self.log() or self.process.poll() is not None, 15)
        return self.process.poll() is None and "listening on" in self.log()

    def log(self) -> str:
        return self.log_path.read_bytes().decode("utf-8")

    def assert_alive(self) -> None:
        state = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert self.process.poll() is None and state not in ("Z", "X"), f"responder died:\n{self.log()}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def start(tools):
    """start(addrs, unix=False): a responder with FCGI_WEB_SERVER_ADDRS=addrs (None: unset)."""
    started: list[tuple[Responder, Path]] = []

    def _start(addrs: str | None, unix: bool = False) -> Responder:
        for _ in range(3):  # a free port can be taken between picking and binding
            root = make_root("web-server-addrs")
            listen = str(root / "fcgi.sock") if unix else f"{LOOPBACK}:{free_port()}"
            responder = Responder(tools, root, addrs, listen)
            started.append((responder, root))
            if responder.started():
                return responder
        raise AssertionError(f"the responder did not start:\n{responder.log()}")

    yield _start
    for responder, root in started:
        responder.stop()
        shutil.rmtree(root, ignore_errors=True)


def health(responder: Responder, source: str = LOOPBACK) -> tuple[int | None, bytes, bool]:
    """GET …/metrics on a connection of its own from `source`: (status, stdout, END_REQUEST seen)."""
    if responder.address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(responder.address)
    else:
        host, port = responder.address.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))
    with sock:
        try:
            sock.sendall(begin() + params_records(cgi_params("GET", HEALTH)) + stdin_records(b""))
        except (BrokenPipeError, ConnectionResetError):
            return None, b"", False
        return read_answer(sock)


def assert_health_answer(answer: tuple[int | None, bytes, bool]) -> None:
    status, stdout, ended = answer
    head, _, body = stdout.partition(b"\r\n\r\n")
    assert (status, ended) == (200, True), stdout[:300]
    assert b"\r\nContent-Type: application/json\r\n" in head + b"\r\n", head
    document = json.loads(body)
    assert (document["status"], document["signal"]) == ("ok", "metrics"), document
    assert {"claude_code.token.usage", "claude_code.cost.usage"} <= {m["name"] for m in document["metrics"]}


def assert_closed_unanswered(responder: Responder, source: str = LOOPBACK) -> None:
    """The request gets no record at all, and a silent connection is closed at once (served, it
    would wait for its parameters until the 10 s request timeout)."""
    before = len(responder.log())
    assert health(responder, source) == (None, b"", False)
    host, port = responder.address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5, source_address=(source, 0)) as sock:
        assert sock.recv(1) == b""
    responder.assert_alive()
    added = responder.log()[before:]
    assert "method=" not in added, added  # no request reached a worker
    # The responder logs nothing for it now; a line it may log must name the peer as text.
    assert all(line.isprintable() and source in line for line in added.splitlines()), added


@pytest.mark.parametrize("addrs", [
    "127.0.0.1", "10.0.0.9,127.0.0.1", " 10.0.0.9 , 127.0.0.1 ", "127.0.0.1,,10.0.0.9", UNSET, "",
], ids=["only-it", "second-of-two", "with-spaces", "empty-entry", "unset", "empty-means-unset"])
def test_an_allowed_peer_gets_the_health_answer(start, addrs):
    responder = start(addrs)
    assert_health_answer(health(responder))
    responder.assert_alive()


@pytest.mark.parametrize("addrs", ["10.0.0.9", "localhost", "127.0.0.1/8", " ", ",", ",,"],
                         ids=["another-address", "a-name", "cidr", "blank-entry", "only-a-comma", "only-commas"])
def test_a_peer_not_in_the_list_is_closed_without_records(start, addrs):
    # Names and CIDR ranges are not addresses: they match no peer, as with libfcgi's inet_addr.
    # A list of nothing but commas names no one: a mistyped list must not switch the check off.
    assert_closed_unanswered(start(addrs))


def test_one_responder_refuses_one_loopback_source_and_serves_another(start):
    responder = start("127.0.0.2")
    assert_closed_unanswered(responder, "127.0.0.1")
    assert_health_answer(health(responder, "127.0.0.2"))
    # The served request's log line is written after its answer: wait for it, so that the next
    # check counts only what the refused connection adds.
    assert wait_until(lambda: responder.log().count("method=GET") == 1, 10), responder.log()
    assert_closed_unanswered(responder, "127.0.0.1")
    assert_health_answer(health(responder, "127.0.0.2"))
    assert wait_until(lambda: responder.log().count("method=GET") == 2, 10), responder.log()


def test_a_unix_socket_ignores_the_list(start):
    responder = start("10.0.0.9", unix=True)
    assert_health_answer(health(responder))
    responder.assert_alive()
