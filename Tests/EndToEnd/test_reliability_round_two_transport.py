"""The transport under a hostile or broken peer (issue #11, round two): raw FastCGI connections
straight to the responder's socket, next to nginx, and the responder run as CGI.

- Idle connections (silent, or FCGI_BEGIN_REQUEST only, or kept open after a request) cost a
  worker at most --request-timeout-ms: health checks keep being answered.
- A slow peer is cut off at the deadline, however it trickles (parameters or body).
- A body is applied only when it is exactly CONTENT_LENGTH: a POST without one is 411, a longer
  body and records of another request id are refused, and nothing is stored.
- The parameter block is bounded (48 KiB): a huge one is refused without being read whole.
- Two X-User-Id headers, through nginx or as repeated FastCGI parameters, are 400.
- The memory budget answers 503 + Retry-After at once, before reading the body.
- CGI: a GET reads no body, and a POST without a length waits at most the timeout.

Every refusal leaves the data directory byte for byte unchanged and the responders alive.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CLIENTS, PREFIX, PROTOBUF, clean_env, curl, decode_rpc_status, started_stack

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402
from telemetry_testing.fastcgi import (  # noqa: E402
    KEEP_CONN, PARAMS, STDIN, begin, cgi_params, pair, params_records, read_answer, record, stdin_records,
)

THREADS = 2
TIMEOUT_MS = 1500
TIMEOUT = TIMEOUT_MS / 1000
BUDGET = 8 * 1024 * 1024  # a body charges 3 x its length: one of 3 MiB fills it


@pytest.fixture(scope="module")
def transport_stack(tools):
    yield from started_stack(tools, "transport", [
        "--threads", str(THREADS), "--request-timeout-ms", str(TIMEOUT_MS), "--memory-budget-bytes", str(BUDGET)])


@pytest.fixture(scope="module")
def user(transport_stack):
    return transport_stack.add_user("transport")


@pytest.fixture(autouse=True)
def responders_survive(request):
    yield
    if "transport_stack" in request.fixturenames:
        request.getfixturevalue("transport_stack").assert_alive()


# --- raw FastCGI -------------------------------------------------------------------------------


def connect(stack, timeout: float = 30) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(str(stack.run / "fcgi.sock"))
    return sock


def message_of(stdout: bytes) -> str:
    """The google.rpc.Status message of an error answer, in either encoding."""
    head, _, payload = stdout.partition(b"\r\n\r\n")
    if b"application/json" in head:
        import json
        return json.loads(payload)["message"]
    return decode_rpc_status(payload)["message"]


def exchange(stack, payload: bytes, *, timeout: float = 30) -> tuple[int | None, bytes, bool]:
    with connect(stack, timeout) as sock:
        sock.sendall(payload)
        return read_answer(sock)


def post_params(path: str, body: bytes, *, length: int | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    params = cgi_params("POST", PREFIX + path, body, PROTOBUF)
    if length is None:
        del params["CONTENT_LENGTH"]
    else:
        params["CONTENT_LENGTH"] = str(length)
    params.update(extra or {})
    return params


def closed_by_peer_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the responder closed `sock` (reads return b"" or reset), None if it
    stayed open that long."""
    started = time.monotonic()
    sock.settimeout(0.1)
    while time.monotonic() - started < seconds:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - started
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - started
    return None


def unchanged(stack):
    """Context: the data directory must be byte for byte the same afterwards."""
    class Guard:
        def __enter__(self):
            self.before = stack.snapshot()

        def __exit__(self, *exc):
            if exc[0] is None:
                after = stack.snapshot()
                changed = sorted(n for n in set(self.before) | set(after) if self.before.get(n) != after.get(n))
                assert not changed, f"a refused request changed the data directory: {changed}"
    return Guard()


def health_seconds(stack) -> float:
    started = time.monotonic()
    response = curl(f"{stack.base}/metrics")
    assert response.status == 200, response
    return time.monotonic() - started


# --- defect 2: idle and slow connections --------------------------------------------------------


@pytest.mark.parametrize("opening", ["silent", "begin-only", "half-a-header"])
def test_idle_connections_cost_a_worker_at_most_the_timeout(transport_stack, opening):
    """As many idle connections as the responder has threads: health checks are still answered
    within about the timeout, and every idle connection is closed by the responder."""
    stack = transport_stack
    sent = {"silent": b"", "begin-only": begin(), "half-a-header": begin()[:5]}[opening]
    idle = []
    try:
        for _ in range(THREADS):
            sock = connect(stack)
            sock.sendall(sent)
            idle.append(sock)
        time.sleep(0.3)  # the accepting thread holds them all, and no worker
        seconds = health_seconds(stack)
        assert seconds < TIMEOUT + 2.5, f"health check took {seconds:.1f} s with {THREADS} idle connections"
        for sock in idle:
            closed = closed_by_peer_within(sock, TIMEOUT + 2)
            assert closed is not None, "the responder kept an idle connection open past the timeout"
    finally:
        for sock in idle:
            sock.close()
    print(f"{opening}: health answered in {seconds:.2f} s with {THREADS} idle connections")


