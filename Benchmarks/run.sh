#!/usr/bin/env bash
# The benchmark kit: the product against physical ceilings, in one run on one machine.
#
#   Benchmarks/run.sh            full run (~17-20 minutes)
#   Benchmarks/run.sh --quick    short run (~6 minutes)
#
# See Benchmarks/README.md for what is measured and how to read the table. Prints one table and
# writes it to .build-bench/results.md (raw figures in .build-bench/bench-results/).
#
# Environment (all optional):
#   PRODUCT_PROCESSES, PRODUCT_THREADS  the product's spawn-fcgi -F and --threads; when unset,
#                                       the full run tries 1x2, 2x1, 2x2, 2x4 per durability
#                                       mode and keeps the best, --quick uses 2x2
#   BENCH_DATA_PARENT   where the data directories (and the storage loop's files) go; default
#                       .build-bench in the repository, i.e. the repository's file system
#   BENCH_POOL_SIZE     number of distinct request bodies (default 10000, --quick 2000)
#   BENCH_RSS_REQUESTS, BENCH_RSS_MAX_SECONDS  the memory phase: requests to send (default
#                       1000000, --quick 100000) and its time cap (default 360 s, --quick 60 s)
#   BENCH_SKIP_BUILD=1  use the binaries already in .build-bench/release
#   BENCH_KEEP=1        keep the temporary directory (logs, data) for inspection
#   HISTORY_POPULATIONS the populations of step 2b (default "100 1000")
#   BENCH_PERF=1        record each product run's responders with `perf record -g` and write
#                       the hottest symbols next to its figures (NAME.perf.txt)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/Benchmarks"
QUICK=0
for argument in "$@"; do
  case "$argument" in
    --quick) QUICK=1 ;;
    --history-only) HISTORY_ONLY=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $argument (usage: Benchmarks/run.sh [--quick] [--history-only])" >&2; exit 2 ;;
  esac
done

# shellcheck source=../scripts/lib.sh
source "$ROOT/scripts/lib.sh"

if [[ $QUICK -eq 1 ]]; then
  HTTP_SECONDS=4; PRODUCT_SECONDS=5; SWEEP_SECONDS=0; STORAGE_SECONDS=1; STORAGE_ROUNDS=2; DECODE_ROUNDS=2
  POOL_SIZE=${BENCH_POOL_SIZE:-2000}; RSS_REQUESTS=${BENCH_RSS_REQUESTS:-100000}; RSS_MAX_SECONDS=${BENCH_RSS_MAX_SECONDS:-60}
  TEAM_RSS_REQUESTS=${BENCH_TEAM_RSS_REQUESTS:-1000}
else
  HTTP_SECONDS=15; PRODUCT_SECONDS=20; SWEEP_SECONDS=6; STORAGE_SECONDS=3; STORAGE_ROUNDS=3; DECODE_ROUNDS=3
  POOL_SIZE=${BENCH_POOL_SIZE:-10000}; RSS_REQUESTS=${BENCH_RSS_REQUESTS:-1000000}; RSS_MAX_SECONDS=${BENCH_RSS_MAX_SECONDS:-360}
  TEAM_RSS_REQUESTS=${BENCH_TEAM_RSS_REQUESTS:-10000}
fi
RSS_SEGMENTS=10
CONNECTIONS=32
WRK_THREADS=2
USERS=1000

SCRATCH="$ROOT/.build-bench"
RESULTS="$SCRATCH/bench-results"
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------ packages and builds
ensure_service_packages
ensure_packages wrk:wrk gcc:gcc python3:python3
command -v swift >/dev/null || { echo "swift is not on PATH (see README.md)" >&2; exit 1; }

mkdir -p "$SCRATCH"
BIN="$SCRATCH/release"
PRODUCTS=(claude-telemetry-fcgi claude-telemetry telemetry-bench)
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  say "building the product (swift build -c release --static-swift-stdlib --scratch-path .build-bench)"
  for attempt in 1 2 3; do
    # One product at a time: the test support targets cannot link the Swift runtime statically.
    if (cd "$ROOT" && for product in "${PRODUCTS[@]}"; do
          swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product "$product" || exit 1
        done >"$SCRATCH/bench-build.log" 2>&1); then
      break
    fi
    # Others build in the same tree: a half-written file of someone else's fails the build.
    if [[ $attempt -eq 3 ]]; then tail -30 "$SCRATCH/bench-build.log" >&2; exit 1; fi
    say "build failed, retrying in 20 s (see $SCRATCH/bench-build.log)"
    sleep 20
  done
