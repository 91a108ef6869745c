"""The real Claude Code CLI (2.1.332) exporting every second through a session that lasts
while the service is restarted every way an operator restarts it (issue #20, item 1): the
whole service (`scripts/run-service.sh restart`), the responders alone with nginx up (SIGHUP to
the master), and no responder at all for a moment with nginx up (the master stopped and
started again). Nothing Claude Code sent is lost: every body it sent was answered 200 in the end,
and the stored totals equal what the fake Messages API handed out, exactly.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from conftest import PREFIX, wait_until
from test_real_claude_code import (  # noqa: F401  (claude is a fixture)
    EXPECTED_LINES_ADDED, EXPECTED_LINES_REMOVED, PROTOBUF, SONNET, claude, claude_session, handed_out_tokens,
    new_installation, telemetry_env,
)
from test_restart_loses_nothing import Service, service  # noqa: F401  (service is a fixture)

import json


class Restarts(threading.Thread):
    """The three restarts, two seconds apart, once the session has exported for a while."""

    def __init__(self, service: Service):
        super().__init__(daemon=True)
        self.service = service
        self.done: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            time.sleep(4)
            self.service.script("restart")
            self.done.append("run-service.sh restart")
            time.sleep(2)
            os.kill(self.service.master(), signal.SIGHUP)
            self.done.append("SIGHUP")
            time.sleep(2)
            master = self.service.master()
            os.kill(master, signal.SIGTERM)
            assert wait_until(lambda: not Path(f"/proc/{master}").exists(), timeout=20)
            self.service.script()
            self.done.append("master stopped and started")
        except BaseException as error:  # reported by the test
            self.error = error


def test_real_claude_code_loses_nothing_across_restarts(claude, service, tmp_path):
    service.script()
    user = json.loads(service.admin("user", "add", "--name", "restart-cli", "--json").stdout)["id"]
    home, repo = new_installation(tmp_path)
    restarts = Restarts(service)
    restarts.start()
    # Each answer of the fake API takes 4 s, so the session (4 answers, 3 tools) outlasts the restarts.
    session = claude_session(
        claude, service, home, repo, model=SONNET, first_index=0, answer_delay=4.0,
        configure=lambda origin: telemetry_env(PROTOBUF, {"OTEL_EXPORTER_OTLP_ENDPOINT": f"{origin}{PREFIX}/users/{user}"}))
    restarts.join(timeout=60)
    assert restarts.error is None, f"{restarts.error}\n{service.log()}"
    assert restarts.done == ["run-service.sh restart", "SIGHUP", "master stopped and started"], restarts.done

    # Every body Claude Code sent was answered 200 in the end (a retry resends the same bytes).
    delivered = {exchange.body for exchange in session.exchanges if exchange.status == 200}
    lost = [(exchange.path, exchange.status) for exchange in session.exchanges if exchange.body not in delivered]
    statuses = sorted({exchange.status for exchange in session.exchanges})
    print(f"{len(session.exchanges)} exports, statuses {statuses}, "
          f"{len(session.exchanges) - len(delivered)} retried")
    assert not lost, f"exports lost across the restarts: {lost}"

    # The stored totals equal what the fake API handed out and the tools did, exactly.
    # The current document (aggregate.json with its journal folded in), as every reader sees it.
    document = json.loads(service.admin("show", user, "--json").stdout)
    totals = document["totals"]
    tokens = handed_out_tokens(session.handed_out)
    assert (totals["totalInputTokens"], totals["totalOutputTokens"], totals["totalCacheReadTokens"],
            totals["totalCacheCreationTokens"]) == (tokens["input"], tokens["output"], tokens["cacheRead"],
                                                    tokens["cacheCreation"])
    assert totals["apiRequests"] == document["events"]["api_request"] == len(session.handed_out)
    assert totals["totalSessions"] == 1
    assert totals["totalLinesAdded"] == EXPECTED_LINES_ADDED and totals["totalLinesRemoved"] == EXPECTED_LINES_REMOVED
    assert totals["aiAssistedCommits"] == 1
    assert totals["totalToolCalls"] == 3
