"""The real Claude Code CLI (2.1.332, from the pinned `claude-agent-sdk` wheel) against the stack.

Each session runs `claude -p` headless and offline: the Messages API is a scripted fake on
127.0.0.1 (`clients/fake_anthropic.py`) whose answers make Claude Code really Write a file, Edit
it and `git commit` it through Bash in a temporary repository, with distinct token counts per
answer. Claude Code's OTLP exporter points at a recording proxy in front of nginx
(`clients/otlp_capture.py`), so the test holds exactly what Claude Code exported and what the
receiver answered. Every scenario then asserts exact equality three ways:

- what the fake API handed out (tokens per answer, request ids, number of calls) equals what
  Claude Code exported and what the user's `aggregate.json` says;
- every figure of `totals`, `days`, `models`, `tools` and `events` equals what the recorded
  exports add up to under the README's rules;
- every export was answered 200 with an empty `Export*ServiceResponse` (nothing rejected).

Configurations: the user in the path and in a header, each in protobuf and JSON; gzip;
cumulative temporality over several exports; the seed specification's endpoint with `?user=`
and the per-signal endpoints with `?user=` (Claude Code drops the query: the data is parked per
installation, one `claude-telemetry user claim` folds both sessions in, and the next session is
attributed directly); traces on (Claude Code's enhanced telemetry beta).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import CLIENTS, PREFIX, REPO, clean_env, started_stack

sys.path.insert(0, str(CLIENTS))
from claude_cli import CLI_VERSION, CLIRun, ensure_cli, run_cli  # noqa: E402
from fake_anthropic import FakeAnthropic, HandedOut, ToolCall, Turn  # noqa: E402
from otlp_capture import (  # noqa: E402
    LATENCY_BUCKETS_MS, LOGS, METRICS, TRACES, Exchange, ExpectedFigures, RecordingProxy, assert_same_figures, decode,
    identity_user_ids, machine_facts, points, records, spans, without_raw,
)

SONNET = "claude-sonnet-4-6"
OPUS = "claude-opus-4-6"
PROMPT = "Write notes.md, edit it, and commit it."
PROTOBUF = "http/protobuf"
JSON_PROTOCOL = "http/json"

# What Claude Code 2.1.332 counts for the scripted tools (its own rules): the Write of a new
# 5-line file adds 6 lines, the Edit replacing 2 lines with 3 adds 3 and removes 2.
NOTES = "alpha\nbeta\ngamma\ndelta\nepsilon\n"
EDIT_OLD, EDIT_NEW = "beta\ngamma\n", "beta 2\ngamma 2\ngamma 3\n"
EXPECTED_LINES_ADDED, EXPECTED_LINES_REMOVED = 9, 2


def scripted_turns(repo: Path) -> list[Turn]:
    """Write, Edit, a Bash `git commit`, then a closing text: four answers, three tools run."""
    notes = str(repo / "notes.md")
    return [
        Turn(text="I will write the notes first.", tool_calls=(ToolCall("Write", {"file_path": notes, "content": NOTES}),)),
        Turn(tool_calls=(ToolCall("Edit", {"file_path": notes, "old_string": EDIT_OLD, "new_string": EDIT_NEW}),)),
        Turn(tool_calls=(ToolCall("Bash", {"command": "git add notes.md && git commit -q -m 'Add notes'",
                                           "description": "Commit the notes"}),)),
        Turn(text="Notes written, edited and committed."),
    ]


TURNS_PER_SESSION = 4


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def claude() -> Path:
    """The pinned Claude Code executable, downloaded at most once into the build directory."""
    cache = Path(os.environ.get("E2E_CLAUDE_CLI_DIR") or REPO / ".build-claude-cli")
    if shutil.which("git") is None:
        pytest.fail("git is required (Tests/EndToEnd/run.sh installs it)")
    executable = ensure_cli(cache)
    with tempfile.TemporaryDirectory(prefix="claude-home-") as home:
        version = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60,
                                 env={"PATH": os.environ.get("PATH", ""), "HOME": home}, stdin=subprocess.DEVNULL)
    assert version.stdout.split()[:1] == [CLI_VERSION], f"{executable} --version: {version.stdout!r} {version.stderr!r}"
    return executable


@pytest.fixture(scope="module")
def cli_stack(tools):
    """A stack of its own: the parked area of the seed-form scenario stays out of other tests."""
    yield from started_stack(tools, "real-cli", ["--threads", "2"])


# --- one Claude Code session --------------------------------------------------------------------


@dataclass
class Session:
    run: CLIRun
    handed_out: list[HandedOut]
    exchanges: list[Exchange]
    decoded: list[tuple[str, dict]]
    repo: Path

    def of(self, signal: str) -> list[tuple[Exchange, dict]]:
        return [(exchange, request) for exchange, (kind, request) in zip(self.exchanges, self.decoded) if kind == signal]


def telemetry_env(protocol: str, endpoint_settings: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        "CLAUDE_CODE_ENABLE_TELEMETRY": "1",
        "OTEL_METRICS_EXPORTER": "otlp",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_METRIC_EXPORT_INTERVAL": "1000",
        "OTEL_LOGS_EXPORT_INTERVAL": "500",
        **endpoint_settings,
        **extra,
    }


def new_installation(root: Path) -> tuple[Path, Path]:
    """A HOME (one Claude Code installation: its `user.id` lives there) and a git repository."""
    home = root / "home"
    home.mkdir(parents=True)
    return home, new_repository(root / "repo", home)


def new_repository(repo: Path, home: Path) -> Path:
    """An empty git repository: each session writes, edits and commits a new notes.md in its own."""
    repo.mkdir(parents=True)
    for command in (["git", "init", "-q", "-b", "main"], ["git", "config", "user.name", "E2E"],
                    ["git", "config", "user.email", "e2e@example.invalid"], ["git", "config", "commit.gpgsign", "false"]):
        subprocess.run(command, cwd=repo, check=True, timeout=30, env=clean_env({"HOME": str(home)}),
                       stdin=subprocess.DEVNULL, capture_output=True)
    return repo


def claude_session(claude: Path, stack, home: Path, repo: Path, *, model: str, first_index: int,
                   configure: Callable[[str], dict[str, str]], answer_delay: float = 0.0) -> Session:
    """One `claude -p` session: scripted fake API, exports through the recording proxy.
    `configure(origin)` gives the telemetry environment for the proxy at `origin`."""
    with FakeAnthropic(scripted_turns(repo), first_index=first_index, answer_delay=answer_delay) as fake, \
            RecordingProxy(stack.port) as proxy:
        run = run_cli(claude, PROMPT, model=model, cwd=repo, home=home, api_base_url=fake.base_url,
                      extra_env=configure(proxy.origin))
        exchanges = proxy.taken()
        assert run.returncode == 0, f"claude exited {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}"
        assert run.escapes == [], f"Claude Code tried to leave 127.0.0.1: {run.escapes}"
        assert fake.unexpected == [], f"Claude Code called the fake API outside the script: {fake.unexpected}"
        assert fake.script == [], f"Claude Code stopped before the script's end: {len(fake.script)} turns left"
        handed_out = list(fake.handed_out)
    assert "Notes written, edited and committed." in run.stdout, run.stdout
    session = Session(run, handed_out, exchanges, [decode(exchange) for exchange in exchanges], repo)
    assert_tools_really_ran(session)
    return session


# --- the checks every session gets -------------------------------------------------------------


def assert_tools_really_ran(session: Session) -> None:
    assert (session.repo / "notes.md").read_text() == NOTES.replace(EDIT_OLD, EDIT_NEW)
    log = subprocess.run(["git", "log", "--format=%s", "--", "notes.md"], cwd=session.repo, capture_output=True,
                         text=True, timeout=30, check=True, stdin=subprocess.DEVNULL)
    assert log.stdout.split("\n")[:-1] == ["Add notes"], log.stdout


def assert_all_answered_ok(session: Session, protocol: str) -> None:
    """Every export got a 200 and an empty Export*ServiceResponse in its own encoding."""
    want_type = "application/json" if protocol == JSON_PROTOCOL else "application/x-protobuf"
    for exchange in session.exchanges:
        assert exchange.method == "POST", exchange.path
        assert exchange.headers.get("content-type", "").split(";")[0] == want_type, exchange.headers
        assert exchange.status == 200, (
            f"{exchange.path} answered {exchange.status}: {exchange.answer[:400]!r}")
        assert exchange.answer_headers.get("content-type", "").split(";")[0] == want_type, exchange.answer_headers
        if protocol == JSON_PROTOCOL:
            assert json.loads(exchange.answer) == {}, f"not an empty response (rejected data?): {exchange.answer!r}"
        else:
            assert exchange.answer == b"", f"not an empty response (rejected data?): {exchange.answer!r}"


def handed_out_tokens(handed_out: list[HandedOut]) -> dict[str, int]:
    return {
        "input": sum(answer.usage.input_tokens for answer in handed_out),
        "output": sum(answer.usage.output_tokens for answer in handed_out),
        "cacheRead": sum(answer.usage.cache_read_input_tokens for answer in handed_out),
        "cacheCreation": sum(answer.usage.cache_creation_input_tokens for answer in handed_out),
    }


def assert_export_matches_fake(sessions: list[Session], model: str) -> None:
    """Claude Code exported exactly what the fake handed out: one `api_request` event per
    answer with its request id and tokens; token metrics adding up to the same (final
    cumulative values when cumulative)."""
    handed_out = [answer for session in sessions for answer in session.handed_out]
    assert {answer.model for answer in handed_out} == {model}
    api_requests = [record for session in sessions for _, request in session.of(LOGS)
                    for record in records(request) if record.name == "api_request"]
    by_id = {record.attributes["request_id"]: record.attributes for record in api_requests}
    assert sorted(by_id) == sorted(answer.request_id for answer in handed_out)
    assert len(api_requests) == len(handed_out)
    for answer in handed_out:
        event = by_id[answer.request_id]
        assert (int(event["input_tokens"]), int(event["output_tokens"]), int(event["cache_read_tokens"]),
                int(event["cache_creation_tokens"])) == (
            answer.usage.input_tokens, answer.usage.output_tokens, answer.usage.cache_read_input_tokens,
            answer.usage.cache_creation_input_tokens), answer.request_id
        assert event["model"] == model
    expected = ExpectedFigures()
    for session in sessions:
        for signal, request in session.decoded:
            expected.add(signal, request)
    exported = {kind: expected.models[model][field] for kind, field in (
        ("input", "inputTokens"), ("output", "outputTokens"), ("cacheRead", "cacheReadTokens"),
        ("cacheCreation", "cacheCreationTokens"))}
    assert exported == handed_out_tokens(handed_out)


def assert_document_matches(stack, user: str, sessions: list[Session], model: str) -> dict:
    """The stored document equals the recorded exports (totals, days, models, tools, events)
    and the fake's answers (tokens per model, API requests)."""
    document = stack.aggregate(user)
    assert document["userId"] == user
    expected = ExpectedFigures()
    for session in sessions:
        for signal, request in session.decoded:
            expected.add(signal, request)
    assert_same_figures(without_raw(document["totals"]), expected.totals_figures(), "totals")
    expected_days = expected.days_figures()
    assert sorted(document["days"]) == sorted(expected_days)
    for day, figures in expected_days.items():
        stored_day = without_raw(document["days"][day])
        stored_models = stored_day.pop("models", {})
        assert_same_figures(stored_day, figures, f"days.{day}")
        # Each day's models: that day's tokens, cost, requests and errors of each model.
        assert sorted(stored_models) == sorted(expected.day_models.get(day, {})), day
        for name, model_figures in expected.day_models.get(day, {}).items():
            assert_same_figures(without_raw(stored_models[name]), model_figures, f"days.{day}.models.{name}")
    assert sorted(document["models"]) == sorted(expected.models)
    for name, figures in expected.models.items():
        assert_same_figures(without_raw(document["models"][name]), figures, f"models.{name}")
    assert sorted(document["tools"]) == sorted(expected.tools)
    for name, figures in expected.tools.items():
        assert_same_figures(without_raw(document["tools"][name]), figures, f"tools.{name}")
    assert sorted(document["querySources"]) == sorted(expected.query_sources)
    for name, figures in expected.query_sources.items():
        assert_same_figures(without_raw(document["querySources"][name]), figures, f"querySources.{name}")
    assert document["events"] == dict(expected.events)
    assert document["latencyBucketsMs"] == LATENCY_BUCKETS_MS
    assert sorted(document["latency"]) == sorted(expected.latency)
    for name, figures in expected.latency.items():
        stored = document["latency"][name]
        assert_same_figures({key: stored[key] for key in ("failures", "requests")},
                            {key: figures[key] for key in ("failures", "requests")}, f"latency.{name}")
        for part in ("durationMs", "ttftMs"):
            assert_same_figures(stored[part], figures[part], f"latency.{name}.{part}")
        assert set(stored) == set(figures), stored
    assert sorted(document["toolDurations"]) == sorted(expected.tool_durations)
    for name, figures in expected.tool_durations.items():
        stored = document["toolDurations"][name]
        assert set(stored) == set(figures) and stored["calls"] == figures["calls"], (name, stored)
        assert_same_figures(stored["durationMs"], figures["durationMs"], f"toolDurations.{name}.durationMs")

    # The same figures against the fake API and the scripted tools, independently of the export.
    handed_out = [answer for session in sessions for answer in session.handed_out]
    tokens = handed_out_tokens(handed_out)
    totals = document["totals"]
    assert (totals["totalInputTokens"], totals["totalOutputTokens"], totals["totalCacheReadTokens"],
            totals["totalCacheCreationTokens"]) == (tokens["input"], tokens["output"], tokens["cacheRead"],
                                                    tokens["cacheCreation"])
    assert document["models"][model]["inputTokens"] == tokens["input"]
    assert totals["apiRequests"] == document["models"][model]["apiRequests"] == len(handed_out)
    assert totals["totalSessions"] == len(sessions)
    assert totals["totalLinesAdded"] == EXPECTED_LINES_ADDED * len(sessions)
    assert totals["totalLinesRemoved"] == EXPECTED_LINES_REMOVED * len(sessions)
    assert totals["aiAssistedCommits"] == len(sessions)
    assert totals["editsAccepted"] == totals["editDecisions"] == 2 * len(sessions)
    assert totals["totalToolCalls"] == 3 * len(sessions)
    for tool in ("Write", "Edit", "Bash"):
        assert document["tools"][tool]["calls"] == document["tools"][tool]["accepts"] == len(sessions), tool
        assert document["tools"][tool]["failures"] == 0
    assert totals["totalTokenCostUsd"] > 0 and totals["totalMinutes"] > 0
    assert document["events"]["api_request"] == len(handed_out)
    return document


