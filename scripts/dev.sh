#!/usr/bin/env bash
# Runs both servers for development: migrates both databases, then starts the backend
# (http://127.0.0.1:8000, reloads on change) and the frontend (http://localhost:3000)
# with their logs prefixed. Ctrl-C stops both; so does either one exiting.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_uv

port_busy() { python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"; }
for port in 3000 8000; do
  if port_busy "$port"; then
    die "port $port is already in use (another 'make dev'?). Stop that process and retry."
  fi
done

say "migrating the backend database (alembic upgrade head)"
(cd "$ROOT/backend" && uv run alembic upgrade head)
say "migrating the Better Auth tables (npm run migrate)"
(cd "$ROOT/frontend" && npm run --silent migrate)

# Each server runs as its own job (process group), so stopping one stops everything it spawned.
set -m
pids=()
prefixed() {
  local name=$1
  shift
  ( "$@" 2>&1 | sed -u "s/^/[$name] /" ) &
  pids+=("$!")
}

stopping=0
stop_all() {
  [[ $stopping -eq 0 ]] || return 0
  stopping=1
  echo
  say "stopping both servers"
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  disown -a # no "Terminated" job notices
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 1 ]] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
# Ctrl-C is how a developer stops the servers: a normal end, not an error.
trap 'exit 0' INT TERM

cd "$ROOT/backend"
prefixed backend uv run uvicorn app.main:app --host 127.0.0.1 --port 8000 --reload --reload-dir app
cd "$ROOT/frontend"
prefixed frontend npm run --silent dev
cd "$ROOT"

say "app: http://localhost:3000   backend: http://127.0.0.1:8000 (docs at /docs)   Ctrl-C stops both"
wait -n || true
warn "a server exited; stopping the other"
