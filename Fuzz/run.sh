#!/usr/bin/env bash
# Builds the fuzz targets, then runs each for SECONDS_PER_TARGET (default 600), one after
# the other, one libFuzzer job at a time.
#
#   Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      # targets: protobuf json gzip (default: all)
#
# Per target:
#   working corpus  .build-fuzz/corpus/<target>/   (grows; seeded from Fuzz/Corpus/<target>/)
#   findings        .build-fuzz/crashes/<target>/  (crash-*, timeout-*, oom-*, leak-*)
#   log             .build-fuzz/logs/<target>-<UTC time>.log
# Extra libFuzzer flags can be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS="-seed=1").
# Exit status: 0 when no target found anything, 1 otherwise.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=(protobuf json gzip)
(( $# > 0 )) && TARGETS=("$@")
SCRATCH="$ROOT/.build-fuzz"

[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || { echo "usage: Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }

"$ROOT/Fuzz/build.sh" "${TARGETS[@]}" || exit 2

# Longest input per target: a little above the largest seed (the fixture bodies), so
# mutations can grow them, but not so large that runs get slow.
max_len() {
    case "$1" in
        protobuf) echo 8192 ;;
        json) echo 16384 ;;
        *) echo 8192 ;;
    esac
}
dictionary() {
    case "$1" in
        protobuf|json) echo "$ROOT/Fuzz/Dictionaries/otlp.dict" ;;
        gzip) echo "$ROOT/Fuzz/Dictionaries/aggregate.dict" ;;
        *) echo "" ;;
    esac
}

# Let a Swift runtime failure (fatalError, overflow, index out of range) reach libFuzzer's
# crash handler directly: the Swift backtracer, run inside an ASan process, reports a false
# heap-buffer-overflow of its own after printing the backtrace.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

found=0
summary=()
for target in "${TARGETS[@]}"; do
    corpus="$SCRATCH/corpus/$target"
    crashes="$SCRATCH/crashes/$target"
    logs="$SCRATCH/logs"
    mkdir -p "$corpus" "$crashes" "$logs/$target"
    log="$logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
    dict="$(dictionary "$target")"
    before="$(find "$crashes" -type f | wc -l)"
    echo "== fuzz-$target for ${SECONDS_PER_TARGET}s (log: $log)"
    # -jobs=1 -workers=1: one fuzzing process at a time (libFuzzer then runs the fuzzer as one
    # child whose output goes to fuzz-0.log in the working directory, and prints it when done).
    # The first corpus directory receives new inputs; the committed seeds are only read.
    (
        cd "$logs/$target" &&
        "$SCRATCH/bin/fuzz-$target" \
            -jobs=1 -workers=1 \
            -max_total_time="$SECONDS_PER_TARGET" \
            -rss_limit_mb=2048 \
            -timeout=10 \
            -max_len="$(max_len "$target")" \
            ${dict:+-dict="$dict"} \
            -artifact_prefix="$crashes/" \
            -print_final_stats=1 \
            ${FUZZ_FLAGS:-} \
            "$corpus" "$ROOT/Fuzz/Corpus/$target"
    ) > "$log" 2>&1
    status=$?
    after="$(find "$crashes" -type f | wc -l)"
    last="$(grep -E '^#[0-9]+' "$log" | tail -1)"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)"
    cov="$(sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p' <<<"$last")"
    files="$(find "$corpus" -type f | wc -l)"
    line="$target: exit $status, ${runs:-?} runs, ${speed:-?} exec/s, ${cov:-cov ?}, corpus $files files, peak rss ${rss:-?} MB, new findings $((after - before))"
    echo "   $line"
    summary+=("$line")
    if (( status != 0 || after > before )); then
        found=1
        grep -E 'ERROR|Fatal error|SUMMARY|Test unit written|ALARM|^MS: ' "$log" | tail -8 | sed 's/^/   | /'
    fi
done

echo "== summary (${SECONDS_PER_TARGET}s per target)"
printf '   %s\n' "${summary[@]}"
exit "$found"