fi
BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)"
for binary in "${PRODUCTS[@]}"; do
  [[ -x "$BIN/$binary" ]] || { echo "$BIN/$binary is missing" >&2; exit 1; }
done
CBIN="$SCRATCH/bench-c"
mkdir -p "$CBIN"
gcc -O2 -Wall -o "$CBIN/empty-responder" "$HERE/empty_responder.c" -lfcgi
gcc -O2 -Wall -o "$CBIN/storage-loop" "$HERE/storage_loop.c"

# ------------------------------------------------------------------ temporary directory, cleanup
DATA_PARENT="${BENCH_DATA_PARENT:-$SCRATCH}"
mkdir -p "$DATA_PARENT"
WORK="$(mktemp -d "$DATA_PARENT/bench-tmp.XXXXXX")"
WORK="$(cd "$WORK" && pwd)"
chmod 755 "$WORK"   # nginx's workers (nobody, when run as root) must reach the socket in it
CURRENT_RUN=""
cleanup() {
  local status=$?
  if [[ -n "$CURRENT_RUN" ]]; then stop_stack "$CURRENT_RUN" || true; fi
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE_URL="http://127.0.0.1:$PORT"
HEALTH_PATH="/api/v1/integrations/claude/metrics"

# ------------------------------------------------------------------ machine
# describe_fs DIR: "ext4 (no journal) on /dev/vda, options" (the journal, when the kernel tells).
describe_fs() {
  local type source options journal=""
  type=$(findmnt -no FSTYPE -T "$1" 2>/dev/null || stat -f -c %T "$1")
  source=$(findmnt -no SOURCE -T "$1" 2>/dev/null || echo "?")
  options=$(findmnt -no OPTIONS -T "$1" 2>/dev/null || echo "?")
  if [[ $type == ext4 && -r /sys/fs/ext4/${source##*/}/journal_task ]]; then
    if [[ "$(cat "/sys/fs/ext4/${source##*/}/journal_task")" == "<none>" ]]; then journal=" (no journal)"; else journal=" (journal)"; fi
  fi
  echo "$type$journal on $source, $options"
}
{
  echo "mode=$([[ $QUICK -eq 1 ]] && echo quick || echo full)"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "fs=$(describe_fs "$WORK")"
  echo "data_parent=$DATA_PARENT"
  echo "kernel=$(uname -sr)"
  echo "nginx=$("$(nginx_binary)" -v 2>&1 | sed 's/^nginx version: //')"
  echo "swift=$(swift --version 2>&1 | grep -m1 -i 'swift version' || true)"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "connections=$CONNECTIONS"
  echo "wrk_threads=$WRK_THREADS"
  echo "pool_size=$POOL_SIZE"
  echo "storage_seconds=$STORAGE_SECONDS"
  echo "product_seconds=$PRODUCT_SECONDS"
} > "$RESULTS/machine.txt"

# ------------------------------------------------------------------ request bodies and users
POOL="$SCRATCH/bench-pool/$POOL_SIZE-$(cat "$HERE/gen_bodies.py" | md5sum | cut -c1-12)"
if [[ ! -f "$POOL/ready" ]]; then
  say "generating $POOL_SIZE distinct request bodies"
  # Keep the other size's pool (full / --quick); drop pools of an older generator.
  find "$SCRATCH/bench-pool" -mindepth 1 -maxdepth 1 -type d ! -name "*-${POOL##*-}" -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$POOL"
  mkdir -p "$POOL"
  python3 "$HERE/gen_bodies.py" "$POOL" "$POOL_SIZE" | tee "$POOL/summary.txt" >&2
  # With the real opentelemetry-proto classes at hand (the e2e venv), check the bodies parse.
  if [[ -x "$ROOT/.build-e2e-venv/proto/bin/python" ]]; then
    "$ROOT/.build-e2e-venv/proto/bin/python" "$HERE/gen_bodies.py" "$POOL" --check --every 7 | tee -a "$POOL/summary.txt" >&2
  fi
  touch "$POOL/ready"
fi
cp "$POOL/summary.txt" "$RESULTS/pool.txt"

# The users, created with the product's own admin command, are kept for the next run as long as
# that binary is the same (1000 process starts take half a minute).
USERS_CACHE="$SCRATCH/bench-users/$USERS-$(md5sum < "$BIN/claude-telemetry" | cut -c1-12)"
if [[ ! -f "$USERS_CACHE/ready" ]]; then
  say "creating $USERS users (claude-telemetry user add)"
  rm -rf "$SCRATCH/bench-users"
  mkdir -p "$USERS_CACHE/data"
  seq 1 "$USERS" | xargs -P 8 -I{} "$BIN/claude-telemetry" --data-dir "$USERS_CACHE/data" user add --name u{} --json >/dev/null
  touch "$USERS_CACHE/ready"
fi
TEMPLATE="$WORK/template"
cp -a "$USERS_CACHE/data" "$TEMPLATE"
ls "$TEMPLATE/users" > "$WORK/users-all.txt"
head -1 "$WORK/users-all.txt" > "$WORK/users-one.txt"
[[ $(wc -l < "$WORK/users-all.txt") -eq $USERS ]] || { echo "expected $USERS users" >&2; exit 1; }

# ------------------------------------------------------------------ helpers
# CPU time (clock ticks, user + system) of the processes named.
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
nginx_pids() {
  local master
  master=$(cat "$CURRENT_RUN/nginx.pid" 2>/dev/null) || return 0
  echo "$master" $(pgrep -P "$master")
}
# busy and total ticks of the whole machine (/proc/stat)
machine_ticks() {
  awk '/^cpu / {total = 0; for (i = 2; i <= NF; i++) total += $i; print total - $5 - $6, total}' /proc/stat
}

# run_wrk NAME SECONDS MODE USERS_FILE [CYCLE [QUOTA]]  -> $RESULTS/NAME.json (+ NAME.cpu.json)
# WRK_RATE=R before the call paces that run to R requests per second (otlp.lua's BENCH_RATE).
# Besides wrk's figures, it records the CPU time the responders, nginx and wrk used during the
# run, and how busy the machine was: the rest is other people's work.
run_wrk() {
  local name=$1 seconds=$2 mode=$3 users=$4 cycle=${5:-0} quota=${6:-0}
  local responders=() nginx=() r0 n0 m0 r1 n1 m1
  read -r -a responders < <(cat "$CURRENT_RUN/responder.pids" 2>/dev/null | tr '\n' ' '; echo)
  read -r -a nginx < <(nginx_pids; echo)
  r0=$(cpu_ticks "${responders[@]}"); n0=$(cpu_ticks "${nginx[@]}"); m0=$(machine_ticks)
  local perf_pid=""
  if [[ ${BENCH_PERF:-0} -eq 1 && ${#responders[@]} -gt 0 ]]; then
    perf record -q -F 499 -g -o "$WORK/$name.perf.data" -p "$(IFS=,; echo "${responders[*]}")" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  ( BENCH_MODE=$mode BENCH_POOL="$POOL" BENCH_USERS="$users" BENCH_THREADS=$WRK_THREADS \
    BENCH_CYCLE=$cycle BENCH_QUOTA=$quota BENCH_PATH="$HEALTH_PATH" BENCH_RESULT="$RESULTS/$name.json" \
    BENCH_RATE="${WRK_RATE:-0}" BENCH_CONNECTIONS=$CONNECTIONS \
    wrk -c $CONNECTIONS -t $WRK_THREADS -d "${seconds}s" --timeout 10s --latency -s "$HERE/otlp.lua" \
    "$BASE_URL/" > "$WORK/$name.wrk.txt" 2>&1 && times > "$WORK/$name.times" ) \
    || { cat "$WORK/$name.wrk.txt" >&2; return 1; }
  r1=$(cpu_ticks "${responders[@]}"); n1=$(cpu_ticks "${nginx[@]}"); m1=$(machine_ticks)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null || true
    perf report -q -i "$WORK/$name.perf.data" --no-children --sort dso,symbol --percent-limit 0.7 2>/dev/null \
      | grep -v '^$' | grep -v '^ *|' | grep -v '^ *-' | head -60 > "$RESULTS/$name.perf.txt" || true
  fi
  [[ -s "$RESULTS/$name.json" ]] || { cat "$WORK/$name.wrk.txt" >&2; return 1; }
  python3 - "$RESULTS/$name.json" "$WORK/$name.times" "$(getconf CLK_TCK)" "$((r1 - r0))" "$((n1 - n0))" \
    "${m0% *}" "${m0#* }" "${m1% *}" "${m1#* }" > "$RESULTS/$name.cpu.json" <<'EOF2'
import json, re, sys
result = json.load(open(sys.argv[1]))
tick = 1.0 / int(sys.argv[3])
# `times`: the second line is the children's (wrk's) user and system time, e.g. "0m1.234s 0m0.567s".
line = open(sys.argv[2]).read().splitlines()[1]
wrk = sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", line))
responder, nginx = int(sys.argv[4]) * tick, int(sys.argv[5]) * tick
busy = (int(sys.argv[8]) - int(sys.argv[6])) * tick
total = (int(sys.argv[9]) - int(sys.argv[7])) * tick
requests = max(1, result["requests"])
print(json.dumps({
    "responder_us": responder / requests * 1e6, "nginx_us": nginx / requests * 1e6, "wrk_us": wrk / requests * 1e6,
    "machine_busy_pct": 100.0 * busy / total if total else 0.0,
    "others_pct": 100.0 * max(0.0, busy - responder - nginx - wrk) / total if total else 0.0,
}))
EOF2
  say "$name: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, non-200 %d, partial %d; CPU/request: responder %.0f us, nginx %.0f us, wrk %.0f us; machine %.0f%% busy, others %.0f%%" % (r["rps"], r["p50_ms"], r["p99_ms"], r["non200"], r["partial"], c["responder_us"], c["nginx_us"], c["wrk_us"], c["machine_busy_pct"], c["others_pct"]))' "$RESULTS/$name.json" "$RESULTS/$name.cpu.json")"
}

# start NAME BINARY PROCESSES DATA_DIR [responder args...]
start() {
  local name=$1 binary=$2 processes=$3 data=$4
  shift 4
  CURRENT_RUN="$WORK/run-$name"
  SPAWN_PROCESSES=$processes start_stack "$ROOT" "$CURRENT_RUN" "$PORT" "$binary" "$data" "$@"
}
stop() {
  stop_stack "$CURRENT_RUN"
  CURRENT_RUN=""
}

# fresh_data DIR: a copy of the 1000 users, nothing received yet.
fresh_data() {
  rm -rf "$1"
  cp -a "$TEMPLATE" "$1"
}

# check_written NAME DATA_DIR [BASELINE]: how many requests changed a document (aggregate.json
# `received`, less BASELINE: what the documents had counted before the run), to compare with the
# 200s wrk saw (a replay would change nothing), and the documents' sizes.
check_written() {
  # aggregate.json may lag its journal by the compaction bounds: fold every journal first.
  CLAUDE_TELEMETRY_DATA_DIR="$2" "$BIN/claude-telemetry" compact --all >/dev/null
  python3 - "$RESULTS/$1.json" "$2" "$CONNECTIONS" "${3:-0}" > "$RESULTS/$1.written.json" <<'EOF'
import glob, json, os, sys
result = json.load(open(sys.argv[1]))
written, sizes = -int(sys.argv[4]), []
for path in glob.glob(os.path.join(sys.argv[2], "users", "*", "aggregate.json")):
    document = json.load(open(path))
    written += document["received"]["metricRequests"] + document["received"]["logRequests"]
    sizes.append(os.path.getsize(path))
sizes.sort()
ok = result["responses"] - result["non200"]
# wrk stops with up to one request per connection in flight: the server may have applied
# those without wrk counting the answer.
print(json.dumps({"written": written, "ok": ok, "consistent": 0 <= written - ok <= int(sys.argv[3]),
                  "documents": len(sizes), "median_bytes": sizes[len(sizes) // 2] if sizes else 0,
                  "max_bytes": sizes[-1] if sizes else 0}))
EOF
}

# settle: start the next measurement from the same file-system state. On ext4 without a
# journal, allocating an inode skips every inode freed in the last 5 s, or in the last 305 s
# while its inode-table block is still dirty; each update frees one inode (the replaced file),
# so after a few thousand updates file creation slows down several times over, for minutes.
# `sync` writes the dirty blocks, and 6 s later nothing counts as recently freed any more.
settle() {
  sync
  sleep 6
}

# storage NAME USERS fast|durable PROCESSES [BYTES [SECONDS [ROUNDS]]]: the best of the rounds
# (a ceiling is what the machine can do; on a shared machine one run may fall on a busy moment),
# starting from a settled file system.
storage() {
  local name=$1 users=$2 mode=$3 processes=$4 bytes=${5:-4096} seconds=${6:-$STORAGE_SECONDS}
  local rounds=${7:-$STORAGE_ROUNDS}
  local dir="$WORK/storage-$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  settle
  "$CBIN/storage-loop" "$dir" "$users" "$seconds" "$mode" "$processes" "$bytes" "$rounds" \
    > "$RESULTS/storage-$name.all.txt"
  sort -t= -k4 -n "$RESULTS/storage-$name.all.txt" | tail -1 > "$RESULTS/storage-$name.txt"
  rm -rf "$dir"
  say "storage $name: $(cat "$RESULTS/storage-$name.txt") (best of $rounds: $(sed 's/.*ops_per_s=//' "$RESULTS/storage-$name.all.txt" | paste -sd' '))"
}

# matched_storage MODE PRODUCT_RUN WRITERS: the storage ceiling under the product run's own
# conditions: as long as the product run, files as large as its median document, from a
# settled file system, with 2 processes and with as many as the product had workers (the better
# counts). This is the ceiling the throughput goal compares with.
matched_storage() {
  local mode=$1 run=$2 writers=$3 bytes
  bytes=$(python3 -c 'import json,sys; print(max(4096, json.load(open(sys.argv[1]))["median_bytes"]))' "$RESULTS/$run.written.json")
  storage "$mode-u1000-matched-p2" 1000 "$mode" 2 "$bytes" "$PRODUCT_SECONDS" 1
  if [[ $writers -ne 2 ]]; then
    storage "$mode-u1000-matched-p$writers" 1000 "$mode" "$writers" "$bytes" "$PRODUCT_SECONDS" 1
  fi
  echo "matched_${mode}_bytes=$bytes" >> "$RESULTS/machine.txt"
  echo "matched_${mode}_writers=$writers" >> "$RESULTS/machine.txt"
}

# rss_sample LABEL REQUESTS: VmRSS and VmHWM of every responder process
rss_sample() {
  local pid
  for pid in $(cat "$CURRENT_RUN/responder.pids"); do
    [[ -r /proc/$pid/status ]] || continue
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$pid" \
      "$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)" "$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status)"
  done >> "$RESULTS/rss.tsv"
}

# ------------------------------------------------------------------ 2b. users with history
# history_step: the write cost and the throughput for users with a year of history, grown
# through the product's own write path (Benchmarks/history.py), against new users in the same run.
history_step() {
  local config=${CONFIG_HISTORY:-2x2} rounds
  rounds=$([[ $QUICK -eq 1 ]] && echo 100 || echo 300)
  mapfile -t grown < <(head -5 "$WORK/users-all.txt")
  fresh_data "$WORK/data"
  settle
  start history-grow "$PRODUCT" "${config%x*}" "$WORK/data" --threads "${config#*x}" --durability durable
  say "history: growing users of 30, 90 and 400 days through the product"
  python3 "$HERE/history.py" grow "$PORT" "${grown[1]}" 30
  python3 "$HERE/history.py" grow "$PORT" "${grown[2]}" 90
  python3 "$HERE/history.py" grow "$PORT" "${grown[3]}" 400
  python3 "$HERE/history.py" grow "$PORT" "${grown[4]}" 400
  say "history: one write at a time, alternately, $rounds rounds; then bytes written per request"
  python3 "$HERE/history.py" cost "$PORT" "$rounds" "$RESULTS/history-cost.json" $(cat "$CURRENT_RUN/responder.pids") -- \
    "${grown[0]}:new" "${grown[1]}:30-days" "${grown[2]}:90-days" "${grown[3]}:400-days"
  stop
  CLAUDE_TELEMETRY_DATA_DIR="$WORK/data" "$BIN/claude-telemetry" compact --all >/dev/null
  cp "$WORK/data/users/${grown[4]}/aggregate.json" "$RESULTS/history-aggregate-400-days.json"
  for population in ${HISTORY_POPULATIONS:-100 1000}; do
    rm -rf "$WORK/data-old"
    cp -a "$WORK/data" "$WORK/data-old"
    python3 "$HERE/history.py" clone "$WORK/data-old" "${grown[4]}" "$WORK/users-all.txt" "$population" \
      "$WORK/users-old-$population.txt" >&2
    # Users grown by this version have the binary copy of aggregate.json that every fold writes;
    # clones (like data directories of earlier versions) gain it from `compact --all`.
    local copy_start=$SECONDS
    CLAUDE_TELEMETRY_DATA_DIR="$WORK/data-old" "$BIN/claude-telemetry" compact --all >/dev/null
    say "history: compact --all gave $population cloned users their binary copy in $((SECONDS - copy_start)) s"
    for kind in old new; do
      local data="$WORK/data-old" baseline
      if [[ $kind == new ]]; then fresh_data "$WORK/data-new"; data="$WORK/data-new"; fi
      baseline=$(python3 -c 'import glob,json,sys; print(sum(d["received"]["metricRequests"] + d["received"]["logRequests"] for d in (json.load(open(p)) for p in glob.glob(sys.argv[1] + "/users/*/aggregate.json"))))' "$data")
      settle
      start "history-$kind-u$population" "$PRODUCT" "${config%x*}" "$data" --threads "${config#*x}" --durability durable
      run_wrk "history-$kind-u$population" "$PRODUCT_SECONDS" post "$WORK/users-old-$population.txt"
      stop
      check_written "history-$kind-u$population" "$data" "$baseline"
      say "history-$kind-u$population: $(cat "$RESULTS/history-$kind-u$population.written.json")"
    done
    storage "durable-history-u$population-4k" "$population" durable 2 4096 "$PRODUCT_SECONDS" 1
    # Readers over the same users: the first scrape reads every user, later ones only changed files.
    for kind in old new; do
      "$BIN/telemetry-bench" scrape-dir "$WORK/data-$kind" 30 > "$RESULTS/history-scrape-$kind-u$population.txt"
      say "history scrape $kind u$population: $(cat "$RESULTS/history-scrape-$kind-u$population.txt")"
      "$BIN/telemetry-bench" team-dir "$WORK/data-$kind" 10 > "$RESULTS/history-team-$kind-u$population.txt"
      say "history team $kind u$population: $(cat "$RESULTS/history-team-$kind-u$population.txt")"
    done
    # The first team summary after a start is one sample per process and swings by a third from
    # one minute to the next: four more of each, the two kinds alternately, for its median.
    for round in 1 2 3 4; do
      for kind in old new; do
        "$BIN/telemetry-bench" team-dir "$WORK/data-$kind" 0 >> "$RESULTS/history-team-first-$kind-u$population.txt"
      done
    done
  done
  python3 "$HERE/report.py" --history "$RESULTS" > "$SCRATCH/history.md"
  cat "$SCRATCH/history.md"
}

if [[ ${HISTORY_ONLY:-0} -eq 1 ]]; then
  PRODUCT="$BIN/claude-telemetry-fcgi"
  history_step
  exit 0
fi

# ------------------------------------------------------------------ 1a. HTTP ceilings
for processes in 1 2; do
  start "empty-p$processes" "$CBIN/empty-responder" "$processes" "$WORK/empty-data"
  run_wrk "ceiling-get-p$processes" "$HTTP_SECONDS" get "$WORK/users-all.txt"
  run_wrk "ceiling-post-p$processes" "$HTTP_SECONDS" post "$WORK/users-all.txt"
  stop
done

# ------------------------------------------------------------------ 1b. storage ceilings
# 1 and 2 processes (the product has 2 cores), and 4 (as many writers as the product's 2x2
# workers: with fsync, writers wait on the disk and more of them overlap).
for mode in fast durable; do
  storage "$mode-u1000-p1" 1000 "$mode" 1
  storage "$mode-u1000-p2" 1000 "$mode" 2
  storage "$mode-u1000-p4" 1000 "$mode" 4
  storage "$mode-u1-p2" 1 "$mode" 2
done

# ------------------------------------------------------------------ 2. the product
PRODUCT="$BIN/claude-telemetry-fcgi"
declare -A CONFIG
for mode in fast durable; do
  if [[ -n "${PRODUCT_PROCESSES:-}" || -n "${PRODUCT_THREADS:-}" || $SWEEP_SECONDS -eq 0 ]]; then
    CONFIG[$mode]="${PRODUCT_PROCESSES:-2}x${PRODUCT_THREADS:-2}"
    continue
  fi
  best="" best_rps=0
  for config in 1x2 2x1 2x2 2x4; do
    fresh_data "$WORK/data"
    settle
    start "sweep-$mode-$config" "$PRODUCT" "${config%x*}" "$WORK/data" --threads "${config#*x}" --durability "$mode"
    run_wrk "sweep-$mode-$config" "$SWEEP_SECONDS" post "$WORK/users-all.txt"
    stop
    rps=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["rps"]) if r["non200"] == 0 else 0)' "$RESULTS/sweep-$mode-$config.json")
    if [[ $rps -gt $best_rps ]]; then best=$config best_rps=$rps; fi
  done
  CONFIG[$mode]="${best:-2x2}"
done
echo "config_fast=${CONFIG[fast]}" >> "$RESULTS/machine.txt"
echo "config_durable=${CONFIG[durable]}" >> "$RESULTS/machine.txt"
say "product configuration (processes x threads): fast ${CONFIG[fast]}, durable ${CONFIG[durable]}"

for mode in fast durable; do
  config=${CONFIG[$mode]}
  for population in 1000 1; do
    users_file="$WORK/users-all.txt"
    [[ $population -eq 1 ]] && users_file="$WORK/users-one.txt"
    name="product-$mode-u$population"
    fresh_data "$WORK/data"
    settle
    start "$name" "$PRODUCT" "${config%x*}" "$WORK/data" --threads "${config#*x}" --durability "$mode"
    run_wrk "$name" "$PRODUCT_SECONDS" post "$users_file"
    if [[ $mode == fast && $population -eq 1000 ]]; then
      run_wrk "product-get" "$HTTP_SECONDS" get "$users_file"
    fi
    stop
    check_written "$name" "$WORK/data"
    say "$name: $(cat "$RESULTS/$name.written.json")"
    if [[ $population -eq 1000 ]]; then
      matched_storage "$mode" "$name" $(( ${config%x*} * ${config#*x} ))
    fi
  done
done

# Latency below saturation: the same 32 connections, paced to half the rate the closed-loop
# fast run reached (a closed loop measures queueing: p50 is about connections / throughput).
paced_rate=$(python3 -c 'import json,sys; print(max(1, int(json.load(open(sys.argv[1]))["rps"] / 2)))' \
  "$RESULTS/product-fast-u1000.json")
fresh_data "$WORK/data"
settle
config=${CONFIG[fast]}
start product-fast-paced "$PRODUCT" "${config%x*}" "$WORK/data" --threads "${config#*x}" --durability fast
WRK_RATE=$paced_rate run_wrk product-fast-paced "$PRODUCT_SECONDS" post "$WORK/users-all.txt"
stop
check_written product-fast-paced "$WORK/data"
echo "$paced_rate" > "$RESULTS/product-fast-paced.rate"

CONFIG_HISTORY=${CONFIG[durable]} history_step


# ------------------------------------------------------------------ 3. decode throughput
say "decode throughput (telemetry-bench decode, best of $DECODE_ROUNDS)"
for round in $(seq 1 "$DECODE_ROUNDS"); do
  "$BIN/telemetry-bench" decode "$ROOT/Tests/TelemetryTesting/Fixtures"
done > "$RESULTS/decode.txt"
cat "$RESULTS/decode.txt" >&2

# ------------------------------------------------------------------ 3b. team summary
# GET …/team/summary with an admin token through the transport-free service, over 1000 users
# whose documents have data on each of the last 30 days; then the process's RSS over
# BENCH_TEAM_RSS_REQUESTS more team requests (10 000; --quick 1 000) over the same 1000 users.
say "team summary (telemetry-bench team): 1000 users, then RSS over $TEAM_RSS_REQUESTS team requests"
"$BIN/telemetry-bench" team "$ROOT/Tests/TelemetryTesting/Fixtures" 1000 30 1000 "$TEAM_RSS_REQUESTS" \
  > "$RESULTS/team.txt"
cat "$RESULTS/team.txt" >&2

# ------------------------------------------------------------------ 4. RSS over many requests
config=${CONFIG[fast]}
processes=${config%x*}
fresh_data "$WORK/data"
settle
start "rss" "$PRODUCT" "$processes" "$WORK/data" --threads "${config#*x}" --durability fast
say "RSS: $RSS_REQUESTS requests in $RSS_SEGMENTS segments (at most ${RSS_MAX_SECONDS} s), fast mode, $USERS users"
: > "$RESULTS/rss.tsv"
rss_sample start 0
segment_quota=$((RSS_REQUESTS / RSS_SEGMENTS / WRK_THREADS))
cycle=0 sent=0 rss_started=$SECONDS
for segment in $(seq 1 "$RSS_SEGMENTS"); do
  left=$((RSS_MAX_SECONDS - (SECONDS - rss_started)))
  if [[ $left -le 0 ]]; then say "RSS: time is up after $sent requests"; break; fi
  run_wrk "rss-$segment" "$left" post "$WORK/users-all.txt" "$cycle" "$segment_quota"
  cycle=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next_cycle"])' "$RESULTS/rss-$segment.json")
  sent=$((sent + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$RESULTS/rss-$segment.json")))
  rss_sample "segment-$segment" "$sent"
done
echo "rss_requests=$sent" >> "$RESULTS/machine.txt"
echo "rss_target=$RSS_REQUESTS" >> "$RESULTS/machine.txt"
stop

# ------------------------------------------------------------------ 4b. memory under large bodies
# LARGE_CLIENTS clients POST maximum-size bodies (20 MiB, nginx's and the responder's limit)
# through nginx while one client sends small batches one after another: the memory budget must
# keep each process's peak RSS within 64 MiB + the budget, and the small requests' p99 low.
LARGE_CLIENTS=8
LARGE_SECONDS=$([[ $QUICK -eq 1 ]] && echo 20 || echo 30)
LARGE_BUDGET=${BENCH_MEMORY_BUDGET:-67108864}
fresh_data "$WORK/data"
settle
start "large" "$PRODUCT" "$processes" "$WORK/data" --threads "${config#*x}" --durability fast \
  --memory-budget-bytes "$LARGE_BUDGET"
say "memory under large bodies: $LARGE_CLIENTS clients, 20 MiB bodies, ${LARGE_SECONDS} s, budget $LARGE_BUDGET bytes"
python3 "$HERE/large_bodies.py" "$PORT" "$(head -1 "$WORK/users-one.txt")" $((20971520 - 1024)) "$LARGE_CLIENTS" \
  "$LARGE_SECONDS" "$RESULTS/large-bodies.json" $(cat "$CURRENT_RUN/responder.pids")
echo "large_budget_bytes=$LARGE_BUDGET" >> "$RESULTS/machine.txt"
say "large bodies: $(cat "$RESULTS/large-bodies.json")"
stop

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/machine.txt"

# ------------------------------------------------------------------ 4c. Prometheus scrape
# One scrape = read every user's aggregate.json and render the exposition (the work of
# GET …/prometheus and `export --format prometheus`); telemetry-bench feeds each user the
# fixtures' metric and log batches first. Speed over 1000 users; RSS over many scrapes.
SCRAPE_USERS=${BENCH_SCRAPE_USERS:-1000}
SCRAPE_ROUNDS=${BENCH_SCRAPE_ROUNDS:-$([[ $QUICK -eq 1 ]] && echo 30 || echo 100)}
SCRAPE_RSS_USERS=${BENCH_SCRAPE_RSS_USERS:-100}
SCRAPE_RSS_ROUNDS=${BENCH_SCRAPE_RSS_ROUNDS:-$([[ $QUICK -eq 1 ]] && echo 1000 || echo 10000)}
settle
say "Prometheus scrape: $SCRAPE_USERS users x $SCRAPE_ROUNDS scrapes; RSS over $SCRAPE_RSS_ROUNDS scrapes of $SCRAPE_RSS_USERS users"
"$BIN/telemetry-bench" scrape "$ROOT/Tests/TelemetryTesting/Fixtures" "$SCRAPE_USERS" "$SCRAPE_ROUNDS" > "$RESULTS/scrape.txt"
"$BIN/telemetry-bench" scrape "$ROOT/Tests/TelemetryTesting/Fixtures" "$SCRAPE_RSS_USERS" "$SCRAPE_RSS_ROUNDS" > "$RESULTS/scrape-rss.txt"
cat "$RESULTS/scrape.txt" "$RESULTS/scrape-rss.txt" >&2

# ------------------------------------------------------------------ 5. the table
python3 "$HERE/report.py" "$RESULTS" > "$SCRATCH/results.md"
cat "$SCRATCH/results.md"
say "table written to $SCRATCH/results.md (raw figures in $RESULTS)"
