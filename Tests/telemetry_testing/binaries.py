"""The two release binaries a suite runs, found once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def release_binaries(bin_dir: str | None, variable: str) -> tuple[Path, Path]:
    """(responder, admin tool) in `bin_dir`; ends the run with exit code 4 when the directory
    was not given (by --bin-dir or `variable`) or either binary is missing."""
    if not bin_dir:
        pytest.exit(f"--bin-dir (or {variable}) is required: the directory of the release binaries", returncode=4)
    directory = Path(bin_dir).resolve()
    responder, admin = directory / "claude-telemetry-fcgi", directory / "claude-telemetry"
    for binary in (responder, admin):
        if not os.access(binary, os.X_OK):
            pytest.exit(f"{binary} is missing or not executable", returncode=4)
    return responder, admin
