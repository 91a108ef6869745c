#!/usr/bin/env bash
# Regenerate the OTLP request-body fixtures in Tests/TelemetryTesting/Fixtures/
# with the real OpenTelemetry Python encoders (from PyPI, pinned exactly).
#
#   scripts/make-fixtures.sh           # reuse the virtual environments if present
#   scripts/make-fixtures.sh --fresh   # delete and recreate them first
#
# Environment: PYTHON (default python3, 3.9 or newer), FIXTURES_VENV_DIR (default
# .build-fixtures-venv in the repository root; matched by the .build* ignore pattern),
# FIXTURES_OUT (default Tests/TelemetryTesting/Fixtures).
#
# Two virtual environments, one per encoder: the protobuf encoder comes with the
# stable 1.45.2 line; the JSON encoder exists only as a pre-release (0.66b1). Their
# HTTP exporters pin different transport packages, so the two lines are kept apart.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV_DIR="${FIXTURES_VENV_DIR:-$ROOT/.build-fixtures-venv}"
OUT="${FIXTURES_OUT:-$ROOT/Tests/TelemetryTesting/Fixtures}"

# Exact pins, dependencies included, so the bytes do not drift.
PB_PACKAGES=(
  opentelemetry-api==1.45.2
  opentelemetry-sdk==1.45.2
  opentelemetry-semantic-conventions==0.66b2
  opentelemetry-proto==1.45.2
  opentelemetry-exporter-otlp-proto-common==1.45.2
  protobuf==7.36.2
  typing_extensions==4.16.0
)
JSON_PACKAGES=(
  opentelemetry-api==1.45.2
  opentelemetry-sdk==1.45.2
  opentelemetry-semantic-conventions==0.66b2
  opentelemetry-proto-json==0.66b1
  opentelemetry-exporter-otlp-json-common==0.66b1
  typing_extensions==4.16.0
)

if [[ "${1:-}" == "--fresh" ]]; then
  rm -rf "$VENV_DIR"
fi

setup_venv() { # name packages...
  local dir="$VENV_DIR/$1"; shift
  if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c 'import sys' 2>/dev/null; then
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}

setup_venv pb "${PB_PACKAGES[@]}"
setup_venv json "${JSON_PACKAGES[@]}"

mkdir -p "$OUT"
"$VENV_DIR/pb/bin/python" "$ROOT/scripts/make_fixtures.py" pb "$OUT"
"$VENV_DIR/json/bin/python" "$ROOT/scripts/make_fixtures.py" json "$OUT"

echo "fixtures written to ${OUT#"$ROOT"/}"
