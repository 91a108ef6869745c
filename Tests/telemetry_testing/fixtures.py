"""What the committed fixtures in Tests/TelemetryTesting/Fixtures contain (see its README),
as the totals a user's aggregate.json must show after receiving them."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "TelemetryTesting" / "Fixtures"

# metrics-delta.{pb,json,json.gz}: one session of delta counters.
DELTA_TOTALS = {
    "totalSessions": 1,
    "totalInputTokens": 1500 + 200,
    "totalOutputTokens": 300 + 50,
    "totalCacheReadTokens": 12000,
    "totalCacheCreationTokens": 800,
    "totalLinesAdded": 42,
    "totalLinesRemoved": 7,
    "aiAssistedCommits": 2,
    "prsCreated": 1,
    "editDecisions": 5,
    "editsAccepted": 4,  # tool_name=Edit 3 + old attribute tool=Edit 1
    "editsRejected": 1,
}
DELTA_COST = 0.0123 + 0.0004
DELTA_MINUTES = (90.5 + 29.5) / 60


def assert_delta_totals(document: dict, times: int = 1) -> None:
    """`document` (an aggregate.json) holds exactly `times` × metrics-delta's totals."""
    totals = document["totals"]
    for key, value in DELTA_TOTALS.items():
        assert totals[key] == value * times, f"totals.{key} = {totals[key]}, expected {value * times}"
    assert abs(totals["totalTokenCostUsd"] - DELTA_COST * times) < 1e-9, totals["totalTokenCostUsd"]
    assert abs(totals["totalMinutes"] - DELTA_MINUTES * times) < 1e-9, totals["totalMinutes"]
