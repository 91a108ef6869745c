#!/usr/bin/env bash
# Deployment tests: the shipped nginx snippets, systemd units and Apache examples, for real on
# 127.0.0.1 and under a real systemd in throwaway namespaces. What each test checks is listed
# in docs/deployment.md ("What the tests check"), next to the instructions they verify.
#
#   Tests/Deployment/run.sh BIN_DIR [pytest arguments...]
#
# BIN_DIR holds the release binaries claude-telemetry-fcgi and claude-telemetry, e.g.
#   swift build -c release --scratch-path .build-deploy
#   Tests/Deployment/run.sh "$(swift build -c release --scratch-path .build-deploy --show-bin-path)"
#
# Installs what is missing on a Debian machine: nginx, spawn-fcgi, curl (scripts/lib.sh), apache2,
# libapache2-mod-fcgid, strace. The tests need only the standard library and pytest: they use
# the pytest of Tests/EndToEnd's venv (.build-e2e-venv/proto) when it exists, and otherwise make
# .build-deploy-venv with the same pytest pins. Most tests need root (they start nginx and Apache
# as root with www-data workers and switch users); as another user they are skipped.
# DEPLOY_KEEP_TEMP=1 keeps each test's directory (/tmp/claude-telemetry-deploy-*).
# The exit code is pytest's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
BIN_DIR=$(release_bin_dir "Tests/Deployment/run.sh BIN_DIR [pytest arguments...]" "$@") || exit 2
shift
ensure_service_packages
ensure_packages python3:python3 apache2:apache2 strace:strace
[[ -f /usr/lib/apache2/modules/mod_fcgid.so ]] || install_packages libapache2-mod-fcgid
# systemd-analyze (package systemd) is used when present; the test says so when it is not.

PYTHON="${PYTHON:-python3}"
PYTEST_PINS=(pytest==9.2.0 iniconfig==2.3.1 packaging==26.3 pluggy==1.7.0 Pygments==2.21.0)
runner=""
for candidate in "$ROOT/.build-e2e-venv/proto/bin/python" "$ROOT/.build-deploy-venv/bin/python"; do
  if [[ -x "$candidate" ]] && "$candidate" -c 'import pytest' 2>/dev/null; then
    runner="$candidate"
    break
  fi
done
if [[ -z "$runner" ]]; then
  venv="$ROOT/.build-deploy-venv"
  rm -rf "$venv"
  if ! "$PYTHON" -m venv "$venv" 2>/dev/null || [[ ! -x "$venv/bin/pip" ]]; then
    rm -rf "$venv"
    install_packages python3-venv
    "$PYTHON" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${PYTEST_PINS[@]}"
  runner="$venv/bin/python"
fi

export DEPLOY_BIN_DIR="$BIN_DIR"
export PYTHONDONTWRITEBYTECODE=1
cd "$ROOT"
status=0
"$runner" -m pytest -p no:cacheprovider --rootdir "$ROOT/Tests/Deployment" "$ROOT/Tests/Deployment" "$@" || status=$?
exit "$status"
