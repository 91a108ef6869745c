#!/usr/bin/env bash
# Builds the libFuzzer targets of the decoding and store modules with swiftc directly (a SwiftPM executable
# target cannot link with -sanitize=fuzzer). Everything goes under .build-fuzz/.
#
#   Fuzz/build.sh              # build all targets
#   Fuzz/build.sh json gzip    # build only these targets
#   FUZZ_SOURCES=DIR Fuzz/build.sh   # take Sources/ from DIR (e.g. a `git archive` snapshot)
#
# Modules, each a static library compiled with -sanitize=fuzzer,address (coverage-instrumented):
#   SwiftProtobuf  (the checkout pinned by Package.resolved)
#   CSystem, SystemPackage  (swift-system's checkout: the C shim and the Swift module SystemCalls builds on)
#   OTLPProto      (Sources/OTLPProto)
#   SystemCalls, TelemetryDecoding (imports CZlib through Sources/CZlib/module.modulemap),
#   TelemetryStore, TelemetryReference (Sources/<name>; one package name, for `package` access)
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
SYSTEM_SRC="$SCRATCH/checkouts/swift-system/Sources"
COMMON=(-O -g $SANITIZE -swift-version 6 -parse-as-library -I "$MODULES" -I "$SRC/Sources/CZlib"
    -I "$SYSTEM_SRC/CSystem/include")

mkdir -p "$MODULES" "$BIN"
# Modules built from another source tree are stale.
if [[ "$(cat "$MODULES/.sources" 2>/dev/null)" != "$SRC" ]]; then
    rm -f "$MODULES"/lib{OTLPProto,SystemCalls,TelemetryDecoding,TelemetryStore,TelemetryReference}.a
    echo "$SRC" > "$MODULES/.sources"
fi

# 1. The swift-protobuf and swift-system checkouts (the package's versions, resolved into .build-fuzz).
PROTOBUF_SRC="$SCRATCH/checkouts/swift-protobuf/Sources/SwiftProtobuf"
if [[ ! -d "$PROTOBUF_SRC" || ! -d "$SYSTEM_SRC/System" ]]; then
    echo "== swift package resolve --scratch-path .build-fuzz"
    swift package resolve --scratch-path "$SCRATCH"
fi

# Rebuilds a module only when one of its sources (or this script) is newer than the library.
build_module() {
    local name="$1" package="$2" flags="$3"; shift 3
    local library="$MODULES/lib$name.a"
    local sources=("$@")
    if [[ -f "$library" ]]; then
        local newer
        newer="$(find "${sources[@]}" "$ROOT/Fuzz/build.sh" -newer "$library" -print -quit)"
        if [[ -z "$newer" ]]; then echo "== $name: up to date"; return; fi
    fi
    echo "== $name (${#sources[@]} files)"
    # -package-name: swift-protobuf uses `package` access between its files, and the project's
    # modules between each other (as SwiftPM gives every target of one package the same name).
    "$SWIFTC" "${COMMON[@]}" -module-name "$name" -package-name "$package" -emit-library -static -emit-module \
        -emit-module-path "$MODULES/$name.swiftmodule" -o "$library" \
        -whole-module-optimization $flags "${sources[@]}"
}

mapfile -t protobuf_sources < <(find "$PROTOBUF_SRC" -name '*.swift' | sort)
mapfile -t otlp_sources < <(find "$SRC/Sources/OTLPProto" -name '*.swift' | sort)
sources_of() { find "$SRC/Sources/$1" -name '*.swift' | sort; }
mapfile -t system_sources < <(sources_of SystemCalls)
mapfile -t decoding_sources < <(sources_of TelemetryDecoding)
# Without the files that import swift-crypto (the admin tokens' SHA-256): nothing the fuzzers
# reach uses them, and building swift-crypto's BoringSSL by hand is not worth it.
mapfile -t store_sources < <(sources_of TelemetryStore | xargs grep -L '^import Crypto$')
mapfile -t reference_sources < <(sources_of TelemetryReference)

