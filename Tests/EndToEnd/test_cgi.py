"""CGI mode: the responder run directly, with the request in CGI meta-variables and stdin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import pytest

from conftest import FIXTURES, JSON, PREFIX, PROTOBUF, Stack, clean_env, decode_rpc_status, make_root

METRICS_INPUT_TOKENS = 1500 + 200


@pytest.fixture
def cgi_home(tools):
    """A data directory with no server: the admin tool makes the user, CGI runs do the rest."""
    home = Stack(tools=tools, root=make_root("cgi"), responder_args=[])
    home.data.mkdir()
    try:
        yield home
    finally:
        if os.environ.get("E2E_KEEP_TEMP") != "1":
            shutil.rmtree(home.root, ignore_errors=True)


def run_cgi(tools, data_dir, method: str, uri: str, *, body_file=None, content_type: str | None = None,
            content_length: bool = True, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    path, _, query = uri.partition("?")
    env = clean_env({
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "e2e",
        "REQUEST_METHOD": method,
        "REQUEST_URI": uri,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REMOTE_ADDR": "127.0.0.1",
    })
    if content_type:
        env["CONTENT_TYPE"] = content_type
    if body_file is not None and content_length:
        env["CONTENT_LENGTH"] = str(os.path.getsize(body_file))
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    stdin = open(body_file, "rb") if body_file is not None else subprocess.DEVNULL
    try:
        result = subprocess.run([str(tools.responder), "--data-dir", str(data_dir)], stdin=stdin,
                                capture_output=True, timeout=30, env=env)
    finally:
        if body_file is not None:
            stdin.close()
    out = result.stdout
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr.decode(errors='replace')}"
    assert out.startswith(b"Status: "), out[:200]
    head, separator, body = out.partition(b"\r\n\r\n")
    assert separator, f"no blank line after the CGI header block: {out[:300]!r}"
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    if "content-length" in parsed:
        assert int(parsed["content-length"]) == len(body)
    return status, parsed, body


def test_cgi_post_metrics(tools, cgi_home):
    user = cgi_home.add_user("cgi")
    status, headers, body = run_cgi(tools, cgi_home.data, "POST", f"{PREFIX}/users/{user}/v1/metrics",
                                    body_file=FIXTURES / "metrics-delta.pb", content_type=PROTOBUF)
    assert status == 200, body
    assert headers["content-type"] == PROTOBUF
    assert body == b""
    totals = cgi_home.aggregate(user)["totals"]
    assert totals["totalInputTokens"] == METRICS_INPUT_TOKENS
    assert totals["aiAssistedCommits"] == 2
    assert abs(totals["totalTokenCostUsd"] - 0.0127) < 1e-9


def test_cgi_post_without_content_length_reads_to_eof(tools, cgi_home):
    user = cgi_home.add_user("cgi-eof")
    status, _, body = run_cgi(tools, cgi_home.data, "POST", f"{PREFIX}/metrics?user={user}",
                              body_file=FIXTURES / "metrics-delta.json", content_type=JSON, content_length=False)
    assert status == 200, body
    assert json.loads(body) == {}
    assert cgi_home.aggregate(user)["totals"]["totalInputTokens"] == METRICS_INPUT_TOKENS


@pytest.mark.parametrize("signal", ["metrics", "logs"])
def test_cgi_health(tools, cgi_home, signal):
    status, headers, body = run_cgi(tools, cgi_home.data, "GET", f"{PREFIX}/{signal}")
    assert status == 200, body
    assert headers["content-type"].startswith(JSON)
    health = json.loads(body)
    assert health["status"] == "ok"
    assert health["signal"] == signal


def test_cgi_unknown_user(tools, cgi_home):
    """A well-formed id no user has is kept (parked under it), also in CGI mode; no user is created."""
    cgi_home.add_user("someone")
    unknown = str(uuid.uuid4())
    status, headers, body = run_cgi(tools, cgi_home.data, "POST", f"{PREFIX}/users/{unknown}/v1/metrics",
                                    body_file=FIXTURES / "metrics-delta.pb", content_type=PROTOBUF)
    assert status == 200, body
    assert headers["content-type"] == PROTOBUF
    assert not (cgi_home.data / "users" / unknown).exists()
    assert (cgi_home.data / "attribution" / "parked" / f"{unknown}.log").is_file()