def assert_received_counts(document: dict, sessions: list[Session]) -> None:
    """Under delta every export changes the document: every request, point, record and
    folded span counted, nothing rejected or duplicate."""
    metric_requests = [request for session in sessions for _, request in session.of(METRICS)]
    log_requests = [request for session in sessions for _, request in session.of(LOGS)]
    trace_requests = [request for session in sessions for _, request in session.of(TRACES)]
    assert document["received"] == {
        "metricRequests": len(metric_requests),
        "logRequests": len(log_requests),
        "traceRequests": len(trace_requests),
        "dataPointsApplied": sum(len(points(request)) for request in metric_requests),
        "dataPointsRejected": 0,
        "dataPointsDuplicate": 0,
        "logRecordsApplied": sum(len(records(request)) for request in log_requests),
        "logRecordsRejected": 0,
        "logRecordsDuplicate": 0,
        # Spans other than these two (claude_code.interaction, …tool.execution, …) are accepted and ignored.
        "spansApplied": sum(1 for request in trace_requests for span in spans(request)
                            if span.name in ("claude_code.llm_request", "claude_code.tool")),
        "spansRejected": 0,
        "spansDuplicate": 0,
    }


def assert_one_installation(sessions: list[Session]) -> str:
    ids = identity_user_ids([pair for session in sessions for pair in session.decoded])
    assert len(ids) == 1, f"expected one Claude Code installation, saw user.id {ids}"
    (installation,) = ids
    assert len(installation) == 64 and all(c in "0123456789abcdef" for c in installation), installation
    return installation


