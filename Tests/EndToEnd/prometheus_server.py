"""A real Prometheus server (Debian `prometheus`) on 127.0.0.1 with its data in a temporary
directory, scraping claude-telemetry every second with a bearer token from a file; and
promtool. Installed through scripts/lib.sh when missing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import LOOPBACK, PREFIX, REPO, clean_env, free_port, make_root


def ensure_prometheus() -> None:
    if shutil.which("promtool") and (shutil.which("prometheus") or Path("/usr/bin/prometheus").exists()):
        return
    subprocess.run(["bash", "-c", 'source "$0/scripts/lib.sh" && ensure_packages promtool:prometheus', str(REPO)],
                   check=True, timeout=600, stdin=subprocess.DEVNULL)


def add_token(stack, name: str = "prometheus") -> str:
    """`claude-telemetry token add --name NAME`: the token it prints once."""
    result = stack.admin("token", "add", "--name", name)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    match = re.search(r"ctt_[A-Za-z0-9_-]{20,}", result.stdout.decode())
    assert match, result.stdout
    return match.group(0)


class PrometheusServer:
    """jobs: (job name, 'host:port' targets, bearer token); rule_files: rule files to load."""

    def __init__(self, jobs: list[tuple[str, list[str], str]], rule_files: list[Path] | None = None):
        ensure_prometheus()
        self.root = make_root("prometheus")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        lines = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "  evaluation_interval: 1s"]
        if rule_files:
            lines += ["rule_files:"] + [f"  - {path}" for path in rule_files]
        lines += ["scrape_configs:"]
        for name, targets, token in jobs:
            credentials = self.root / f"{name}.token"
            credentials.write_text(token)
            credentials.chmod(0o600)
            lines += [f"  - job_name: {name}",
                      f"    metrics_path: {PREFIX}/prometheus",
                      "    authorization:",
                      "      type: Bearer",
                      f"      credentials_file: {credentials}",
                      "    static_configs:",
                      "      - targets: [" + ", ".join(f"'{t}'" for t in targets) + "]"]
        (self.root / "prometheus.yml").write_text("\n".join(lines) + "\n")

    def start(self) -> None:
        binary = shutil.which("prometheus") or "/usr/bin/prometheus"
        log = open(self.root / "prometheus.log", "wb")
        self.process = subprocess.Popen(
            [binary, f"--config.file={self.root / 'prometheus.yml'}", f"--storage.tsdb.path={self.root / 'data'}",
             f"--web.listen-address={LOOPBACK}:{self.port}", "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_env(), cwd=self.root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{LOOPBACK}:{self.port}/-/ready", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            assert self.process.poll() is None, self.log()
            time.sleep(0.2)
        raise RuntimeError("prometheus did not become ready:\n" + self.log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "prometheus.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def query(self, expr: str) -> list[dict]:
        url = f"http://{LOOPBACK}:{self.port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = json.loads(answer.read())
        assert body["status"] == "success", body
        return body["data"]["result"]

    def values(self, expr: str, *labels: str) -> dict[tuple, float]:
        """Instant query result as {(label values…): value}."""
        return {tuple(r["metric"].get(label, "") for label in labels): float(r["value"][1]) for r in self.query(expr)}

    def wait_for(self, expr: str, predicate, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        result: list[dict] = []
        while time.monotonic() < deadline:
            result = self.query(expr)
            if predicate(result):
                return result
            time.sleep(0.5)
        raise AssertionError(f"{expr} never satisfied the check; last {result}\n{self.log()}")

    def targets_up(self, count: int) -> None:
        self.wait_for("up", lambda r: len(r) == count and all(x["value"][1] == "1" for x in r))