def test_trickled_parameters_are_cut_off_at_the_deadline(transport_stack, user):
    """A peer sending its parameters a byte at a time (each read succeeds) is cut off once the
    whole request is overdue, not after the last byte."""
    stack = transport_stack
    payload = begin() + params_records(post_params(f"/users/{user}/v1/metrics", b"x", length=1))
    with connect(stack) as sock:
        started = time.monotonic()
        cut = None
        for byte in payload:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut = time.monotonic() - started
                break
            if closed_by_peer_within(sock, 0.2) is not None:
                cut = time.monotonic() - started
                break
        assert cut is not None, f"the responder read {len(payload)} trickled bytes to the end"
        assert cut < TIMEOUT + 1.5, f"cut off after {cut:.1f} s"


def test_trickled_body_is_answered_408_at_the_deadline(transport_stack, user):
    stack = transport_stack
    body = batches.metrics_batch("trickle", 1)
    with unchanged(stack), connect(stack) as sock:
        sock.sendall(begin() + params_records(post_params(f"/users/{user}/v1/metrics", body, length=len(body))))
        started = time.monotonic()
        answer: dict = {}

        def reader():
            answer["value"] = read_answer(sock)
            answer["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        stdin = stdin_records(body)
        for byte in stdin:
            if not thread.is_alive():
                break
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.05)
        thread.join(timeout=TIMEOUT + 3)
        assert "value" in answer, "no answer to a trickled body"
        status, stdout, _ = answer["value"]
        assert status == 408, stdout[:300]
        assert "did not arrive within" in message_of(stdout)
        assert answer["seconds"] < TIMEOUT + 1.5, f"answered after {answer['seconds']:.1f} s"


def test_kept_connection_idle_is_closed_after_the_timeout(transport_stack, user):
    """FastCGI keep-conn: the request is answered, then the idle connection is closed after the
    timeout instead of holding its worker."""
    stack = transport_stack
    body = batches.metrics_batch("keep-conn", 1)
    with connect(stack) as sock:
        sock.sendall(begin(flags=KEEP_CONN) + params_records(post_params(f"/users/{user}/v1/metrics", body, length=len(body)))
                     + stdin_records(body))
        status, stdout, ended = read_answer(sock)
        assert status == 200 and ended, stdout[:300]
        closed = closed_by_peer_within(sock, TIMEOUT + 2)
        assert closed is not None and closed < TIMEOUT + 1.5, f"kept connection still open ({closed})"
    assert stack.aggregate(user)["totals"]["totalInputTokens"] == batches.input_value("keep-conn", 1)


# --- defect 7 and risk (c): the body is exactly CONTENT_LENGTH ---------------------------------------


def two_batches() -> tuple[bytes, bytes]:
    """Two protobuf batches; concatenated they are one valid request (repeated fields append),
    so a body missing either one still decodes."""
    return batches.metrics_batch("cut-body", 1), batches.metrics_batch("cut-body", 2)


def test_post_without_content_length_is_411(transport_stack, user):
    stack = transport_stack
    first, second = two_batches()
    with unchanged(stack):
        status, stdout, _ = exchange(stack, begin() + params_records(post_params(f"/users/{user}/v1/metrics", first))
                                     + stdin_records(first + second))
        assert status == 411, stdout[:300]
        assert "Content-Length" in message_of(stdout)


@pytest.mark.parametrize("declared", ["none", "full"])
def test_zero_length_record_of_another_request_never_cuts_the_body(transport_stack, user, declared):
    """The issue's reproduction: an empty FCGI_STDIN record of request id 2 makes libfcgi skip
    the next record of request 1. Sent after the parameters (so libfcgi meets it while reading
    the body), the cut body is refused, never applied."""
    stack = transport_stack
    first, second = two_batches()
    length = None if declared == "none" else len(first) + len(second)
    with unchanged(stack), connect(stack) as sock:
        sock.sendall(begin() + params_records(post_params(f"/users/{user}/v1/metrics", first, length=length)))
        time.sleep(0.3)
        sock.sendall(record(STDIN, b"", 2) + record(STDIN, first) + record(STDIN, second) + record(STDIN, b""))
        status, stdout, _ = read_answer(sock)
    assert status == (411 if declared == "none" else 400), stdout[:300]


