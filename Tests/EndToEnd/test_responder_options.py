"""The responder's command line as a user meets it: `--help` agrees with the README's settings
table, and a bad option or setting value is refused with exit status 64 and a message naming it."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest

from conftest import REPO, clean_env

USAGE = 64


def readme_settings() -> list[tuple[str, str, str]]:
    """(flag, environment, default) of every row of the README's "## Settings" table."""
    text = (REPO / "README.md").read_text()
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) >= 5 and cells[1].startswith("`--"):
            rows.append((cells[1].strip("`")[2:], cells[2].strip("`"), cells[3]))
    return rows


def run(tools, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(tools.responder), *args], stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=30, env=clean_env(env), text=True)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_agrees_with_the_readme_settings_table(tools, flag):
    result = run(tools, flag)
    assert result.returncode == 0, result.stderr
    # Help is wrapped to the terminal width; compare with whitespace folded.
    text = " ".join(result.stdout.split())
    rows = readme_settings()
    assert len(rows) == 14, rows
    entries = re.split(r"(?= --[a-z-]+ <)", text)
    for flag_name, environment, default in rows:
        entry = next((e for e in entries if e.startswith(f" --{flag_name} <value>")), None)
        assert entry is not None, f"--{flag_name} is in the README but not in --help"
        fallback = "required" if default == "(required)" else f"default {'none' if default == '(none)' else default}"
        assert f"(env {environment}, {fallback})" in entry, (flag_name, entry)
    listed = set(re.findall(r" --([a-z-]+) <value>", text))
    assert listed == {row[0] for row in rows}, "--help lists a setting the README does not"
    for option in ("--socket <address>", "--backlog <n>", "--socket-mode <octal>", "--help"):
        assert option in text
    assert "Exit status: 0 stopped cleanly; 64 bad option or setting" in text
    assert result.stderr == ""


def test_a_bad_flag_value_names_the_setting(tools):
    result = run(tools, "--data-dir", tempfile.gettempdir(), "--threads", "lots")
    assert result.returncode == USAGE
    assert result.stdout == ""
    assert result.stderr == ("claude-telemetry-fcgi: --threads (or CLAUDE_TELEMETRY_THREADS) 'lots' is invalid: "
                             "expected a whole number from 1 to 256 (see --help)\n")


def test_a_bad_environment_value_names_the_setting_and_a_flag_overrides_it(tools):
    env = {"CLAUDE_TELEMETRY_DURABILITY": "sometimes"}
    result = run(tools, "--data-dir", tempfile.gettempdir(), env=env)
    assert result.returncode == USAGE
    assert result.stderr == ("claude-telemetry-fcgi: --durability (or CLAUDE_TELEMETRY_DURABILITY) 'sometimes' is "
                             "invalid: expected durable or fast (see --help)\n")
    with tempfile.TemporaryDirectory() as data:
        # The flag wins: the settings are accepted, and the responder stops only because it was
        # given nothing to serve (no socket on fd 0, no --socket, not CGI).
        result = run(tools, "--data-dir", data, "--durability", "fast", env=env)
    assert result.returncode == USAGE
    assert "nothing to serve" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--no-such-option"], "claude-telemetry-fcgi: Unknown option '--no-such-option'"),
    (["--data-dir"], "claude-telemetry-fcgi: Missing value for '--data-dir <value>'"),
    (["--threads", "2"], "claude-telemetry-fcgi: --data-dir (or CLAUDE_TELEMETRY_DATA_DIR) is required"),
    (["--data-dir", "/tmp", "--backlog", "0"], "claude-telemetry-fcgi: --backlog '0' is invalid"),
    (["--data-dir", "/tmp", "--document-cache-bytes", "8MiB"],
     "claude-telemetry-fcgi: --document-cache-bytes (or CLAUDE_TELEMETRY_DOCUMENT_CACHE_BYTES) '8MiB' is invalid: "
     "expected a whole number from 0 to 1099511627776"),
])
def test_bad_command_lines_exit_64(tools, args, message):
    result = run(tools, *args)
    assert result.returncode == USAGE, result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.endswith("(see --help)\n"), result.stderr
