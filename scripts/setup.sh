#!/usr/bin/env bash
# Installs what is missing and writes the local env files.
#   scripts/setup.sh        everything 'make test' needs (backend, frontend, e2e packages, Chromium)
#   scripts/setup.sh --dev  only what 'make dev' needs
#   scripts/setup.sh --lighthouse  what 'make test' needs, and nginx for 'make lighthouse'
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_backend_packages
ensure_npm_packages "$ROOT/frontend"
if [[ "${1:-}" != "--dev" ]]; then
  ensure_npm_packages "$ROOT/e2e"
  ensure_chromium
fi
if [[ "${1:-}" == "--lighthouse" ]]; then
  ensure_nginx
fi
"$ROOT/scripts/env-files.sh"
