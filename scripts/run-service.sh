#!/usr/bin/env bash
# The first of the README's two commands: on a fresh Debian machine, install what is missing,
# build, start the responders (under their master, which holds the FastCGI socket) and nginx on
# 127.0.0.1, put both executables on PATH, create a demo user if there is none, and print the
# Claude Code environment lines.
#
#   scripts/run-service.sh            start; when running: rebuild and reload, closing nothing
#   scripts/run-service.sh restart    the same (a client sending meanwhile loses nothing)
#   PORT=9000 scripts/run-service.sh  another port (THREADS=8: threads per responder)
#   scripts/run-service.sh stop       stop both
#
# Everything lives under ./run/ (data directory run/data, socket, logs, nginx config).
# RUN_DIR moves it; BIN_DIR runs the executables found there instead of building; LINK_DIR
# (default /usr/local/bin) is where the executables are linked.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
run=${RUN_DIR:-$repo/run}
port=${PORT:-8080}
link_dir=${LINK_DIR:-/usr/local/bin}
threads=${THREADS:-4}
source "$repo/scripts/lib.sh"

case "${1:-start}" in
  stop)
    stop_service "$run"
    echo "stopped"
    exit 0
    ;;
  start | restart) ;;
  *)
    echo "usage: scripts/run-service.sh [start|restart|stop]" >&2
    exit 64
    ;;
esac

ensure_service_packages
if [ -n "${BIN_DIR:-}" ]; then
  bin=$(cd "$BIN_DIR" && pwd)
else
  echo "building (release)…"
  for product in claude-telemetry-fcgi claude-telemetry; do
    (cd "$repo" && swift build -c release --static-swift-stdlib --product "$product" >/dev/null)
  done
  bin="$repo/.build/release"
fi
mkdir -p "$run/data"
data=$(cd "$run/data" && pwd)
base="http://127.0.0.1:$port"

# The responders' settings; the public URL is recorded in the data directory when they start,
# so `claude-telemetry user add` / `user env` print this port.
start_service "$repo" "$run" "$port" "$bin/claude-telemetry-fcgi" \
  "CLAUDE_TELEMETRY_DATA_DIR=$data" "CLAUDE_TELEMETRY_THREADS=$threads" "CLAUDE_TELEMETRY_PUBLIC_URL=$base"

# Both executables on PATH, so `claude-telemetry user list` works from any directory.
linked=""
if mkdir -p "$link_dir" 2>/dev/null && [ -w "$link_dir" ]; then
  ln -sfn "$bin/claude-telemetry" "$link_dir/claude-telemetry"
  ln -sfn "$bin/claude-telemetry-fcgi" "$link_dir/claude-telemetry-fcgi"
  linked="$link_dir"
fi
admin=("$bin/claude-telemetry" --data-dir "$data")

if [ -z "$("${admin[@]}" user list --json | tr -d '[:space:][]')" ]; then
  "${admin[@]}" user add --name demo >/dev/null
fi
user=$("${admin[@]}" user list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
tool=claude-telemetry
if [ -z "$linked" ]; then
  tool="$bin/claude-telemetry"
fi

# What waits in the parked area (requests that named no user, or an unknown user id), from the
# health document of the service just started.
parked=$(python3 - "$base/api/v1/integrations/claude/metrics" "$tool" <<'PY' || echo "unknown (the health document could not be read)"
import json, sys, time, urllib.error, urllib.request
# Right after a restart nginx may answer 503 + Retry-After while the responders change hands:
# asked again after the time it names, as any client is, for up to 15 s.
deadline = time.monotonic() + 15
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
            parked = json.load(answer).get("parked") or {}
        break
    except urllib.error.HTTPError as refusal:
        if refusal.code != 503 or time.monotonic() > deadline:
            raise
        time.sleep(min(5.0, float(refusal.headers.get("Retry-After") or 1)))
if parked.get("error"):
    print(parked["error"])
elif parked.get("requests", 0) > 0:
    requests, sources = parked["requests"], parked["installations"]
    print(f"{requests} request{'s' if requests != 1 else ''} from {sources} unclaimed installation"
          f"{'s' if sources != 1 else ''} wait to be claimed: see {sys.argv[2]} unclaimed")
else:
    print("nothing waits to be claimed")
PY
)

cat <<EOT
claude-telemetry is running:
  nginx      $base  (config $run/nginx.conf, log $run/nginx-error.log)
  responders $run/fcgi.sock, held by their master (pid $(cat "$run/master.pid")), $threads threads each  (log $run/responder.log)
  data       $data
  health     curl $base/api/v1/integrations/claude/metrics
  parked     $parked
EOT
if [ -n "$linked" ]; then
  echo "  on PATH    $linked/claude-telemetry and $linked/claude-telemetry-fcgi (links into $bin)"
else
  echo "  not on PATH: $link_dir is not writable (run as root, or set LINK_DIR to a directory on your PATH)"
fi
cat <<EOT

Paste into the shell that runs Claude Code (user $user):
EOT
"${admin[@]}" user env "$user"
cat <<EOT

Dashboard:       $base/api/v1/integrations/claude/dashboard/#user=$user
See the totals:  $tool show $user
Restart/upgrade: scripts/run-service.sh restart   (nothing a client sends meanwhile is lost)
Stop:            scripts/run-service.sh stop
EOT
