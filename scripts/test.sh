#!/usr/bin/env bash
# The second of the README's two commands: runs every test on a fresh Debian machine.
#   1. installs what is missing (libfcgi-dev, nginx, spawn-fcgi, curl, python3-venv, ...),
#   2. the Swift sources as .swift-format wants them (swift format lint --strict), then unit tests
#      of the core and the request handling (swift test, Swift Testing),
#   3. a release build, the deployment suite (Tests/Deployment) and the end-to-end suite: real
#      nginx + spawn-fcgi on 127.0.0.1 driven by the real OpenTelemetry Python SDK and the real
#      Claude Code CLI, the dashboard in headless Chromium, a real Prometheus (Tests/EndToEnd).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
source scripts/lib.sh

ensure_service_packages
ensure_packages python3:python3 gzip:gzip flock:util-linux nm:binutils
# python3-venv has no command of its own: check that venv can bootstrap pip.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || install_packages python3-venv

echo "== formatting (swift format lint --strict)"
# Fix with: swift format format -i -r Sources Tests Package.swift
swift format lint --strict -r Sources Tests Package.swift

echo "== unit tests (swift test)"
swift build --build-tests
swift test --skip-build

echo "== release build (static Swift runtime, as docs/deployment.md installs it)"
# Only tests, fuzzing and benchmarks use swift-protobuf (TelemetryReference): the binaries must not link it.
# And they carry the Swift runtime: no shared library of the toolchain (docs/deployment.md).
for binary in claude-telemetry-fcgi claude-telemetry; do
    swift build -c release --static-swift-stdlib --product "$binary"
    if nm "$repo/.build/release/$binary" | grep SwiftProtobuf >/dev/null; then
        echo "$binary links swift-protobuf; only TelemetryReference may depend on it" >&2
        exit 1
    fi
    if ldd "$repo/.build/release/$binary" | grep -E 'libswift|libFoundation|libdispatch' >&2; then
        echo "$binary loads the shared libraries above; build it with --static-swift-stdlib" >&2
        exit 1
    fi
done

echo "== deployment suite (existing nginx, systemd units, Apache CGI and mod_fcgid, spawn-fcgi)"
Tests/Deployment/run.sh "$repo/.build/release"

# Last, so that its summary closes the output.
echo "== end-to-end suite (nginx + spawn-fcgi + OpenTelemetry Python SDK, reliability, hostile input, the dashboard in headless Chromium)"
Tests/EndToEnd/run.sh "$repo/.build/release"
