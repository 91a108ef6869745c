#!/usr/bin/env bash
# Regenerates the committed seed corpora Fuzz/Corpus/<target>/ from the OTLP fixtures in
# Tests/TelemetryTesting/Fixtures. Needs python3 (zlib, json) and the modules built by
# Fuzz/build.sh. The seeds are small on purpose; the working corpus grows under .build-fuzz/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FIXTURES="$ROOT/Tests/TelemetryTesting/Fixtures"
CORPUS="$ROOT/Fuzz/Corpus"
MODULES="$ROOT/.build-fuzz/modules"
[[ -f "$MODULES/libTelemetryReference.a" ]] || "$ROOT/Fuzz/build.sh"

rm -rf "$CORPUS"
mkdir -p "$CORPUS"/{protobuf,json,gzip}

# protobuf / json: the fixture bodies as the OpenTelemetry Python encoders wrote them.
for name in empty-metrics metrics-cumulative-1 metrics-delta metrics-kinds logs; do
    cp "$FIXTURES/$name.pb" "$CORPUS/protobuf/$name.pb"
    cp "$FIXTURES/$name.json" "$CORPUS/json/$name.json"
done

# gzip: two gzip fixtures, the same kinds of body as zlib, raw deflate and a two-member gzip.
cp "$FIXTURES/logs.pb.gz" "$FIXTURES/metrics-delta.json.gz" "$CORPUS/gzip/"
python3 - "$FIXTURES" "$CORPUS/gzip" <<'PY'
import gzip, sys, zlib, pathlib
fixtures, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
body = (fixtures / "metrics-cumulative-1.pb").read_bytes()
(out / "metrics-cumulative-1.pb.zlib").write_bytes(zlib.compress(body, 9))
raw = zlib.compressobj(9, zlib.DEFLATED, -15)
(out / "metrics-cumulative-1.pb.deflate").write_bytes(raw.compress(body) + raw.flush())
two = gzip.compress(body[:200], 9, mtime=0) + gzip.compress(body[200:], 9, mtime=0)
(out / "metrics-cumulative-1.pb.2members.gz").write_bytes(two)
PY

# gzip: aggregate.json documents as AggregateCoding.encode writes them.
TOOL="$ROOT/.build-fuzz/bin/aggregate-seeds"
swiftc -O -sanitize=address -parse-as-library -I "$MODULES" -I "$ROOT/Sources/CZlib" -module-name AggregateSeeds \
    "$ROOT/Fuzz/Tools/aggregate-seeds.swift" "$ROOT/Fuzz/Targets/gzip/FixedRequests.swift" -use-ld=lld -L "$MODULES" -lTelemetryReference -lTelemetryStore -lTelemetryDecoding -lSystemCalls -lSystemPackage -lCSystem -lOTLPProto -lSwiftProtobuf -lz \
    "$(dirname "$(dirname "$(command -v swiftc)")")"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a \
    -o "$TOOL"
"$TOOL" "$CORPUS/gzip" "$FIXTURES"

ls -l "$CORPUS"/*
