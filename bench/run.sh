#!/usr/bin/env bash
# The benchmarks (docs/BENCHMARKS.md): `bench/run.sh`, or `BENCH_QUICK=1 bench/run.sh` for a smoke run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source "$root/scripts/lib.sh"
ensure_uv
ensure_npm_packages "$root/frontend"
ensure_npm_packages "$here"
cd "$root/backend"
# `uv run` adds the bench group without removing what other groups installed.
# Revocation first (its check's cost, and sign-out propagation to two backends); then the main run.
env PYTHONPATH="$root/backend:$here/py" uv run --group bench python "$here/py/revocation.py"
exec env PYTHONPATH="$root/backend:$here/py" uv run --group bench python "$here/py/run.py"
