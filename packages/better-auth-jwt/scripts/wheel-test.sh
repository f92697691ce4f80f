#!/usr/bin/env bash
# Builds the wheel and sdist, installs the wheel into a fresh virtual environment outside the
# repository, and runs examples/app.py with it against a real Better Auth issuer (both modes).
set -euo pipefail
cd "$(dirname "$0")/.."
exec uv run pytest wheel_test -p no:cacheprovider "$@"