# --- scenarios ----------------------------------------------------------------------------------


PATH_AND_HEADER_CASES = [
    pytest.param("path", PROTOBUF, SONNET, id="path-protobuf"),
    pytest.param("path", JSON_PROTOCOL, OPUS, id="path-json"),
    pytest.param("header", PROTOBUF, OPUS, id="header-protobuf"),
    pytest.param("header", JSON_PROTOCOL, SONNET, id="header-json"),
]


@pytest.mark.parametrize("form, protocol, model", PATH_AND_HEADER_CASES)
def test_user_in_path_or_header_exact(claude, cli_stack, tmp_path, form, protocol, model):
    """OTEL_EXPORTER_OTLP_ENDPOINT=…/claude/users/UUID, or …/claude with
    OTEL_EXPORTER_OTLP_HEADERS=x-user-id=UUID: both arrive with the user and count exactly."""
    user = cli_stack.add_user(f"real-cli-{form}-{protocol.split('/')[1]}")
    home, repo = new_installation(tmp_path)

    def configure(origin: str) -> dict[str, str]:
        if form == "path":
            return telemetry_env(protocol, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}/users/{user}"})
        return telemetry_env(protocol, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}",
                                        "OTEL_EXPORTER_OTLP_HEADERS": f"x-user-id={user}"})

    session = claude_session(claude, cli_stack, home, repo, model=model, first_index=0, configure=configure)
    assert_all_answered_ok(session, protocol)
    base = f"{PREFIX}/users/{user}" if form == "path" else PREFIX
    assert {exchange.path for exchange in session.exchanges} == {f"{base}/v1/metrics", f"{base}/v1/logs"}
    for exchange in session.exchanges:
        assert "content-encoding" not in exchange.headers
        assert exchange.headers.get("x-user-id") == (user if form == "header" else None)
    assert session.of(METRICS) and session.of(LOGS)
    assert_one_installation([session])
    assert_export_matches_fake([session], model)
    document = assert_document_matches(cli_stack, user, [session], model)
    assert_received_counts(document, [session])