def test_records_of_another_request_with_the_parameters_are_refused(transport_stack, user):
    stack = transport_stack
    first, second = two_batches()
    body = first + second
    with unchanged(stack):
        status, stdout, _ = exchange(stack, begin() + params_records(post_params(f"/users/{user}/v1/metrics", body, length=len(body)))
                                     + record(STDIN, b"", 2) + stdin_records(body))
    assert status == 400, stdout[:300]
    assert "another request" in message_of(stdout)


def test_content_length_shorter_than_the_body_is_refused(transport_stack, user):
    stack = transport_stack
    first, second = two_batches()
    with unchanged(stack):
        status, stdout, _ = exchange(stack, begin() + params_records(post_params(f"/users/{user}/v1/metrics", first, length=len(first)))
                                     + stdin_records(first + second))
    assert status == 400, stdout[:300]
    assert "longer than its declared Content-Length" in message_of(stdout)


def test_exact_length_still_applies(transport_stack, user):
    stack = transport_stack
    first, second = two_batches()
    before = stack.aggregate(user)["totals"].get("totalInputTokens", 0) if stack.aggregate_path(user).exists() else 0
    body = first + second
    status, stdout, _ = exchange(stack, begin() + params_records(post_params(f"/users/{user}/v1/metrics", body, length=len(body)))
                                 + stdin_records(body))
    assert status == 200, stdout[:300]
    after = stack.aggregate(user)["totals"]["totalInputTokens"]
    assert after - before == batches.input_value("cut-body", 1) + batches.input_value("cut-body", 2)


# --- risk (d): the parameter block is bounded ---------------------------------------------------


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_parameter_block_over_48_kib_is_refused_431(transport_stack, user):
    stack = transport_stack
    params = post_params(f"/users/{user}/v1/metrics", b"x", length=1, extra={"HTTP_X_PADDING": "p" * 70_000})
    with unchanged(stack):
        status, stdout, _ = exchange(stack, begin() + params_records(params))
    assert status == 431, stdout[:300]
    assert "exceed" in message_of(stdout)


def test_parameter_flood_is_never_read_whole(transport_stack, user):
    """32 MiB of parameters: refused after 48 KiB, and the responder's high-water mark does not
    grow with it (libfcgi alone allocated the whole block)."""
    stack = transport_stack
    pids = stack.responder_pids()
    before = {pid: vm_hwm_kib(pid) for pid in pids}
    chunk = record(PARAMS, pair("HTTP_X_FLOOD", "f" * 60_000))
    with connect(stack, timeout=10) as sock:
        sock.sendall(begin())
        sent = 0
        try:
            while sent < 32 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        status, stdout, _ = read_answer(sock)
    grown = {pid: vm_hwm_kib(pid) - before[pid] for pid in pids}
    print(f"parameter flood: sent {sent} bytes, answer {status}, VmHWM growth {grown} KiB")
    assert status == 431, stdout[:300]
    assert max(grown.values()) < 8 * 1024, f"the responder's high-water mark grew by {grown} KiB"


# --- risk (b): one user per X-User-Id ---------------------------------------------------------------


def test_two_x_user_id_headers_through_nginx_are_400(transport_stack, user):
    """nginx before 1.23 passes each header line as its own parameter; 1.23 and later join them
    with ", ". Either way the request names two users and is refused."""
    stack = transport_stack
    other = stack.add_user("transport-other")
    version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    for first, second in ((user, other), (user, user)):
        body = batches.metrics_batch("dup-header", 1)
        with unchanged(stack):
            connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=15)
            try:
                connection.putrequest("POST", f"{PREFIX}/v1/metrics")
                connection.putheader("Content-Type", PROTOBUF)
                connection.putheader("Content-Length", str(len(body)))
                connection.putheader("X-User-Id", first)
                connection.putheader("X-User-Id", second)
                connection.endheaders(body)
                response = connection.getresponse()
                status, payload = response.status, response.read()
            finally:
                connection.close()
        assert status == 400, (version, status, payload[:300])
        assert "more than one user" in decode_rpc_status(payload)["message"]
    print(f"{version}: two X-User-Id headers answered 400")


