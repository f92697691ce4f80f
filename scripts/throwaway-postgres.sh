#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for tests, on 127.0.0.1 and a free port.
#
#   scripts/throwaway-postgres.sh start DIR   # prints the database URL on stdout
#   scripts/throwaway-postgres.sh stop DIR
#   scripts/throwaway-postgres.sh restart DIR # same port, same data (fault-injection tests)
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# Exits 3 when no server binaries are installed, so callers can skip with a message.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|restart DIR" >&2
  exit 2
fi

bindir=""
if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
  bindir=$(pg_config --bindir)
else
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/initdb" ]] && bindir=$candidate
  done
fi
if [[ -z "$bindir" ]]; then
  echo "PostgreSQL server binaries not found (install postgresql)" >&2
  exit 3
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
  local port=$1
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir/socket -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
}

case "$cmd" in
  start)
    mkdir -p "$dir/socket"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    port=$(free_port)
    echo "$port" >"$dir/port"
    start_server "$port"
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres app
    echo "postgresql://postgres@127.0.0.1:$port/app"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    ;;
  restart)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    start_server "$(cat "$dir/port")"
    ;;
  *)
    echo "usage: $0 start|stop|restart DIR" >&2
    exit 2
    ;;
esac
