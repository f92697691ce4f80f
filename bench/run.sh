#!/usr/bin/env bash
# The benchmarks (docs/BENCHMARKS.md): `bench/run.sh`, or `BENCH_QUICK=1 bench/run.sh` for a smoke run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ ! -x "$root/frontend/node_modules/.bin/tsx" ]; then
  (cd "$root/frontend" && npm ci --no-audit --no-fund)
fi
if [ ! -d "$here/node_modules/autocannon" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
cd "$root/backend"
# `uv run` adds the bench group without removing what other groups installed.
exec env PYTHONPATH="$root/backend:$here/py" uv run --group bench python "$here/py/run.py"
