"""The real Claude Code CLI for the end-to-end tests: fetched once, run headless and offline.

The PyPI wheel `claude-agent-sdk` bundles the Claude Code CLI as a native executable
(`claude_agent_sdk/_bundled/claude`, its version in `_bundled/claude.version`). `ensure_cli`
downloads the pinned wheel with pip (hash-checked, no dependencies, nothing installed), extracts
the two bundled files and deletes the wheel; the executable stays cached under the build
directory (`.build-claude-cli/`, ignored by git), so a run downloads at most once and later runs
none. Several processes may call it at once: an flock on the cache serialises them.

`run_cli` runs `claude -p PROMPT --model MODEL` with an environment built from nothing (no
OTEL_*, ANTHROPIC_* or CLAUDE_* settings of the caller): the Messages API is the test's fake on
127.0.0.1 and `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` stops every other connection Claude
Code would make. To prove it, the only proxy it is given is a `Tripwire` on 127.0.0.1
(`NO_PROXY` exempts loopback): anything Claude Code tries to reach elsewhere arrives there, is
refused, and is reported in `CLIRun.escapes` (without the setting, it shows Claude Code trying
to reach its vendor's API).

    python claude_cli.py [CACHE_DIR]    # fetch (if needed) and print the executable's path
"""

from __future__ import annotations

import fcntl
import os
import time
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from loopback_server import LoopbackServer

# The wheel that carries the CLI the shared facts were observed with.
WHEEL_VERSION = "0.2.189"
CLI_VERSION = "2.1.332"
WHEEL_PLATFORM = "manylinux_2_17_x86_64"
WHEEL_SHA256 = "b26a6a30a4e2cb025a6f5c95e1ce4469b38fcc51015c392f627bea7c948d67ad"
BUNDLED = "claude_agent_sdk/_bundled/"

REPO = Path(__file__).resolve().parents[3]
DEFAULT_CACHE = REPO / ".build-claude-cli"


class CLIFetchError(RuntimeError):
    """The CLI could not be fetched; the message says what to check."""


def ensure_cli(cache_dir: Path = DEFAULT_CACHE, *, python: str = sys.executable, timeout: float = 600) -> Path:
    """The path of the pinned Claude Code executable, fetched into `cache_dir` if missing."""
    if platform.machine() not in ("x86_64", "AMD64"):
        raise CLIFetchError(f"the pinned claude-agent-sdk wheel is for x86_64 Linux, not {platform.machine()}")
    target = cache_dir / CLI_VERSION
    executable = target / "claude"
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_installed(target):
            return executable
        _fetch(cache_dir, target, python, timeout)
        if not _is_installed(target):
            raise CLIFetchError(f"{executable} is not Claude Code {CLI_VERSION} after extracting the wheel")
        return executable


def _is_installed(target: Path) -> bool:
    version = target / "claude.version"
    executable = target / "claude"
    return (version.is_file() and version.read_text().split()[:1] == [CLI_VERSION]
            and os.access(executable, os.X_OK))


def _fetch(cache_dir: Path, target: Path, python: str, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="download-", dir=cache_dir) as work:
        requirements = Path(work) / "requirements.txt"
        requirements.write_text(f"claude-agent-sdk=={WHEEL_VERSION} --hash=sha256:{WHEEL_SHA256}\n")
        command = [
            python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-input",
            "--no-deps", "--only-binary=:all:", "--platform", WHEEL_PLATFORM,
            "--require-hashes", "-r", str(requirements), "-d", work,
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        wheels = sorted(Path(work).glob("claude_agent_sdk-*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise CLIFetchError(
                f"pip download of claude-agent-sdk=={WHEEL_VERSION} failed (exit {result.returncode}):\n"
                f"{result.stdout}{result.stderr}")
        staging = Path(work) / "extracted"
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in ("claude", "claude.version"):
                member = BUNDLED + name
                staging.mkdir(exist_ok=True)
                with wheel.open(member) as source, open(staging / name, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
        (staging / "claude").chmod(0o755)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)  # same file system: the cache never holds half an executable


@dataclass
class CLIRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    escapes: list[str]  # what reached the tripwire: attempts to leave loopback


class Tripwire(LoopbackServer):
    """An HTTP proxy on 127.0.0.1 that forwards nothing: it records each request (a CONNECT
    names the host Claude Code wanted) and answers 403. Context manager."""

    def __init__(self):
        hits: list[str] = []
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _refuse(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True

            do_CONNECT = do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _refuse

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return self.origin


def cli_environment(*, home: Path, api_base_url: str, tripwire_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The whole environment of a headless, offline run; nothing is inherited but PATH."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home / "tmp"),
        "ANTHROPIC_BASE_URL": api_base_url,
        "ANTHROPIC_API_KEY": "e2e-not-a-key",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        # As root, --dangerously-skip-permissions is refused unless Claude Code is told it
        # runs in a sandbox; the tests need it so tools run without a prompt.
        "IS_SANDBOX": "1",
        "HTTP_PROXY": tripwire_url,
        "HTTPS_PROXY": tripwire_url,
        "http_proxy": tripwire_url,
        "https_proxy": tripwire_url,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    env.update(extra)
    return env


def run_cli(executable: Path, prompt: str, *, model: str, cwd: Path, home: Path, api_base_url: str,
            extra_env: dict[str, str], timeout: float = 120) -> CLIRun:
    """`claude -p PROMPT --model MODEL --dangerously-skip-permissions` in `cwd`, as the tests
    configure it. Claude Code flushes every exporter before it exits."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    with Tripwire() as tripwire:
        env = cli_environment(home=home, api_base_url=api_base_url, tripwire_url=tripwire.url, extra=extra_env)
        started = time.monotonic()
        result = subprocess.run(
            [str(executable), "-p", prompt, "--model", model, "--dangerously-skip-permissions"],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        seconds = time.monotonic() - started
    return CLIRun(result.returncode, result.stdout, result.stderr, seconds, list(tripwire.hits))


if __name__ == "__main__":
    print(ensure_cli(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CACHE))