@pytest.mark.parametrize("protocol", [PROTOBUF, JSON_PROTOCOL], ids=["protobuf", "json"])
def test_gzip_exact(claude, cli_stack, tmp_path, protocol):
    """OTEL_EXPORTER_OTLP_COMPRESSION=gzip: every body arrives gzipped and counts exactly."""
    user = cli_stack.add_user(f"real-cli-gzip-{protocol.split('/')[1]}")
    home, repo = new_installation(tmp_path)
    session = claude_session(
        claude, cli_stack, home, repo, model=SONNET, first_index=0,
        configure=lambda origin: telemetry_env(protocol, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}/users/{user}"},
                                               OTEL_EXPORTER_OTLP_COMPRESSION="gzip"))
    assert_all_answered_ok(session, protocol)
    assert session.exchanges
    for exchange in session.exchanges:
        assert exchange.headers.get("content-encoding") == "gzip", exchange.headers
        assert exchange.body[:2] == b"\x1f\x8b"
    assert_export_matches_fake([session], SONNET)
    document = assert_document_matches(cli_stack, user, [session], SONNET)
    assert_received_counts(document, [session])


def test_cumulative_temporality_over_several_exports(claude, cli_stack, tmp_path):
    """OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative: every export repeats each
    series' running total; the document holds the final totals, not their sum."""
    user = cli_stack.add_user("real-cli-cumulative")
    home, repo = new_installation(tmp_path)
    session = claude_session(
        claude, cli_stack, home, repo, model=OPUS, first_index=0, answer_delay=1.25,
        configure=lambda origin: telemetry_env(JSON_PROTOCOL, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}",
                                                               "OTEL_EXPORTER_OTLP_HEADERS": f"x-user-id={user}"},
                                               OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="cumulative"))
    assert_all_answered_ok(session, JSON_PROTOCOL)
    metric_requests = [request for _, request in session.of(METRICS)]
    assert len(metric_requests) >= 4, f"only {len(metric_requests)} metric exports"
    all_points = [point for request in metric_requests for point in points(request)]
    assert {point.temporality for point in all_points} == {2}
    token_points = [point for point in all_points if point.metric == "claude_code.token.usage"]
    input_series = [point for point in token_points if point.attributes["type"] == "input"]
    assert len(input_series) >= 2, "the input-token series was exported only once: not a cumulative test"
    handed = handed_out_tokens(session.handed_out)
    # Adding the exports up would be wrong, and the test would see it:
    assert sum(point.value for point in input_series) > handed["input"]
    assert input_series[-1].value == handed["input"]
    assert_export_matches_fake([session], OPUS)
    assert_document_matches(cli_stack, user, [session], OPUS)


