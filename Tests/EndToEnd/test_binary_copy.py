"""A user with a long history is loaded from `aggregate.bin`, the binary copy of a large
`aggregate.json` (issue #18), and a copy that does not fit is never believed.

The user's history is grown through the product (Benchmarks/history.py, one metrics and one logs
request a day). Readers that load the copy (`export`, the Prometheus export) must then say
exactly what readers of the JSON itself say (`show --json`), with the copy whole, missing,
damaged, or left from an earlier `aggregate.json`; and writers started cold (a restart) on a
damaged copy must count every request once, and leave a good copy behind at the next fold.
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import REPO, curl
from prometheus_server import add_token

sys.path.insert(0, str(REPO / "Benchmarks"))
import history  # noqa: E402

DAYS = 40


def run(stack, *args: str) -> bytes:
    result = stack.admin(*args)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr.decode(errors='replace')}"
    return result.stdout


def summary(stack, user: str) -> dict:
    """The user's own summary with raw figures, through nginx (it loads the binary copy too)."""
    response = curl(f"{stack.base}/users/{user}/summary?raw=1&days=60")
    assert response.status == 200, response.body
    return response.json()


TEAM_TOKENS: dict[int, str] = {}


def team_summary(stack) -> dict:
    """The team summary over every day the user has (it reads the copy's summary and published
    days only), without the moment it was made."""
    token = TEAM_TOKENS.get(id(stack)) or TEAM_TOKENS.setdefault(id(stack), add_token(stack, "team"))
    today = datetime.now(timezone.utc).date()
    query = f"from={today - timedelta(days=DAYS + 5)}&to={today}"
    response = curl(f"{stack.base}/team/summary?{query}", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200, response.body
    body = response.json()
    del body["generatedAt"]
    return body


def views(stack, user: str) -> dict:
    """What five readers say: `show --json` reads aggregate.json itself; `export` (CSV per day
    and per model), the Prometheus export, the user's summary and the team summary load the
    binary copy when it fits. The responders are restarted first: their caches are keyed on
    the user's files, not on the copy, which the test changes under them."""
    stack.restart()
    document = json.loads(run(stack, "show", user, "--json"))
    prometheus = [line for line in run(stack, "export", "--format", "prometheus").decode().splitlines()
                  if user in line and not line.startswith("#")]
    body = summary(stack, user)
    # The summary's sessions and every day's models are the document's.
    assert sorted(s["id"] for s in body["sessions"]) == sorted(document.get("sessions", {}))
    for day, bucket in document["days"].items():
        assert body["days"][day]["models"] == bucket.get("models", {}), day
    return {
        "summary_sessions": sorted((s["id"], s["lastActivity"], json.dumps(s["totals"], sort_keys=True)) for s in body["sessions"]),
        "summary_days": body["days"],
        "received": document["received"],
        "totals": document["totals"],
        "days": len(document["days"]),
        "by_day": run(stack, "export", user, "--by", "day"),
        "by_model": run(stack, "export", user, "--by", "model"),
        "prometheus": sorted(prometheus),
        "team": team_summary(stack),
    }


def test_readers_and_writers_agree_whatever_the_binary_copy_holds(stack):
    user = stack.add_user("Year-old user")
    history.grow(stack.port, user, DAYS)
    run(stack, "compact", user)
    directory = stack.data / "users" / user
    copy = directory / "aggregate.bin"
    assert (directory / "aggregate.json").stat().st_size >= 64 * 1024
    assert copy.is_file(), "a fold of a large aggregate.json writes its binary copy"
    whole = views(stack, user)
    assert whole["received"]["metricRequests"] == DAYS
    assert whole["received"]["logRequests"] == DAYS
    assert whole["days"] == DAYS
    assert whole["by_day"].count(b"\n") == DAYS + 1
    assert whole["prometheus"], "the Prometheus export names the user"
    assert whole["summary_sessions"], "the grown user's sessions are in the summary"

    good = copy.read_bytes()
    copy.unlink()
    assert views(stack, user) == whole, "without a copy the readers read the JSON"

    # One flipped byte in each section a reader reads: the published days (last), the history
    # (days, model maps, sessions) and the summary (first after the 112-byte header).
    summary_length, history_length = struct.unpack_from("<2Q", good, 48)
    for offset in (len(good) - 40, 112 + summary_length + history_length // 2, 112 + summary_length // 2):
        damaged = bytearray(good)
        damaged[offset] ^= 0x55
        copy.write_bytes(bytes(damaged))
        assert views(stack, user) == whole, f"a copy damaged at byte {offset} is passed over"

    # Writers started cold on a damaged copy: every request counted once.
    stack.restart()
    connection = history.connect(stack.port)
    now = history.day_start_ns(0) + 20 * 3600 * 1_000_000_000
    for salt in range(1, 6):
        history.post(connection, user, "metrics", history.metrics_body(now + salt * 1_000_000_000, salt))
    connection.close()
    after = views(stack, user)
    assert after["received"]["metricRequests"] == DAYS + 5
    assert after["received"]["logRequests"] == DAYS
    assert after["received"]["dataPointsDuplicate"] == whole["received"]["dataPointsDuplicate"]

    # A fold writes a good copy again; an earlier copy put back (as a crash between the two
    # renames of a fold would leave it) is passed over.
    run(stack, "compact", user)
    assert copy.read_bytes() != good
    assert views(stack, user) == after
    newer = copy.read_bytes()
    copy.write_bytes(good)
    assert views(stack, user) == after, "a copy of an earlier aggregate.json is passed over"
    copy.write_bytes(newer)
    assert views(stack, user) == after

    # verify finds nothing wrong with a user directory that holds a copy.
    result = stack.admin("verify")
    assert result.returncode == 0, result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")


def test_a_data_directory_of_an_earlier_version_gains_copies_from_compact_all(stack, tmp_path: Path):
    user = stack.add_user("Upgraded user")
    history.grow(stack.port, user, DAYS)
    run(stack, "compact", user)
    directory = stack.data / "users" / user
    (directory / "aggregate.bin").unlink()  # as an earlier version left it
    before = views(stack, user)
    saved = tmp_path / "aggregate.json"
    shutil.copyfile(directory / "aggregate.json", saved)
    output = run(stack, "compact", "--all").decode()
    assert (directory / "aggregate.bin").is_file(), output
    assert (directory / "aggregate.json").read_bytes() == saved.read_bytes(), "the document itself is not rewritten"
    assert views(stack, user) == before