@pytest.mark.parametrize("shape", ["repeated-parameter", "joined"])
def test_two_x_user_id_parameters_are_400(transport_stack, user, shape):
    stack = transport_stack
    other = stack.add_user(f"transport-{shape}")
    body = batches.metrics_batch("dup-param", 1)
    params = list(post_params("/v1/metrics", body, length=len(body)).items())
    if shape == "repeated-parameter":
        params += [("HTTP_X_USER_ID", user), ("HTTP_X_USER_ID", other)]
    else:
        params += [("HTTP_X_USER_ID", f"{user}, {other}")]
    with unchanged(stack):
        status, stdout, _ = exchange(stack, begin() + params_records(params) + stdin_records(body))
    assert status == 400, stdout[:300]
    assert "more than one user" in message_of(stdout)


# --- risk (a): the memory budget -----------------------------------------------------------------


def test_memory_budget_refuses_503_before_reading_the_body(transport_stack, user):
    """One 3 MiB body in flight (charged 9 MiB of an 8 MiB budget, admitted because it is alone)
    holds the budget; a second POST is answered 503 + Retry-After at once, although not a byte
    of its body was sent. Once the first is done, the second is accepted."""
    stack = transport_stack
    big = batches.metrics_batch("budget", 1)
    # Padded to 3 MiB with field 99 (length-delimited), which the decoder skips as unknown.
    padding = 3 * 1024 * 1024
    big_body = big + bytes([0x9A, 0x06]) + batches.varint(padding) + b"u" * padding
    holder = connect(stack)
    try:
        stdin = stdin_records(big_body)
        holder.sendall(begin() + params_records(post_params(f"/users/{user}/v1/metrics", big_body, length=len(big_body)))
                       + stdin[:65536])
        time.sleep(0.2)
        small = batches.metrics_batch("budget", 2)
        with connect(stack) as second:
            started = time.monotonic()
            second.sendall(begin() + params_records(post_params(f"/users/{user}/v1/metrics", small, length=len(small))))
            status, stdout, _ = read_answer(second)
            seconds = time.monotonic() - started
        head = stdout.partition(b"\r\n\r\n")[0].decode()
        assert status == 503, stdout[:300]
        assert "Retry-After: 1" in head, head
        assert "memory budget" in message_of(stdout)
        assert seconds < 1.0, f"the refusal took {seconds:.2f} s"
        holder.sendall(stdin[65536:])
        status, stdout, _ = read_answer(holder)
        assert status == 200, stdout[:300]
    finally:
        holder.close()
    status, stdout, _ = exchange(stack, begin() + params_records(post_params(f"/users/{user}/v1/metrics", small, length=len(small)))
                                 + stdin_records(small))
    assert status == 200, stdout[:300]


# --- risk (e): CGI mode ---------------------------------------------------------------------------


def run_cgi(tools, data: Path, method: str, *, length: str | None, user: str = "", timeout_ms: int = 1000) -> tuple[bytes, float]:
    """Runs the responder as CGI with stdin a pipe that is never closed."""
    query = f"user={user}" if user else ""
    env = {"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": method,
           "REQUEST_URI": f"{PREFIX}/metrics" + (f"?{query}" if query else ""), "SCRIPT_NAME": "",
           "PATH_INFO": f"{PREFIX}/metrics", "QUERY_STRING": query, "CONTENT_TYPE": PROTOBUF}
    if length is not None:
        env["CONTENT_LENGTH"] = length
    # stdin is a pipe whose writing end stays open here until the responder has finished.
    read_end, write_end = os.pipe()
    started = time.monotonic()
    try:
        process = subprocess.Popen([str(tools.responder), "--data-dir", str(data), "--request-timeout-ms", str(timeout_ms)],
                                   stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(env))
        os.close(read_end)
        try:
            stdout, _ = process.communicate(timeout=timeout_ms / 1000 + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError(f"CGI {method} with an open stdin did not finish")
    finally:
        os.close(write_end)
    return stdout, time.monotonic() - started


def test_cgi_get_reads_no_body(transport_stack, tools):
    stdout, seconds = run_cgi(tools, transport_stack.data, "GET", length=None, timeout_ms=30_000)
    assert stdout.startswith(b"Status: 200"), stdout[:200]
    assert seconds < 3, f"a CGI GET waited {seconds:.1f} s for a body"


def test_cgi_post_without_length_waits_at_most_the_timeout(transport_stack, tools, user):
    with unchanged(transport_stack):
        stdout, seconds = run_cgi(tools, transport_stack.data, "POST", length=None, user=user, timeout_ms=1000)
    assert stdout.startswith(b"Status: 408"), stdout[:200]
    assert seconds < 4, f"took {seconds:.1f} s"
