#!/usr/bin/env bash
# Runs both servers for development: migrates both databases, starts the frontend
# (http://localhost:3000) and, once it answers, the backend (http://127.0.0.1:8000, reloads on
# change), so that the backend's first fetch of the signing keys finds Better Auth up. Their logs
# are prefixed; the app's address is printed once both answer. Ctrl-C or SIGTERM stops both and
# everything they started; so does either one exiting.
#   FRONTEND_PORT, BACKEND_PORT  other ports (defaults 3000 and 8000); the app's origin and the
#                                API's URL then follow them, over what the env files say
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_uv

frontend_port=${FRONTEND_PORT:-3000}
backend_port=${BACKEND_PORT:-8000}
app_url=http://localhost:$frontend_port
api_url=http://127.0.0.1:$backend_port
if [[ $frontend_port != 3000 || $backend_port != 8000 ]]; then
  # The env files name the default ports; environment variables win over them on both sides.
  export BETTER_AUTH_URL=$app_url CORS_ORIGINS=$app_url NEXT_PUBLIC_API_URL=$api_url
fi
STARTUP_SECONDS=${DEV_STARTUP_SECONDS:-300}

port_busy() { python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"; }
for port in "$frontend_port" "$backend_port"; do
  if port_busy "$port"; then
    die "port $port is already in use (another 'make dev'?). Stop that process and retry."
  fi
done

# answers URL: true once URL gives an HTTP status below 500, false if it did not within 5 s
# (one Python process polls every quarter second, rather than a process per attempt).
answers() { python3 -c 'import sys, time, urllib.request, urllib.error
deadline = time.monotonic() + 5
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=max(deadline - time.monotonic(), 0.5))
        sys.exit(0)
    except urllib.error.HTTPError as e:
        sys.exit(0 if e.code < 500 else 1)
    except Exception:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.25)' "$1"; }

# Each server runs as its own job (process group), so stopping one stops everything it spawned;
# anything that left its group is found through the process tree (descendants) and stopped too.
set -m
pids=()
prefixed() {
  local name=$1
  shift
  ( "$@" 2>&1 | sed -u "s/^/[$name] /" ) &
  pids+=("$!")
}

descendants() {
  local pid child
  for pid in "$@"; do
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      echo "$child"
      descendants "$child"
    done
  done
}

# running PID: the process exists and is not a zombie waiting to be reaped.
running() {
  local state
  state=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -c1)
  [[ -n "$state" && "$state" != Z ]]
}

stopping=0
stop_all() {
  [[ $stopping -eq 0 ]] || return 0
  stopping=1
  trap '' INT TERM HUP # a second Ctrl-C must not cut the shutdown short
  echo
  say "stopping both servers"
  local pid tree alive
  tree=$(descendants $$)
  disown -a # no "Terminated" job notices
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in $tree; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do
    alive=0
    for pid in $tree; do running "$pid" && alive=1 && break; done
    [[ $alive -eq 1 ]] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  for pid in $tree; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
# Ctrl-C or SIGTERM is how a developer stops the servers: a normal end, not an error.
trap 'exit 0' INT TERM HUP

# Both migrations at once (each side owns its own tables); either failing stops here.
say "migrating both databases (alembic upgrade head; npm run migrate)"
(cd "$ROOT/backend" && uv run alembic upgrade head 2>&1 | sed -u "s/^/[backend] /"; exit "${PIPESTATUS[0]}") &
backend_migration=$!
(cd "$ROOT/frontend" && npm run --silent migrate 2>&1 | sed -u "s/^/[frontend] /"; exit "${PIPESTATUS[0]}") &
frontend_migration=$!
wait "$backend_migration" || die "the backend's migration failed (see above)"
wait "$frontend_migration" || die "the Better Auth migration failed (see above)"

# wait_for NAME URL: waits until URL answers; false if a server exited or time ran out.
wait_for() {
  local name=$1 url=$2 pid deadline=$((SECONDS + STARTUP_SECONDS))
  until answers "$url"; do
    for pid in "${pids[@]}"; do
      running "$pid" || { warn "the $name did not start (see its log above)"; return 1; }
    done
    if ((SECONDS > deadline)); then
      warn "the $name did not answer $url within ${STARTUP_SECONDS}s"
      return 1
    fi
  done
}

say "starting the frontend (Next.js dev server, compiles on first request)"
cd "$ROOT/frontend"
prefixed frontend npm run --silent dev -- --port "$frontend_port"
# Better Auth's own health route: once it answers, so does the JWKS the backend fetches.
wait_for frontend "$app_url/api/auth/ok" || exit 1

say "starting the backend"
cd "$ROOT/backend"
prefixed backend uv run uvicorn app.main:app --host 127.0.0.1 --port "$backend_port" --reload --reload-dir app
wait_for backend "$api_url/health" || exit 1
cd "$ROOT"

say "app: $app_url   backend: $api_url (docs at /docs)   Ctrl-C stops both"
wait -n || true
warn "a server exited; stopping the other"
exit 1
