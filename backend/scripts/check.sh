#!/usr/bin/env bash
# The backend's whole gate: lint, format, types, tests on SQLite and Postgres, coverage floors.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
run() { echo "+ $*"; "$@" || status=1; }
run uv run ruff check .
run uv run ruff format --check .
run uv run mypy
run uv run pytest "$@"
exit $status