def unclaimed(stack) -> list[dict]:
    """`claude-telemetry unclaimed --json`: one entry per installation with parked requests."""
    result = stack.admin("unclaimed", "--json")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    listing = json.loads(result.stdout)
    assert isinstance(listing, list), listing
    return listing


def test_seed_form_and_per_signal_query_form_park_then_claim_then_attribute(claude, cli_stack, tmp_path):
    """Claude Code drops the query string, so the seed specification's
    OTEL_EXPORTER_OTLP_ENDPOINT=…/claude?user=UUID arrives as POST …/claude (signal only in the
    body) and the per-signal OTEL_EXPORTER_OTLP_{METRICS,LOGS}_ENDPOINT=…/metrics?user=UUID as
    POST …/claude/metrics: neither names the user. Both sessions of one installation are kept
    (200, parked), one `user claim` folds both into the user's document exactly, and the next
    session with the seed's form is attributed directly."""
    user = cli_stack.add_user("real-cli-seed")
    home, repo = new_installation(tmp_path)
    def user_files() -> dict[str, bytes]:
        return {path: data for path, data in cli_stack.snapshot().items() if path.startswith(f"users/{user}/")}

    data_before = user_files()

    def seed_form(origin: str) -> dict[str, str]:
        return telemetry_env(PROTOBUF, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}?user={user}"})

    def per_signal_query_form(origin: str) -> dict[str, str]:
        return telemetry_env(JSON_PROTOCOL, {
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": f"{origin}{PREFIX}/metrics?user={user}",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"{origin}{PREFIX}/logs?user={user}"})

    # 1. The seed's form: everything arrives at the bare prefix, no user, no query.
    first = claude_session(claude, cli_stack, home, repo, model=SONNET, first_index=0, configure=seed_form)
    assert {exchange.path for exchange in first.exchanges} == {PREFIX}
    assert {kind for kind, _ in first.decoded} == {METRICS, LOGS}
    assert_all_answered_ok(first, PROTOBUF)

    # 2. The per-signal form with a query: arrives as …/metrics and …/logs, no user.
    second = claude_session(claude, cli_stack, home, new_repository(tmp_path / "repo-2", home),
                            model=SONNET, first_index=TURNS_PER_SESSION,
                            configure=per_signal_query_form)
    assert {exchange.path for exchange in second.exchanges} == {f"{PREFIX}/metrics", f"{PREFIX}/logs"}
    assert_all_answered_ok(second, JSON_PROTOCOL)
    for exchange in first.exchanges + second.exchanges:
        assert "?" not in exchange.path and "x-user-id" not in exchange.headers and "authorization" not in exchange.headers

    installation = assert_one_installation([first, second])
    # Parked: nothing in the user's directory yet, the installation listed with every request.
    assert user_files() == data_before
    listed = [entry for entry in unclaimed(cli_stack) if entry["installation"] == installation]
    assert len(listed) == 1, unclaimed(cli_stack)
    entry = listed[0]
    # What lets the person recognise the machine is what Claude Code sent about it.
    facts = machine_facts(first.decoded + second.decoded)
    for key, name in (("serviceVersion", "service.version"), ("osType", "os.type"), ("hostArch", "host.arch"),
                      ("terminalType", "terminal.type"), ("email", "user.email")):
        assert len(facts[name]) == 1, (name, facts[name])
        assert entry[key] == next(iter(facts[name])), (key, entry)
    assert entry["serviceVersion"] == CLI_VERSION
    parked = first.exchanges + second.exchanges
    assert entry["requests"] == len(parked), entry
    # One log of checksummed records (a header line and the body exactly as received); what it
    # takes on disk, whole blocks, is what is accounted.
    body_bytes = sum(len(exchange.body) for exchange in parked)
    assert body_bytes < entry["bytes"] <= body_bytes + 512 * len(parked) + 8192, (entry, body_bytes)
    assert entry["firstSeen"] <= entry["lastSeen"], entry

    # 3. One claim folds both sessions in, exactly.
    claim = cli_stack.admin("user", "claim", user, installation)
    assert claim.returncode == 0, claim.stderr.decode(errors="replace") + claim.stdout.decode(errors="replace")
    assert_export_matches_fake([first, second], SONNET)
    assert_document_matches(cli_stack, user, [first, second], SONNET)
    assert all(item["installation"] != installation for item in unclaimed(cli_stack))
    verify = cli_stack.admin("verify")
    assert verify.returncode == 0, verify.stdout.decode(errors="replace") + verify.stderr.decode(errors="replace")

    # 4. The next session with the seed's form is attributed at once.
    third = claude_session(claude, cli_stack, home, new_repository(tmp_path / "repo-3", home), model=SONNET,
                           first_index=2 * TURNS_PER_SESSION, configure=seed_form)
    assert {exchange.path for exchange in third.exchanges} == {PREFIX}
    assert_all_answered_ok(third, PROTOBUF)
    assert assert_one_installation([first, second, third]) == installation
    assert_export_matches_fake([first, second, third], SONNET)
    assert_document_matches(cli_stack, user, [first, second, third], SONNET)
    assert all(item["installation"] != installation for item in unclaimed(cli_stack))
    # Only this test's stack parks: the statistics count exactly the two sessions' requests.
    stats = cli_stack.admin("stats", "--json")
    assert stats.returncode == 0, stats.stderr.decode(errors="replace")
    assert json.loads(stats.stdout)["unattributed"] == {
        "parkedInstallations": 0, "parkedRequests": 0, "parkedBytes": 0,
        "unattributedRequestsParked": len(parked), "boundInstallations": 1,
        "unknownUserIds": 0, "unknownUserRequests": 0, "unknownUserRequestsParked": 0}


def test_traces_on_no_error_answers_and_tokens_not_counted_twice(claude, cli_stack, tmp_path):
    """CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 + OTEL_TRACES_EXPORTER=otlp: Claude Code also sends
    trace exports to …/users/UUID/v1/traces. Every one is answered 200; the spans' token counts
    repeat the metrics' and never reach the token totals."""
    user = cli_stack.add_user("real-cli-traces")
    home, repo = new_installation(tmp_path)
    session = claude_session(
        claude, cli_stack, home, repo, model=SONNET, first_index=0,
        configure=lambda origin: telemetry_env(PROTOBUF, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}/users/{user}"},
                                               CLAUDE_CODE_ENHANCED_TELEMETRY_BETA="1", OTEL_TRACES_EXPORTER="otlp",
                                               OTEL_TRACES_EXPORT_INTERVAL="500"))
    base = f"{PREFIX}/users/{user}"
    assert {exchange.path for exchange in session.exchanges} == {f"{base}/v1/metrics", f"{base}/v1/logs",
                                                                   f"{base}/v1/traces"}
    assert_all_answered_ok(session, PROTOBUF)
    all_spans = [span for _, request in session.of(TRACES) for span in spans(request)]
    llm = [span for span in all_spans if span.name == "claude_code.llm_request"]
    assert sorted(int(span.attributes["input_tokens"]) for span in llm) == sorted(
        answer.usage.input_tokens for answer in session.handed_out)
    assert {span.attributes["tool_name"] for span in all_spans if span.name == "claude_code.tool"} == {"Write", "Edit", "Bash"}
    assert_export_matches_fake([session], SONNET)
    document = assert_document_matches(cli_stack, user, [session], SONNET)
    assert_received_counts(document, [session])
    # Latency per model and durations per tool, independently of the exported figures.
    assert document["latency"][SONNET]["requests"] == len(session.handed_out)
    assert document["latency"][SONNET]["failures"] == 0
    assert document["latency"][SONNET]["durationMs"]["count"] == len(session.handed_out)
    assert {name: figures["calls"] for name, figures in document["toolDurations"].items()} == {
        "Write": 1, "Edit": 1, "Bash": 1}
