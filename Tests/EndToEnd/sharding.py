"""A front nginx with nginx/claude-telemetry-sharded.conf in front of several shards (each an
ordinary stack: nginx + responder + its own data directory), all on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from conftest import LOOPBACK, PREFIX, REPO, free_port, make_root

SHARDED_CONF = REPO / "nginx" / "claude-telemetry-sharded.conf"


class FrontNginx:
    def __init__(self) -> None:
        self.root = make_root("front")
        self.port = 0
        (self.root / "temp").mkdir()

    @property
    def conf(self) -> Path:
        return self.root / "nginx.conf"

    def render(self, shard_ports: list[int]) -> None:
        """The shipped file, with its example `server` lines replaced by the shards and its
        `listen 80` by this port; everything else used as shipped."""
        text = SHARDED_CONF.read_text()
        servers = "".join(f"    server {LOOPBACK}:{port};\n" for port in shard_ports)
        text, count = re.subn(r"(?m)^    server 192\.0\.2\.\d+:80;\n", "", text)
        assert count == 2, "the shipped upstream should list two example shards"
        text = text.replace("    keepalive 16;\n", servers + "    keepalive 16;\n")
        text = text.replace("listen 80;", f"listen {LOOPBACK}:{self.port};")
        (self.root / "sharded.conf").write_text(text)
        temp = self.root / "temp"
        self.conf.write_text(f"""worker_processes 1;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {self.root}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.root}/sharded.conf;
}}
""")

    def start(self, shard_ports: list[int]) -> None:
        self.port = free_port()
        self.render(shard_ports)
        subprocess.run(["nginx", "-t", "-c", str(self.conf)], check=True, capture_output=True, timeout=30)
        subprocess.run(["nginx", "-c", str(self.conf)], check=True, capture_output=True, timeout=30)
        for _ in range(50):
            if (self.root / "nginx.pid").exists():
                return
            time.sleep(0.1)
        raise RuntimeError((self.root / "error.log").read_text())

    def reload(self, shard_ports: list[int]) -> None:
        """Same port, new shard list; waits until a new worker answers with the new list."""
        self.render(shard_ports)
        subprocess.run(["nginx", "-t", "-c", str(self.conf)], check=True, capture_output=True, timeout=30)
        subprocess.run(["nginx", "-c", str(self.conf), "-s", "reload"], check=True, capture_output=True, timeout=30)
        time.sleep(1.0)

    def stop(self) -> None:
        pid_file = self.root / "nginx.pid"
        if pid_file.exists():
            subprocess.run(["nginx", "-c", str(self.conf), "-s", "quit"], capture_output=True, timeout=30)
            for _ in range(50):
                if not pid_file.exists():
                    break
                time.sleep(0.1)
        if os.environ.get("E2E_KEEP_TEMP") != "1":
            shutil.rmtree(self.root, ignore_errors=True)

    def request(self, method: str, target: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def shard_of(self, user: str) -> str:
        """Which shard (`127.0.0.1:PORT`) the front sends this user's requests to."""
        status, headers, body = self.request("GET", f"{PREFIX}/metrics?user={user}")
        assert status == 200, (status, body[:200])
        return headers["x-claude-telemetry-shard"]


def sessions_body(count: int, when_ns: int) -> bytes:
    """One OTLP/JSON delta point of claude_code.session.count."""
    return json.dumps({"resourceMetrics": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "claude-code"}}]},
        "scopeMetrics": [{"scope": {"name": "com.anthropic.claude_code"}, "metrics": [{
            "name": "claude_code.session.count", "unit": "count",
            "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [{
                "startTimeUnixNano": str(when_ns - 1_000_000_000), "timeUnixNano": str(when_ns),
                "asDouble": count}]}}]}]}]}).encode()


def place_user(front: FrontNginx, shards: dict[str, object], name: str) -> tuple[str, str]:
    """The documented recipe for a new user: `user add` on any shard, ask the front which shard
    owns the id, and move the user there with `user export` / `user import` / `user remove`.
    Returns (user id, owning shard address)."""
    first_address, first = next(iter(shards.items()))
    user = first.add_user(name)
    owner = front.shard_of(user)
    if owner != first_address:
        exported = first.admin("user", "export", user)
        assert exported.returncode == 0, exported.stderr
        export_file = first.root / f"{user}.json"
        export_file.write_bytes(exported.stdout)
        imported = shards[owner].admin("user", "import", str(export_file))
        assert imported.returncode == 0, imported.stderr
        removed = first.admin("user", "remove", "--yes", user)
        assert removed.returncode == 0, removed.stderr
    return user, owner
