"""The admin tool as the other tests depend on it, and its printed client settings used verbatim."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import clean_env, make_root
from test_sdk_clients import LOG_ROUNDS, METRIC_ROUNDS, assert_scenario_totals, run_client


def test_user_add_with_data_dir_before_the_subcommand(tools, stack):
    """The agreed interface: `claude-telemetry --data-dir DIR user add --name NAME --json`."""
    result = subprocess.run(
        [str(tools.admin), "--data-dir", str(stack.data), "user", "add", "--name", "interface", "--json"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30, env=clean_env(),
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    user = json.loads(result.stdout)["id"]
    assert (stack.data / "users" / user / "user.json").is_file()


def test_user_add_with_data_dir_after_the_subcommand(tools, stack):
    result = subprocess.run(
        [str(tools.admin), "user", "add", "--data-dir", str(stack.data), "--name", "interface-after", "--json"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30, env=clean_env(),
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    user = json.loads(result.stdout)["id"]
    assert (stack.data / "users" / user / "user.json").is_file()


# Every read-only command, at each depth of the command tree (a group's default subcommand too).
READ_ONLY_COMMANDS = [
    ["user", "list", "--json"], ["token", "list", "--json"], ["budget", "list", "--json"], ["unclaimed", "--json"],
    ["unclaimed", "list", "--json"], ["stats", "--json"], ["verify"],
]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=lambda words: "-".join(w for w in words if w[0] != "-"))
@pytest.mark.parametrize("form", ["separate", "joined"])
def test_data_dir_before_any_command_path(tools, stack, command, form):
    """`--data-dir DIR` (or `--data-dir=DIR`) before the subcommand path is moved behind it, for
    every path the parser's configuration declares: the same answer as with the flag after it."""
    stack.add_user("anywhere")
    flag = ["--data-dir", str(stack.data)] if form == "separate" else [f"--data-dir={stack.data}"]

    def run(arguments: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([str(tools.admin), *arguments], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=30, env=clean_env())

    words = [w for w in command if not w.startswith("-")]
    before = run(flag + command)
    after = run(words + flag + command[len(words):])
    assert before.returncode == 0, before.stderr.decode(errors="replace")
    assert (before.returncode, before.stdout) == (after.returncode, after.stdout)
    assert before.stdout.strip(), "the command printed nothing"


@pytest.mark.parametrize("key", ["environment", "headerEnvironment"])
def test_printed_environment_works_verbatim(tools, stack, key):
    """What `user add --json` tells a user to put in their shell profile, given to the real SDK."""
    record = stack.add_user_record(f"printed-{key}")
    env = record[key]
    assert all(isinstance(value, str) for value in env.values()), env
    for name, value in env.items():
        if "://" in value:
            assert value.startswith(f"http://127.0.0.1:{stack.port}/"), (name, value)
    seen_before = len(stack.access_log())
    run_client(tools, "proto", env)
    log = stack.access_log()[seen_before:]
    posts = [line for line in log.splitlines() if '"POST ' in line and '" 200 ' in line]
    assert len(posts) == len(METRIC_ROUNDS) + len(LOG_ROUNDS), log
    assert_scenario_totals(stack, record["id"])


def test_bidirectional_controls_in_names_are_shown_inert(tools, stack):
    """A name with a right-to-left override (U+202E) or an isolate (U+2066) cannot reorder what
    `user list` and `show` print: each control is shown as a visible marker, never sent raw."""
    name = "ad\u202emin\u2066x"
    user = stack.add_user(name)
    for args in (("user", "list"), ("show", user)):
        result = stack.admin(*args)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        text = result.stdout.decode()
        assert "\u202e" not in text and "\u2066" not in text, text
        assert "ad⟦U+202E⟧min⟦U+2066⟧x" in text, text
