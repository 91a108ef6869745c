"""After the README's first command, the operator finds everything without being told where
(issue #20, items 3, 4 and 7): `scripts/run-service.sh` on another port links both executables
into LINK_DIR and says so; plain `claude-telemetry user list` then works from any directory (the
data directory comes from the running service's record, said on stderr); `user add` and
`user env` print the port the service runs on; both executables answer `--version`, as does the
health document; a mistyped command gets "did you mean"; `show` prints people's labels and
whole minutes, `show --json` the document's keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import CLIENTS, PREFIX, REPO, clean_env, curl, free_port, make_root

sys.path.insert(0, str(CLIENTS))
import otlp_batches as batches  # noqa: E402

VERSION = "1.5.0"


@pytest.fixture(scope="module")
def service(tools):
    root = make_root("operator")
    run_dir, links, port = root / "run", root / "bin", free_port()
    env = clean_env({"RUN_DIR": str(run_dir), "PORT": str(port), "BIN_DIR": str(tools.admin.parent), "LINK_DIR": str(links)})
    result = subprocess.run(["bash", str(REPO / "scripts" / "run-service.sh")], capture_output=True, text=True, timeout=120,
                            env=env, stdin=subprocess.DEVNULL)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        yield {"root": root, "run": run_dir, "links": links, "port": port, "stdout": result.stdout}
    finally:
        subprocess.run(["bash", str(REPO / "scripts" / "run-service.sh"), "stop"], capture_output=True, timeout=120,
                       env=clean_env({"RUN_DIR": str(run_dir)}), stdin=subprocess.DEVNULL)


def plain(service, *args: str, cwd: str = "/") -> subprocess.CompletedProcess:
    """`claude-telemetry ARGS` as typed in a shell whose PATH has the linked directory, from `cwd`,
    with no data directory given."""
    env = clean_env({"PATH": f"{service['links']}:{os.environ.get('PATH', '/usr/bin:/bin')}"})
    env.pop("CLAUDE_TELEMETRY_DATA_DIR", None)
    env.pop("CLAUDE_TELEMETRY_PUBLIC_URL", None)
    return subprocess.run(["claude-telemetry", *args], capture_output=True, text=True, timeout=30, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def test_the_admin_tool_is_on_path_and_finds_the_data(service):
    links = service["links"]
    assert f"on PATH    {links}/claude-telemetry and {links}/claude-telemetry-fcgi" in service["stdout"]
    assert (links / "claude-telemetry").resolve().is_file() and (links / "claude-telemetry-fcgi").resolve().is_file()
    listed = plain(service, "user", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    data = (service["run"] / "data").resolve()
    assert f"using data directory {data} (recorded by the running service in " in listed.stderr
    assert [user["name"] for user in json.loads(listed.stdout)] == ["demo"]
    # Every command the script printed works when pasted as printed.
    show_line = next(line for line in service["stdout"].splitlines() if line.startswith("See the totals:"))
    command = show_line.split(":", 1)[1].split()
    assert command[0] == "claude-telemetry"
    shown = plain(service, *command[1:], cwd=str(service["root"]))
    assert shown.returncode == 0, shown.stderr


def test_printed_lines_use_the_port_the_service_runs_on(service):
    port = service["port"]
    origin = f"http://127.0.0.1:{port}"
    assert f"OTEL_EXPORTER_OTLP_ENDPOINT={origin}{PREFIX}/users/" in service["stdout"]
    added = plain(service, "user", "add", "--name", "second")
    assert added.returncode == 0, added.stderr
    assert f"{origin}{PREFIX}/users/" in added.stdout and ":8080" not in added.stdout
    user = json.loads(plain(service, "user", "list", "--json").stdout)[-1]["id"]
    env_lines = plain(service, "user", "env", user)
    assert f"OTEL_EXPORTER_OTLP_ENDPOINT={origin}{PREFIX}/users/{user}" in env_lines.stdout
    assert f"{origin}{PREFIX}/dashboard/#user={user}" in env_lines.stdout
    # --url still wins.
    overridden = plain(service, "user", "env", user, "--url", "https://telemetry.example.com")
    assert f"https://telemetry.example.com{PREFIX}/users/{user}" in overridden.stdout
    # And what the pasted line names reaches the service.
    answer = batches.post(port, f"{PREFIX}/users/{user}/v1/metrics", batches.metrics_batch("operator", 1))
    assert answer.status == 200, answer.body[:300]


def test_versions_and_did_you_mean(service):
    assert plain(service, "--version").stdout.strip() == VERSION
    responder = subprocess.run([str(service["links"] / "claude-telemetry-fcgi"), "--version"], capture_output=True,
                               text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert responder.stdout.strip() == VERSION, responder.stderr
    health = curl(f"http://127.0.0.1:{service['port']}{PREFIX}/metrics").json()
    assert health["version"] == VERSION
    mistyped = plain(service, "user", "lsit")
    assert mistyped.returncode == 64
    assert "unknown command 'lsit' for 'claude-telemetry user'; did you mean 'claude-telemetry user list'?" in mistyped.stderr
    top = plain(service, "shwo")
    assert top.returncode == 64 and "did you mean 'claude-telemetry show'?" in top.stderr


def test_show_prints_labels_and_whole_minutes(service):
    user = json.loads(plain(service, "user", "list", "--json").stdout)[0]["id"]
    shown = plain(service, "show", user)
    assert shown.returncode == 0, shown.stderr
    assert "Input tokens" in shown.stdout and "Active time" in shown.stdout and "0 min" in shown.stdout
    assert "totalInputTokens" not in shown.stdout
    document = json.loads(plain(service, "show", user, "--json").stdout)
    assert "totalInputTokens" in document["totals"]
