#!/usr/bin/env bash
# The gate of the Python side: lint, format and types of the backend, the shared test support
# (testing/), the security suite, the benchmarks and the tooling tests (scripts/tests/), all by
# the backend's ruff and mypy settings (the others extend them in their ruff.toml); then the
# backend's tests on SQLite and Postgres, and its coverage floors.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
run() { echo "+ $*"; "$@" || status=1; }
python_code=(. ../testing ../security ../bench ../scripts/tests)
run uv run ruff check "${python_code[@]}"
run uv run ruff format --check "${python_code[@]}"
# mypy's file list is in pyproject.toml; the suites' own dependency groups give it their imports.
run uv run --group security --group bench mypy
run uv run pytest "$@"
exit $status
