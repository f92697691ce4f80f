#!/usr/bin/env bash
# The package's whole gate: lint, format, strict types, tests with a coverage floor of 95 %.
#   packages/better-auth-jwt/scripts/check.sh [pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
run() { echo "+ $*"; "$@" || status=1; }
run uv run ruff check .
run uv run ruff format --check .
run uv run mypy --strict
run uv run pytest --cov=better_auth_jwt --cov-report=term-missing:skip-covered --cov-fail-under=95 "$@"
exit $status
