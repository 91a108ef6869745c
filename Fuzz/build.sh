#!/usr/bin/env bash
# Builds the libFuzzer targets of TelemetryCore with swiftc directly (a SwiftPM executable
# target cannot link with -sanitize=fuzzer). Everything goes under .build-fuzz/.
#
#   Fuzz/build.sh              # build all targets
#   Fuzz/build.sh json gzip    # build only these targets
#   FUZZ_SOURCES=DIR Fuzz/build.sh   # take Sources/ from DIR (e.g. a `git archive` snapshot)
#
# Modules, each a static library compiled with -sanitize=fuzzer,address (coverage-instrumented):
#   SwiftProtobuf  (the checkout pinned by Package.resolved)
#   OTLPProto      (Sources/OTLPProto)
#   TelemetryCore  (Sources/TelemetryCore; imports CZlib through Sources/CZlib/module.modulemap)
# then one executable per Fuzz/Targets/<name>/ (its *.swift files and Fuzz/Targets/Common.swift).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCRATCH="$ROOT/.build-fuzz"
SRC="$(cd "${FUZZ_SOURCES:-$ROOT}" && pwd)"
MODULES="$SCRATCH/modules"
BIN="$SCRATCH/bin"
ALL_TARGETS=(protobuf json gzip)
TARGETS=("${@:-${ALL_TARGETS[@]}}")

SWIFTC="${SWIFTC:-swiftc}"
SANITIZE="-sanitize=fuzzer,address"
# -O keeps Swift's overflow and bounds checks (only -Ounchecked drops them); -g for symbolized reports.
COMMON=(-O -g $SANITIZE -swift-version 6 -parse-as-library -I "$MODULES" -I "$SRC/Sources/CZlib")

mkdir -p "$MODULES" "$BIN"
# Modules built from another source tree are stale.
if [[ "$(cat "$MODULES/.sources" 2>/dev/null)" != "$SRC" ]]; then
    rm -f "$MODULES/libOTLPProto.a" "$MODULES/libTelemetryCore.a"
    echo "$SRC" > "$MODULES/.sources"
fi

# 1. The swift-protobuf checkout (same version as the package, resolved into .build-fuzz).
PROTOBUF_SRC="$SCRATCH/checkouts/swift-protobuf/Sources/SwiftProtobuf"
if [[ ! -d "$PROTOBUF_SRC" ]]; then
    echo "== swift package resolve --scratch-path .build-fuzz"
    swift package resolve --scratch-path "$SCRATCH"
fi

# Rebuilds a module only when one of its sources (or this script) is newer than the library.
build_module() {
    local name="$1" flags="$2"; shift 2
    local library="$MODULES/lib$name.a"
    local sources=("$@")
    if [[ -f "$library" ]]; then
        local newer
        newer="$(find "${sources[@]}" "$ROOT/Fuzz/build.sh" -newer "$library" -print -quit)"
        if [[ -z "$newer" ]]; then echo "== $name: up to date"; return; fi
    fi
    echo "== $name (${#sources[@]} files)"
    # -package-name: swift-protobuf uses `package` access between its files.
    "$SWIFTC" "${COMMON[@]}" -module-name "$name" -package-name "$name" -emit-library -static -emit-module \
        -emit-module-path "$MODULES/$name.swiftmodule" -o "$library" \
        -whole-module-optimization $flags "${sources[@]}"
}

mapfile -t protobuf_sources < <(find "$PROTOBUF_SRC" -name '*.swift' | sort)
mapfile -t otlp_sources < <(find "$SRC/Sources/OTLPProto" -name '*.swift' | sort)
mapfile -t core_sources < <(find "$SRC/Sources/TelemetryCore" -name '*.swift' | sort)

# swift-protobuf's own package settings: ExistentialAny.
build_module SwiftProtobuf "-enable-upcoming-feature ExistentialAny" "${protobuf_sources[@]}"
build_module OTLPProto "" "${otlp_sources[@]}"
build_module TelemetryCore "" "${core_sources[@]}"

# 2. One fuzzer executable per target.
for target in "${TARGETS[@]}"; do
    main="$ROOT/Fuzz/Targets/$target/main.swift"
    [[ -f "$main" ]] || { echo "no such target: $target ($main)" >&2; exit 2; }
    mapfile -t target_sources < <(find "$ROOT/Fuzz/Targets/$target" -name '*.swift' | sort)
    echo "== fuzz-$target"
    "$SWIFTC" "${COMMON[@]}" -module-name "Fuzz_$target" "${target_sources[@]}" "$ROOT/Fuzz/Targets/Common.swift" \
        -use-ld=lld -L "$MODULES" -lTelemetryCore -lOTLPProto -lSwiftProtobuf -lz \
        -o "$BIN/fuzz-$target"
done
echo "== built: ${TARGETS[*]/#/$BIN/fuzz-}"
