#!/usr/bin/env bash
# The first of the README's two commands: on a fresh Debian machine, install what is missing,
# build, start the responder (spawn-fcgi) and nginx on 127.0.0.1, create a demo user if there
# is none, and print the Claude Code environment lines.
#
#   scripts/run-service.sh            start (or restart) on port 8080
#   PORT=9000 scripts/run-service.sh  another port
#   scripts/run-service.sh stop       stop both
#
# Everything lives under ./run/ (data directory run/data, socket, logs, nginx config).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
run="$repo/run"
port=${PORT:-8080}
source "$repo/scripts/lib.sh"

if [ "${1:-}" = "stop" ]; then
  stop_stack "$run"
  echo "stopped"
  exit 0
fi

ensure_service_packages
echo "building (release)…"
(cd "$repo" && swift build -c release --product claude-telemetry-fcgi >/dev/null && swift build -c release --product claude-telemetry >/dev/null)
bin="$repo/.build/release"
data="$run/data"
mkdir -p "$data"

start_stack "$repo" "$run" "$port" "$bin/claude-telemetry-fcgi" "$data" --threads 4
admin=("$bin/claude-telemetry" --data-dir "$data")
base="http://127.0.0.1:$port"

if [ -z "$("${admin[@]}" user list --json | tr -d '[:space:][]')" ]; then
  "${admin[@]}" user add --name demo --url "$base" >/dev/null
fi
user=$("${admin[@]}" user list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

cat <<EOT
claude-telemetry is running:
  nginx      http://127.0.0.1:$port$( [ "$port" = 80 ] || true )  (config run/nginx.conf, log run/nginx-error.log)
  responder  run/fcgi.sock, 4 threads  (log run/responder.log)
  data       run/data
  health     curl $base/api/v1/integrations/claude/metrics

Paste into the shell that runs Claude Code (user $user):
EOT
"${admin[@]}" user env "$user" --url "$base"
cat <<EOT

Dashboard:       $base/api/v1/integrations/claude/dashboard/#user=$user
See the totals:  .build/release/claude-telemetry --data-dir run/data show $user
Stop:            scripts/run-service.sh stop
EOT
