# Shared shell functions for the run, test and benchmark scripts. Source it; don't run it.

# Installs the Debian packages named, when any of their commands is missing.
#   ensure_packages "nginx:nginx spawn-fcgi:spawn-fcgi" ...   (command:package pairs)
#   libfcgi-dev is checked through pkg-config.
ensure_packages() {
  local missing=()
  local pair command package
  for pair in "$@"; do
    command=${pair%%:*}
    package=${pair#*:}
    case "$command" in
      pkg-config=*) pkg-config --exists "${command#pkg-config=}" 2>/dev/null || missing+=("$package") ;;
      *) command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing+=("$package") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    install_packages "${missing[@]}"
  fi
}

# apt-get install, after an update, as root or through sudo.
install_packages() {
  echo "installing: $*" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The packages the service needs to build and run (libjs-chart.js: the dashboard's charts,
# which the nginx location snippet serves from /usr/share/javascript/chart.js/).
ensure_service_packages() {
  ensure_packages pkg-config:pkg-config "pkg-config=fcgi:libfcgi-dev" "pkg-config=zlib:zlib1g-dev" \
    nginx:nginx spawn-fcgi:spawn-fcgi curl:curl
  [ -f /usr/share/javascript/chart.js/chart.min.js ] || install_packages libjs-chart.js
}

# Checks that a directory holds both release binaries and prints its absolute path; for the
# test suites' entry points:  BIN_DIR=$(release_bin_dir "USAGE" "$@") || exit 2
release_bin_dir() {
  local usage=$1 dir=${2:-} binary
  if [[ -z "$dir" || "$dir" == "-h" || "$dir" == "--help" ]]; then
    echo "usage: $usage" >&2
    return 2
  fi
  dir=$(cd "$dir" && pwd) || return 2
  for binary in claude-telemetry-fcgi claude-telemetry; do
    if [[ ! -x "$dir/$binary" ]]; then
      echo "$dir/$binary is missing; build with: swift build -c release" >&2
      return 2
    fi
  done
  echo "$dir"
}

nginx_binary() {
  command -v nginx 2>/dev/null || echo /usr/sbin/nginx
}

# Renders nginx/nginx-local.conf.in into RUN_DIR/nginx.conf for PORT (the dashboard served
# from REPO_DIR/web).
#   render_nginx_conf REPO_DIR RUN_DIR PORT
render_nginx_conf() {
  local repo=$1 run=$2 port=$3
  mkdir -p "$run/nginx-temp"
  cp /etc/nginx/fastcgi_params "$run/fastcgi_params"
  sed -e "s|@RUN_DIR@|$run|g" -e "s|@PORT@|$port|g" -e "s|@NGINX_DIR@|$repo/nginx|g" \
    -e "s|@WEB_DIR@|$repo/web|g" \
    "$repo/nginx/nginx-local.conf.in" > "$run/nginx.conf"
}

# Starts the responder under spawn-fcgi on RUN_DIR/fcgi.sock and nginx on 127.0.0.1:PORT.
#   start_stack REPO_DIR RUN_DIR PORT RESPONDER_BINARY DATA_DIR [extra responder args...]
# SPAWN_PROCESSES (default 1) sets spawn-fcgi -F.
start_stack() {
  local repo=$1 run=$2 port=$3 binary=$4 data=$5
  shift 5
  mkdir -p "$run" "$data"
  stop_stack "$run"
  render_nginx_conf "$repo" "$run" "$port"
  rm -f "$run/fcgi.sock"
  # As root, nginx's workers run as nobody: give them the socket (and a way to reach it).
  local owner=()
  if [ "$(id -u)" -eq 0 ]; then
    owner=(-U nobody -G nogroup)
    chmod o+x "$run"
  fi
  # spawn-fcgi points the responder's stderr at /dev/null; a shell in between keeps its log.
  RESPONDER_LOG="$run/responder.log" spawn-fcgi -s "$run/fcgi.sock" -M 0660 "${owner[@]}" \
    -F "${SPAWN_PROCESSES:-1}" -P "$run/spawn-fcgi.pid" \
    -- /bin/sh -c 'exec "$0" "$@" 2>>"$RESPONDER_LOG"' "$binary" --data-dir "$data" "$@" >/dev/null
  # Remember every responder process (the exec'd shells) for stop_stack.
  sleep 0.2
  pgrep -f -- "$binary --data-dir $data" > "$run/responder.pids" || true
  "$(nginx_binary)" -c "$run/nginx.conf" -g "daemon on;" 2>>"$run/nginx-error.log"
  local tries=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/integrations/claude/metrics"; do
    tries=$((tries + 1))
    if [ $tries -gt 50 ]; then
      echo "the stack did not come up; see $run/nginx-error.log and $run/responder.log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# Stops nginx and the responders started by start_stack in RUN_DIR.
stop_stack() {
  local run=$1 pid
  if [ -f "$run/nginx.pid" ]; then
    "$(nginx_binary)" -c "$run/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$run/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$run/nginx.pid" ] || break; sleep 0.1; done
    rm -f "$run/nginx.pid"
  fi
  if [ -f "$run/responder.pids" ]; then
    for pid in $(cat "$run/responder.pids"); do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $(cat "$run/responder.pids"); do
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done
    rm -f "$run/responder.pids"
  fi
  rm -f "$run/fcgi.sock"
}

# --- the service as scripts/run-service.sh runs it ------------------------------------------------
# A master responder (claude-telemetry-fcgi --processes) holds RUN_DIR/fcgi.sock for the life of
# the service and runs the responder processes on it; nginx listens on 127.0.0.1:PORT. The
# responders' settings are in RUN_DIR/responder.env (NAME=value lines), read again on reload.
#
#   start_service REPO_DIR RUN_DIR PORT RESPONDER_BINARY [NAME=value ...]
#
# When the service already runs in RUN_DIR nothing is closed: nginx reloads its configuration
# (its listening socket stays open) and the master replaces its responders (new ones accept
# first, the old ones finish their requests), so a client sending meanwhile loses nothing.
# PROCESSES (default 1) responder processes; changing it needs stop_service first.

master_pid() {
  local run=$1 pid
  [ -f "$run/master.pid" ] || return 1
  pid=$(cat "$run/master.pid")
  kill -0 "$pid" 2>/dev/null || return 1
  # A master that was killed stays a zombie until its parent reaps it: it runs no more.
  if [ -r "/proc/$pid/stat" ] && [ "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" = Z ]; then
    return 1
  fi
  echo "$pid"
}

nginx_running() {
  local run=$1
  [ -f "$run/nginx.pid" ] && kill -0 "$(cat "$run/nginx.pid")" 2>/dev/null
}

wait_for_health() {
  local run=$1 port=$2 tries=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/integrations/claude/metrics"; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then
      echo "the service did not come up; see $run/nginx-error.log and $run/responder.log" >&2
      return 1
    fi
    sleep 0.1
  done
}

start_service() {
  local repo=$1 run=$2 port=$3 binary=$4
  shift 4
  mkdir -p "$run"
  local setting
  : > "$run/responder.env.new"
  for setting in "$@"; do printf '%s\n' "$setting" >> "$run/responder.env.new"; done
  mv "$run/responder.env.new" "$run/responder.env"
  render_nginx_conf "$repo" "$run" "$port"
  local master
  if master=$(master_pid "$run"); then
    echo "reloading: nginx and the responders are replaced without closing their sockets" >&2
    kill -HUP "$master"
  else
    # Responders an older start_stack left in this directory (nginx, if it runs, stays up and
    # is reloaded below: its listening socket is never closed).
    if [ -f "$run/responder.pids" ]; then
      local pid
      for pid in $(cat "$run/responder.pids"); do kill -TERM "$pid" 2>/dev/null || true; done
      rm -f "$run/responder.pids"
    fi
    rm -f "$run/fcgi.sock"
    setsid "$binary" --processes "${PROCESSES:-1}" --socket "$run/fcgi.sock" --socket-mode 0660 \
      --env-file "$run/responder.env" </dev/null >>"$run/responder.log" 2>&1 &
    echo $! > "$run/master.pid"
    local tries=0
    until [ -S "$run/fcgi.sock" ]; do
      tries=$((tries + 1))
      if [ $tries -gt 100 ] || ! kill -0 "$(cat "$run/master.pid")" 2>/dev/null; then
        echo "the responder did not start; see $run/responder.log" >&2
        tail -5 "$run/responder.log" >&2
        return 1
      fi
      sleep 0.05
    done
    # As root, nginx's workers run as nobody: give them the socket (and a way to reach it).
    if [ "$(id -u)" -eq 0 ]; then
      chown nobody:nogroup "$run/fcgi.sock"
      chmod o+x "$run"
    fi
  fi
  if nginx_running "$run"; then
    "$(nginx_binary)" -c "$run/nginx.conf" -s reload 2>>"$run/nginx-error.log"
  else
    "$(nginx_binary)" -c "$run/nginx.conf" -g "daemon on;" 2>>"$run/nginx-error.log"
  fi
  wait_for_health "$run" "$port"
}

# Stops what start_service started: nginx, then the master (its responders finish their requests).
stop_service() {
  local run=$1 master
  if master=$(master_pid "$run"); then
    if nginx_running "$run"; then
      "$(nginx_binary)" -c "$run/nginx.conf" -s quit 2>/dev/null || true
      for _ in $(seq 1 50); do nginx_running "$run" || break; sleep 0.1; done
    fi
    kill -TERM "$master" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$master" 2>/dev/null || true
  fi
  rm -f "$run/master.pid"
  stop_stack "$run"
}