# swift-protobuf's own package settings: ExistentialAny.
build_module SwiftProtobuf SwiftProtobuf "-enable-upcoming-feature ExistentialAny" "${protobuf_sources[@]}"
# swift-system: its C shim, then its module with its own package settings (SYSTEM_PACKAGE, the
# Lifetimes feature, and an availability macro per version its sources name; on Linux they
# only have to parse).
if [[ ! -f "$MODULES/libCSystem.a" || "$SYSTEM_SRC/CSystem/shims.c" -nt "$MODULES/libCSystem.a" ]]; then
    echo "== CSystem"
    clang -O2 -g -fsanitize=address -I "$SYSTEM_SRC/CSystem/include" -c "$SYSTEM_SRC/CSystem/shims.c" \
        -o "$MODULES/CSystem.o"
    ar rcs "$MODULES/libCSystem.a" "$MODULES/CSystem.o"
fi
system_flags=(-D SYSTEM_PACKAGE -enable-experimental-feature Lifetimes)
for version in 0.0.1 0.0.2 0.0.3 1.1.0 1.1.1 1.2.0 1.2.1 1.3.0 1.3.1 1.3.2 1.4.0 1.7.0 199; do
    system_flags+=(-enable-experimental-feature "AvailabilityMacro=System $version:macOS 10.10")
done
mapfile -t system_package_sources < <(find "$SYSTEM_SRC/System" -name '*.swift' | sort)
if [[ ! -f "$MODULES/libSystemPackage.a" ]] \
    || [[ -n "$(find "${system_package_sources[@]}" "$ROOT/Fuzz/build.sh" -newer "$MODULES/libSystemPackage.a" -print -quit)" ]]
then
    echo "== SystemPackage (${#system_package_sources[@]} files)"
    "$SWIFTC" "${COMMON[@]}" -module-name SystemPackage -package-name swift_system -emit-library -static -emit-module \
        -emit-module-path "$MODULES/SystemPackage.swiftmodule" -o "$MODULES/libSystemPackage.a" \
        -whole-module-optimization "${system_flags[@]}" "${system_package_sources[@]}"
else
    echo "== SystemPackage: up to date"
fi
build_module OTLPProto OTLPProto "" "${otlp_sources[@]}"
# The project's own settings (Package.swift's swiftSettings): its imports are internal by default.
PROJECT="-enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility"
PROJECT+=" -enable-upcoming-feature InternalImportsByDefault"
build_module SystemCalls claude_telemetry "$PROJECT" "${system_sources[@]}"
build_module TelemetryDecoding claude_telemetry "$PROJECT" "${decoding_sources[@]}"
build_module TelemetryStore claude_telemetry "$PROJECT" "${store_sources[@]}"
build_module TelemetryReference claude_telemetry "$PROJECT" "${reference_sources[@]}"

# 2. One fuzzer executable per target.
for target in "${TARGETS[@]}"; do
    main="$ROOT/Fuzz/Targets/$target/main.swift"
    [[ -f "$main" ]] || { echo "no such target: $target ($main)" >&2; exit 2; }
    mapfile -t target_sources < <(find "$ROOT/Fuzz/Targets/$target" -name '*.swift' | sort)
    echo "== fuzz-$target"
    # The project's declarations are `package`: the fuzzers are of the same package.
    "$SWIFTC" "${COMMON[@]}" -module-name "Fuzz_$target" -package-name claude_telemetry "${target_sources[@]}" "$ROOT/Fuzz/Targets/Common.swift" \
        -use-ld=lld -L "$MODULES" -lTelemetryReference -lTelemetryStore -lTelemetryDecoding -lSystemCalls -lSystemPackage -lCSystem -lOTLPProto -lSwiftProtobuf -lz \
        -lFoundation -lswiftSynchronization \
        -o "$BIN/fuzz-$target"
done
echo "== built: ${TARGETS[*]/#/$BIN/fuzz-}"
