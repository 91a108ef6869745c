"""An nginx that already serves a site gets the two shipped snippets added, unchanged, through
include lines, as docs/deployment.md describes: nginx -t, nginx -s reload, and both the old
location and the receiver answer.

The responder runs on the very path the upstream snippet names, /run/claude-telemetry/fcgi.sock,
set up the way the shipped socket unit sets it up (root:www-data 0660 in a 0755 directory,
the listening socket as the responder's fd 0), running as an unprivileged user that owns the
data directory. nginx's workers run as www-data, as in Debian's nginx.conf."""

from __future__ import annotations

from conftest import (
    NGINX_DIR, NGINX_WORKER_USER, PREFIX, SYSTEMD_DIR, activate_like_systemd, add_user, aggregate,
    assert_delta_totals, http, owned_directory, post_fixture, process_owner, production_socket_path,
    require_root, stop_activated, tail,
)

RESPONDER_USER = "nobody"  # stands in for the unit's claude-telemetry user


def test_snippets_added_to_an_existing_server(tools, workdir, nginx):
    require_root()
    # 1. The existing site.
    nginx.start()
    hello = nginx.get("/")
    assert (hello.status, hello.body) == (200, b"hello\n")
    assert nginx.get(f"{PREFIX}/metrics").status == 200  # falls into location / for now
    assert nginx.get(f"{PREFIX}/metrics").body == b"hello\n"
    workers = nginx.worker_pids()
    assert workers and all(process_owner(pid)[0] == NGINX_WORKER_USER for pid in workers)

    data = owned_directory(workdir / "data", RESPONDER_USER)
    with production_socket_path() as socket_path:
        # 2. The responder on the path of the upstream snippet, as the socket unit creates it.
        responder = activate_like_systemd(
            SYSTEMD_DIR / "claude-telemetry.socket", SYSTEMD_DIR / "claude-telemetry.service",
            responder=tools.responder, data_dir=data, run_as=RESPONDER_USER, log=workdir / "responder.log")
        try:
            assert socket_path.is_socket()
            user = add_user(tools, data, RESPONDER_USER, "nginx-existing")

            # 3. The two include lines, the snippets unchanged.
            nginx.add_claude_telemetry(NGINX_DIR / "claude-telemetry-upstream.conf",
                                       NGINX_DIR / "claude-telemetry-location.conf")
            checked = nginx.test_config()
            assert checked.returncode == 0, checked.stderr.decode(errors="replace")
            assert b"syntax is ok" in checked.stderr and b"test is successful" in checked.stderr
            nginx.reload()  # returns once the old workers are gone

            # 4. The old location still answers, and the receiver does too.
            hello = nginx.get("/")
            assert (hello.status, hello.body) == (200, b"hello\n")
            health = nginx.get(f"{PREFIX}/metrics")
            assert health.status == 200 and health.headers["content-type"].startswith("application/json")
            health.json()

            response = post_fixture(nginx.port, f"{PREFIX}/users/{user}/v1/metrics")
            assert response.status == 200, (response, nginx.logs(), tail(responder.log))
            assert response.headers["content-type"] == "application/x-protobuf"
            document = aggregate(data, user)
            assert document["totals"]["totalInputTokens"] == 1700
            assert_delta_totals(document)

            # The new workers still run as www-data; the files belong to the responder's user.
            assert all(process_owner(pid)[0] == NGINX_WORKER_USER for pid in nginx.worker_pids())
            aggregate_file = data / "users" / user / "aggregate.json"
            assert process_owner(responder.process.pid)[0] == RESPONDER_USER
            assert aggregate_file.stat().st_uid == data.stat().st_uid
            assert oct(aggregate_file.stat().st_mode & 0o777) == "0o640"
        finally:
            status, _ = stop_activated(responder, timeout=20)
        assert status == 0, tail(responder.log)
        assert "stopped" in responder.log.read_text()
    # With the responder gone, nginx still serves the rest and answers the receiver's paths with
    # what Claude Code retries (503 + Retry-After: 1), never a status it drops.
    assert nginx.get("/").status == 200
    gone = http(nginx.port, "GET", f"{PREFIX}/metrics")
    assert gone.status == 503 and gone.headers.get("retry-after") == "1", gone
